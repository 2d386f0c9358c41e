"""Governance: the policy kernel every work item points to (DESIGN §3).

Risk records, frameworks, approvals and the audit trail know no work item. Each item holds a
non-null one-to-one link to its own ``GovernanceRecord``; the record outlives the item.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

SCALE_1_5 = [(i, str(i)) for i in range(1, 6)]


class SubjectKind(models.TextChoices):
    OBJECTIVE = "objective", "Objective"
    KEY_RESULT = "key_result", "Key result"
    EPIC = "epic", "Epic"
    FEATURE = "feature", "Feature"
    STORY = "story", "Story"


class AIActTier(models.TextChoices):
    NOT_AI = "", "Not an AI system"
    PROHIBITED = "prohibited", "Prohibited (Art. 5)"
    HIGH = "high", "High-risk (Art. 6, Annex III)"
    TRANSPARENCY = "transparency", "Transparency risk (Art. 50)"
    MINIMAL = "minimal", "Minimal risk"
    GPAI = "gpai", "General-purpose AI model"
    GPAI_SYSTEMIC = "gpai_systemic", "GPAI model with systemic risk"


class RecordStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ASSESSED = "assessed", "Assessed"
    APPROVED = "approved", "Approved"
    NEEDS_REVIEW = "needs_review", "Needs review"


class Framework(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    version = models.CharField(max_length=40)
    provider = models.CharField(max_length=120)
    url = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


class Requirement(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="requirements")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    ref_id = models.CharField(max_length=40)
    title = models.CharField(max_length=300)
    order = models.PositiveIntegerField(default=0)
    assessable = models.BooleanField(default=True)

    class Meta:
        ordering = ["framework", "order"]
        constraints = [models.UniqueConstraint(fields=["framework", "ref_id"], name="requirement_unique_ref")]

    def __str__(self) -> str:
        return f"{self.ref_id} {self.title}"


class GovernanceRecord(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The one reference that runs up the dependency order: kept for isolation and fast filtering.
    portfolio = models.ForeignKey("portfolio.Portfolio", on_delete=models.CASCADE, related_name="+")
    subject_kind = models.CharField(max_length=20, choices=SubjectKind.choices)
    subject_title = models.CharField(
        max_length=300, help_text="Title of the item when last saved; kept after deletion."
    )
    status = models.CharField(max_length=20, choices=RecordStatus.choices, default=RecordStatus.DRAFT)

    inherent_likelihood = models.PositiveSmallIntegerField(null=True, blank=True, choices=SCALE_1_5)
    inherent_impact = models.PositiveSmallIntegerField(null=True, blank=True, choices=SCALE_1_5)
    residual_likelihood = models.PositiveSmallIntegerField(null=True, blank=True, choices=SCALE_1_5)
    residual_impact = models.PositiveSmallIntegerField(null=True, blank=True, choices=SCALE_1_5)

    # FAIR: {"tef": [min, mode, max], "vulnerability": [...], "primary_loss": [...], "slef": [...], "slem": [...]}
    fair_inputs = models.JSONField(default=dict, blank=True)
    fair_ale_mean = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    fair_ale_p50 = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    fair_ale_p90 = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    fair_computed_at = models.DateTimeField(null=True, blank=True)

    uses_ai = models.BooleanField(default=False)
    ai_act_tier = models.CharField(max_length=20, choices=AIActTier.choices, blank=True, default="")
    explainability = models.TextField(blank=True)
    bias_review_done = models.BooleanField(default=False)
    model_validated = models.BooleanField(default=False)

    requirements = models.ManyToManyField(Requirement, blank=True, related_name="records")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_due = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["portfolio", "subject_kind"]), models.Index(fields=["portfolio", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(ai_act_tier="") | Q(uses_ai=True), name="governance_ai_tier_needs_ai"),
            models.CheckConstraint(
                condition=(Q(inherent_likelihood__isnull=True) & Q(inherent_impact__isnull=True))
                | (Q(inherent_likelihood__isnull=False) & Q(inherent_impact__isnull=False)),
                name="governance_inherent_pair",
            ),
            models.CheckConstraint(
                condition=(Q(residual_likelihood__isnull=True) & Q(residual_impact__isnull=True))
                | (Q(residual_likelihood__isnull=False) & Q(residual_impact__isnull=False)),
                name="governance_residual_pair",
            ),
            models.CheckConstraint(
                condition=Q(inherent_likelihood__isnull=True) | Q(inherent_likelihood__range=(1, 5)),
                name="governance_inherent_likelihood_1_5",
            ),
            models.CheckConstraint(
                condition=Q(inherent_impact__isnull=True) | Q(inherent_impact__range=(1, 5)),
                name="governance_inherent_impact_1_5",
            ),
            models.CheckConstraint(
                condition=Q(residual_likelihood__isnull=True) | Q(residual_likelihood__range=(1, 5)),
                name="governance_residual_likelihood_1_5",
            ),
            models.CheckConstraint(
                condition=Q(residual_impact__isnull=True) | Q(residual_impact__range=(1, 5)),
                name="governance_residual_impact_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_subject_kind_display()}: {self.subject_title}"

    @property
    def inherent_score(self) -> int | None:
        if self.inherent_likelihood is None or self.inherent_impact is None:
            return None
        return self.inherent_likelihood * self.inherent_impact

    @property
    def residual_score(self) -> int | None:
        if self.residual_likelihood is None or self.residual_impact is None:
            return None
        return self.residual_likelihood * self.residual_impact

    @property
    def is_assessed(self) -> bool:
        return self.status in {RecordStatus.ASSESSED, RecordStatus.APPROVED} and self.inherent_score is not None


class Gate(models.TextChoices):
    BUSINESS_CASE = "business_case", "Lean business case (analyzing → ready)"
    GO_NO_GO = "go_no_go", "Go / No-Go (ready → implementing)"
    COMPLIANCE = "compliance", "Compliance approval"


class Decision(models.TextChoices):
    GO = "go", "Go / approved"
    NO_GO = "no_go", "No-Go / rejected"


class Approval(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    portfolio = models.ForeignKey("portfolio.Portfolio", on_delete=models.CASCADE, related_name="+")
    record = models.ForeignKey(GovernanceRecord, on_delete=models.CASCADE, related_name="approvals")
    gate = models.CharField(max_length=20, choices=Gate.choices)
    decision = models.CharField(max_length=10, choices=Decision.choices)
    rationale = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["record", "gate", "-at"])]
        constraints = [models.CheckConstraint(condition=~Q(rationale=""), name="approval_rationale_required")]

    def __str__(self) -> str:
        return f"{self.get_gate_display()}: {self.get_decision_display()}"


class AuditEvent(models.Model):
    """Append-only: a database trigger refuses UPDATE and DELETE (migration 0002)."""

    id = models.BigAutoField(primary_key=True)
    # Plain columns, not foreign keys: the trail must survive the deletion of what it describes.
    portfolio_id = models.UUIDField(null=True, db_index=True)
    actor_id = models.IntegerField(null=True)
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=300)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["portfolio_id", "-id"]), models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name or 'system'} {self.action} {self.object_repr}"
