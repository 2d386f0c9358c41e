"""Backlog: teams, iterations, features and stories, ranked by WSJF within their scopes."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import F, Q

from portfolio.models import WSJFScored

STORY_POINTS = (0, 1, 2, 3, 5, 8, 13, 20, 40, 100)


class WorkType(models.TextChoices):
    BUSINESS = "business", "Business"
    ENABLER = "enabler", "Enabler"
    COMPLIANCE = "compliance", "Compliance"
    TECH_DEBT = "tech_debt", "Tech debt"
    DEFECT = "defect", "Defect"


class Team(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    portfolio = models.ForeignKey("portfolio.Portfolio", on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["portfolio", "name"], name="team_unique_name")]

    def __str__(self) -> str:
        return self.name


class Iteration(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    portfolio = models.ForeignKey("portfolio.Portfolio", on_delete=models.CASCADE, related_name="iterations")
    name = models.CharField(max_length=120)
    start_date = models.DateField()
    end_date = models.DateField()

    class Meta:
        ordering = ["start_date"]
        constraints = [
            models.UniqueConstraint(fields=["portfolio", "name"], name="iteration_unique_name"),
            models.CheckConstraint(condition=Q(end_date__gt=F("start_date")), name="iteration_dates_order"),
        ]

    def __str__(self) -> str:
        return self.name


class FeatureState(models.TextChoices):
    FUNNEL = "funnel", "Funnel"
    ANALYZING = "analyzing", "Analyzing"
    BACKLOG = "backlog", "Backlog"
    IMPLEMENTING = "implementing", "Implementing"
    VALIDATING = "validating", "Validating"
    DONE = "done", "Done"


class StoryState(models.TextChoices):
    TODO = "todo", "To do"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


class Feature(WSJFScored):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    portfolio = models.ForeignKey("portfolio.Portfolio", on_delete=models.CASCADE, related_name="features")
    governance = models.OneToOneField("governance.GovernanceRecord", on_delete=models.PROTECT, related_name="feature")
    epic = models.ForeignKey(
        "portfolio.Epic", null=True, blank=True, on_delete=models.SET_NULL, related_name="features"
    )
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="features")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    state = models.CharField(max_length=20, choices=FeatureState.choices, default=FeatureState.FUNNEL)
    work_type = models.CharField(max_length=20, choices=WorkType.choices, default=WorkType.BUSINESS)
    rank = models.PositiveIntegerField(null=True, blank=True, editable=False, help_text="Rank in the portfolio")
    rank_in_epic = models.PositiveIntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["rank", "created_at"]
        indexes = [
            # The whole ORDER BY of the ranked lists, so a page is an index range scan.
            models.Index(fields=["portfolio", "rank", "created_at", "id"], name="feature_rank_order_idx"),
            models.Index(fields=["epic", "rank_in_epic", "created_at", "id"], name="feature_epic_rank_order_idx"),
            models.Index(fields=["portfolio", "state"]),
        ]
        constraints = [
            *WSJFScored.wsjf_constraints("feature"),
            models.CheckConstraint(condition=~Q(title=""), name="feature_title_required"),
            models.CheckConstraint(
                condition=Q(done_at__isnull=True) | Q(state=FeatureState.DONE), name="feature_done_at_only_when_done"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Story(WSJFScored):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    portfolio = models.ForeignKey("portfolio.Portfolio", on_delete=models.CASCADE, related_name="stories")
    governance = models.OneToOneField("governance.GovernanceRecord", on_delete=models.PROTECT, related_name="story")
    feature = models.ForeignKey(Feature, on_delete=models.CASCADE, related_name="stories")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="stories")
    iteration = models.ForeignKey(Iteration, null=True, blank=True, on_delete=models.SET_NULL, related_name="stories")
    title = models.CharField(max_length=200)
    acceptance_criteria = models.TextField(blank=True)
    points = models.PositiveSmallIntegerField(null=True, blank=True, choices=[(p, str(p)) for p in STORY_POINTS])
    state = models.CharField(max_length=20, choices=StoryState.choices, default=StoryState.TODO)
    work_type = models.CharField(max_length=20, choices=WorkType.choices, default=WorkType.BUSINESS)
    rank_in_feature = models.PositiveIntegerField(null=True, blank=True, editable=False)
    rank_in_team = models.PositiveIntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["feature", "rank_in_feature", "created_at"]
        verbose_name_plural = "stories"
        indexes = [
            models.Index(
                fields=["feature", "rank_in_feature", "created_at", "id"], name="story_feature_rank_order_idx"
            ),
            models.Index(fields=["team", "rank_in_team", "created_at", "id"], name="story_team_rank_order_idx"),
            models.Index(fields=["portfolio", "state"]),
        ]
        constraints = [
            *WSJFScored.wsjf_constraints("story"),
            models.CheckConstraint(condition=~Q(title=""), name="story_title_required"),
            models.CheckConstraint(
                condition=Q(points__isnull=True) | Q(points__in=STORY_POINTS), name="story_points_scale"
            ),
            models.CheckConstraint(
                condition=Q(done_at__isnull=True) | Q(state=StoryState.DONE), name="story_done_at_only_when_done"
            ),
        ]

    def __str__(self) -> str:
        return self.title
