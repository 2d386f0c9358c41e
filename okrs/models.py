"""OKRs: objectives, key results and check-ins (DOMAIN §4)."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Objective(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    portfolio = models.ForeignKey("portfolio.Portfolio", on_delete=models.CASCADE, related_name="objectives")
    governance = models.OneToOneField("governance.GovernanceRecord", on_delete=models.PROTECT, related_name="objective")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    period_start = models.DateField()
    period_end = models.DateField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["period_start", "title"]
        indexes = [models.Index(fields=["portfolio", "period_start"])]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="objective_period_order"),
            models.CheckConstraint(condition=~Q(title=""), name="objective_title_required"),
        ]

    def __str__(self) -> str:
        return self.title


class KRKind(models.TextChoices):
    INCREASE_TO = "increase_to", "Increase to"
    DECREASE_TO = "decrease_to", "Decrease to"
    MAINTAIN_AT_OR_ABOVE = "maintain_at_or_above", "Stay at or above"
    MAINTAIN_AT_OR_BELOW = "maintain_at_or_below", "Stay at or below"
    MILESTONE = "milestone", "Milestone"


def kr_progress(kind: str, start: Decimal, target: Decimal, current: Decimal) -> Decimal:
    """Raw progress (may be < 0 or > 1); DOMAIN §4. Clamp to [0, 1] only for roll-up."""
    if kind in (KRKind.INCREASE_TO, KRKind.DECREASE_TO):
        if target == start:
            return (
                Decimal(1) if (current >= target if kind == KRKind.INCREASE_TO else current <= target) else Decimal(0)
            )
        return (current - start) / (target - start)
    if kind == KRKind.MAINTAIN_AT_OR_ABOVE:
        return Decimal(1) if current >= target else Decimal(0)
    if kind == KRKind.MAINTAIN_AT_OR_BELOW:
        return Decimal(1) if current <= target else Decimal(0)
    return Decimal(1) if current >= target else Decimal(0)  # milestone: target 1 = done


class KeyResult(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    portfolio = models.ForeignKey("portfolio.Portfolio", on_delete=models.CASCADE, related_name="key_results")
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="key_results")
    governance = models.OneToOneField(
        "governance.GovernanceRecord", on_delete=models.PROTECT, related_name="key_result"
    )
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=24, choices=KRKind.choices, default=KRKind.INCREASE_TO)
    start_value = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))
    target_value = models.DecimalField(max_digits=14, decimal_places=2)
    current_value = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))
    unit = models.CharField(max_length=30, blank=True)
    confidence = models.DecimalField(max_digits=3, decimal_places=2, default=Decimal("0.50"))
    weight = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal(1))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["objective", "title"]
        indexes = [models.Index(fields=["portfolio", "objective"])]
        constraints = [
            models.CheckConstraint(condition=Q(confidence__gte=0) & Q(confidence__lte=1), name="kr_confidence_0_1"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="kr_weight_positive"),
            models.CheckConstraint(condition=~Q(title=""), name="kr_title_required"),
            models.CheckConstraint(
                condition=~Q(kind="milestone") | (Q(start_value=0) & Q(target_value=1)),
                name="kr_milestone_is_0_to_1",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def progress(self) -> Decimal:
        return kr_progress(self.kind, self.start_value, self.target_value, self.current_value)

    @property
    def progress_clamped(self) -> Decimal:
        return min(Decimal(1), max(Decimal(0), self.progress))

    @property
    def band(self) -> str:
        p = self.progress_clamped
        return "green" if p >= Decimal("0.7") else "yellow" if p >= Decimal("0.4") else "red"


class CheckIn(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    portfolio = models.ForeignKey("portfolio.Portfolio", on_delete=models.CASCADE, related_name="+")
    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="check_ins")
    value = models.DecimalField(max_digits=14, decimal_places=2)
    confidence = models.DecimalField(max_digits=3, decimal_places=2)
    note = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["key_result", "-at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(confidence__gte=0) & Q(confidence__lte=1), name="checkin_confidence_0_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.value} @ {self.at:%Y-%m-%d}"
