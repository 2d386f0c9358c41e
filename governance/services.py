"""Governance writes: records, approvals and the append-only audit trail."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models, transaction

from common.errors import ValidationFailed
from common.services import model_update, snapshot, validated_save
from governance.fair import fair_input_errors
from governance.models import Approval, AuditEvent, GovernanceRecord, RecordStatus

User = AbstractBaseUser | AnonymousUser

RECORD_EDITABLE = (
    "status",
    "inherent_likelihood",
    "inherent_impact",
    "residual_likelihood",
    "residual_impact",
    "uses_ai",
    "ai_act_tier",
    "explainability",
    "bias_review_done",
    "model_validated",
    "reviewer",
    "review_due",
    "notes",
    "fair_inputs",
)


def audit_log(
    *,
    actor: Any,
    action: str,
    instance: models.Model | None = None,
    portfolio_id: uuid.UUID | None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event. ``action`` is a stable dotted code such as ``portfolio.epic.moved``."""
    if instance is not None:
        object_type = object_type or instance._meta.label_lower
        object_id = object_id or str(instance.pk)
        object_repr = object_repr or str(instance)[:300]
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        portfolio_id=portfolio_id,
        actor_id=actor.pk if authenticated else None,
        actor_name=actor.get_username() if authenticated else "system",
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        before=before,
        after=after,
    )


def governance_record_create(
    *, portfolio_id: uuid.UUID, subject_kind: str, subject_title: str, **fields: Any
) -> GovernanceRecord:
    """The record every work item is born with; called by the item's create service, same transaction."""
    record = GovernanceRecord(
        portfolio_id=portfolio_id, subject_kind=subject_kind, subject_title=subject_title, **fields
    )
    try:
        validated_save(record, exclude=["portfolio"])
    except ValidationFailed as exc:  # the record's title is the item's title: name the item's field
        if "subject_title" in exc.fields:
            exc.fields["title"] = exc.fields.pop("subject_title")
        raise
    return record


def governance_record_retitle(*, record: GovernanceRecord, title: str) -> None:
    if record.subject_title != title:
        record.subject_title = title
        record.save(update_fields=["subject_title", "updated_at"])


@transaction.atomic
def governance_record_update(*, actor: Any, record: GovernanceRecord, data: dict[str, Any]) -> GovernanceRecord:
    from portfolio.access import Perm, require, require_member  # tenancy kernel, see docs/decisions/0002

    require(user=actor, portfolio_id=record.portfolio_id, perm=Perm.EDIT_GOVERNANCE)
    data = dict(data)
    requirements = data.pop("requirements", None)
    if data.get("ai_act_tier") and data.get("uses_ai") is False:
        raise ValidationFailed(
            "An EU AI Act tier needs an AI system.",
            fields={"ai_act_tier": ["Only AI systems have an AI Act tier; tick 'uses AI' or clear the tier."]},
        )
    if "fair_inputs" in data and (errors := fair_input_errors(data["fair_inputs"])):
        raise ValidationFailed(errors[0], fields={"fair_inputs": errors})
    require_member(user=data.get("reviewer"), portfolio_id=record.portfolio_id, field="reviewer")
    changed, before, after = model_update(instance=record, data=data, allowed=RECORD_EDITABLE)
    if requirements is not None:
        old = sorted(str(r) for r in record.requirements.values_list("id", flat=True))
        record.requirements.set(requirements)
        new = sorted(str(r.pk if hasattr(r, "pk") else r) for r in requirements)
        if old != new:
            before["requirements"], after["requirements"] = old, new
            changed.append("requirements")
    if changed:
        audit_log(
            actor=actor,
            action="governance.record.updated",
            instance=record,
            portfolio_id=record.portfolio_id,
            before=before,
            after=after,
        )
    return record


@transaction.atomic
def approval_record(*, actor: Any, record: GovernanceRecord, gate: str, decision: str, rationale: str) -> Approval:
    from portfolio.access import Perm, require

    perm = Perm.APPROVE_COMPLIANCE if gate == "compliance" else Perm.DECIDE_GATE
    require(user=actor, portfolio_id=record.portfolio_id, perm=perm)
    approval = Approval(
        portfolio_id=record.portfolio_id,
        record=record,
        gate=gate,
        decision=decision,
        rationale=rationale.strip(),
        by=actor,
    )
    validated_save(approval, exclude=["portfolio"])
    if gate == "compliance" and decision == "go" and record.status != RecordStatus.APPROVED:
        record.status = RecordStatus.APPROVED
        record.save(update_fields=["status", "updated_at"])
    audit_log(
        actor=actor,
        action=f"governance.approval.{decision}",
        instance=approval,
        portfolio_id=record.portfolio_id,
        object_repr=f"{approval.get_gate_display()} for {record}"[:300],
        after=snapshot(approval, ["gate", "decision", "rationale", "record"]),
    )
    return approval
