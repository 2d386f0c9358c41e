"""Portfolio: the tenancy boundary, roles, value streams, themes, epics and their Kanban."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Cast

FIBONACCI = (1, 2, 3, 5, 8, 13, 20)
FIBONACCI_CHOICES = [(v, str(v)) for v in FIBONACCI]


class WipPolicy(models.TextChoices):
    HARD = "hard", "Hard: refuse a move past the limit"
    SOFT = "soft", "Soft: allow and flag"


class ScoringMode(models.TextChoices):
    WSJF = "wsjf", "WSJF (relative, SAFe)"
    CD3 = "cd3", "CD3 (cost of delay per week ÷ weeks)"


class Portfolio(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.TextField(blank=True)
    wip_policy = models.CharField(max_length=10, choices=WipPolicy.choices, default=WipPolicy.HARD)
    wip_limit_reviewing = models.PositiveSmallIntegerField(default=5)
    wip_limit_analyzing = models.PositiveSmallIntegerField(default=3)
    wip_limit_implementing = models.PositiveSmallIntegerField(null=True, blank=True)
    risk_appetite = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        default=250_000,
        help_text="Annualised loss above which residual risk is flagged.",
    )
    epic_threshold = models.DecimalField(max_digits=16, decimal_places=2, default=500_000)
    scoring_mode = models.CharField(max_length=10, choices=ScoringMode.choices, default=ScoringMode.WSJF)
    scores_computed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=~Q(name=""), name="portfolio_name_required")]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    VIEWER = "viewer", "Viewer"
    PRODUCT_OWNER = "product_owner", "Product owner"
    COMPLIANCE = "compliance", "Compliance officer"
    CPO = "cpo", "Chief product owner"
    ADMIN = "admin", "Portfolio admin"


class Membership(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["portfolio", "role"]
        constraints = [models.UniqueConstraint(fields=["portfolio", "user"], name="membership_unique_user")]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} in {self.portfolio}"


class ValueStream(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="value_streams")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["portfolio", "name"], name="value_stream_unique_name")]

    def __str__(self) -> str:
        return self.name


class StrategicTheme(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["portfolio", "name"], name="theme_unique_name")]

    def __str__(self) -> str:
        return self.name


class WSJFScored(models.Model):
    """WSJF inputs on the modified Fibonacci scale (DOMAIN §1), enforced by the database.

    Cost of Delay and WSJF are generated columns, so they are never stale; ranks need the whole
    scope and are written by the recompute worker.
    """

    business_value = models.PositiveSmallIntegerField(choices=FIBONACCI_CHOICES)
    time_criticality = models.PositiveSmallIntegerField(choices=FIBONACCI_CHOICES)
    risk_reduction = models.PositiveSmallIntegerField(
        choices=FIBONACCI_CHOICES, verbose_name="risk reduction / opportunity enablement"
    )
    job_size = models.PositiveSmallIntegerField(choices=FIBONACCI_CHOICES)
    cost_of_delay = models.GeneratedField(
        expression=F("business_value") + F("time_criticality") + F("risk_reduction"),
        output_field=models.IntegerField(),
        db_persist=True,
    )
    wsjf = models.GeneratedField(
        expression=Cast(F("business_value") + F("time_criticality") + F("risk_reduction"), models.FloatField())
        / Cast("job_size", models.FloatField()),
        output_field=models.FloatField(),
        db_persist=True,
    )
    # CD3 (Reinertsen), used when the portfolio scores in money: cost of delay per week ÷ weeks.
    cod_per_week = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    duration_weeks = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)

    class Meta:
        abstract = True

    @classmethod
    def wsjf_constraints(cls, prefix: str) -> list[models.BaseConstraint]:
        checks: list[models.BaseConstraint] = [
            models.CheckConstraint(condition=Q(**{f"{name}__in": FIBONACCI}), name=f"{prefix}_{name}_fibonacci")
            for name in ("business_value", "time_criticality", "risk_reduction", "job_size")
        ]
        checks.append(
            models.CheckConstraint(
                condition=Q(cod_per_week__isnull=True) | Q(cod_per_week__gte=0), name=f"{prefix}_cod_per_week_positive"
            )
        )
        checks.append(
            models.CheckConstraint(
                condition=Q(duration_weeks__isnull=True) | Q(duration_weeks__gt=0), name=f"{prefix}_duration_positive"
            )
        )
        return checks


class EpicState(models.TextChoices):
    FUNNEL = "funnel", "Funnel"
    REVIEWING = "reviewing", "Reviewing"
    ANALYZING = "analyzing", "Analyzing"
    READY = "ready", "Ready"
    IMPLEMENTING_MVP = "implementing_mvp", "Implementing: MVP"
    IMPLEMENTING_PERSEVERE = "implementing_persevere", "Implementing: persevere"
    DONE = "done", "Done"


class EpicOutcome(models.TextChoices):
    NONE = "", "—"
    COMPLETED = "completed", "Completed"
    NO_GO = "no_go", "No-Go"
    STOPPED = "stopped", "MVP stopped"


class Epic(WSJFScored):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="epics")
    governance = models.OneToOneField("governance.GovernanceRecord", on_delete=models.PROTECT, related_name="epic")
    value_stream = models.ForeignKey(
        ValueStream, null=True, blank=True, on_delete=models.SET_NULL, related_name="epics"
    )
    themes = models.ManyToManyField(StrategicTheme, blank=True, related_name="epics")
    key_results = models.ManyToManyField("okrs.KeyResult", blank=True, related_name="epics")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=24, choices=EpicState.choices, default=EpicState.FUNNEL)
    outcome = models.CharField(max_length=12, choices=EpicOutcome.choices, blank=True, default="")
    state_changed_at = models.DateTimeField(auto_now_add=True)
    # Epic hypothesis statement and lean business case (DOMAIN §3.2).
    hypothesis = models.TextField(blank=True)
    business_outcomes = models.TextField(blank=True)
    leading_indicators = models.TextField(blank=True)
    mvp_definition = models.TextField(blank=True)
    cost_estimate = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    budget = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["rank", "created_at"]
        indexes = [
            models.Index(fields=["portfolio", "state"]),
            # The whole ORDER BY of the ranked lists, so a page is an index range scan.
            models.Index(fields=["portfolio", "rank", "created_at", "id"], name="epic_rank_order_idx"),
        ]
        constraints = [
            *WSJFScored.wsjf_constraints("epic"),
            models.CheckConstraint(condition=~Q(title=""), name="epic_title_required"),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(state=EpicState.DONE), name="epic_outcome_only_when_done"
            ),
            models.CheckConstraint(
                condition=Q(cost_estimate__isnull=True) | Q(cost_estimate__gte=0), name="epic_cost_estimate_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def has_business_case(self) -> bool:
        return bool(self.hypothesis and self.mvp_definition and self.cost_estimate is not None)


class EpicTransition(models.Model):
    """Every Kanban move is kept: flow time, flow load and flow velocity come from here."""

    id = models.BigAutoField(primary_key=True)
    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="+")
    epic = models.ForeignKey(Epic, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=24, choices=EpicState.choices, blank=True)
    to_state = models.CharField(max_length=24, choices=EpicState.choices)
    wip_exceeded = models.BooleanField(default=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at"]
        indexes = [models.Index(fields=["epic", "at"]), models.Index(fields=["portfolio", "to_state", "at"])]

    def __str__(self) -> str:
        return f"{self.from_state or 'new'} → {self.to_state}"


class RecomputeKind(models.TextChoices):
    WSJF = "wsjf", "WSJF ranks"


class RecomputeRequest(models.Model):
    """Transactional outbox (DESIGN §1): written in the edit's transaction, processed by the worker."""

    id = models.BigAutoField(primary_key=True)
    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=RecomputeKind.choices)
    reason = models.CharField(max_length=100)
    requested_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["portfolio", "kind", "id"], condition=Q(processed_at__isnull=True), name="recompute_pending_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.portfolio_id}: {self.reason}"


class WorkerHeartbeat(models.Model):
    hostname = models.CharField(max_length=200, primary_key=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.hostname} at {self.seen_at:%H:%M:%S}"
