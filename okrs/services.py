"""OKR writes: objectives, key results and check-ins."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from common.errors import ValidationFailed
from common.services import model_update, snapshot, validated_save
from governance.models import SubjectKind
from governance.services import audit_log, governance_record_create, governance_record_retitle
from okrs.models import CheckIn, KeyResult, KRKind, Objective
from portfolio.access import Perm, require, require_member

OBJECTIVE_EDITABLE = ("title", "description", "period_start", "period_end", "owner", "parent")
KEY_RESULT_EDITABLE = ("title", "kind", "start_value", "target_value", "unit", "confidence", "weight")


def _check_parent(objective_portfolio_id: Any, parent: Objective | None, self_id: Any = None) -> None:
    if parent is None:
        return
    if parent.portfolio_id != objective_portfolio_id:
        raise ValidationFailed(
            "The parent objective is in another portfolio.",
            fields={"parent": ["Choose an objective of this portfolio."]},
        )
    node: Objective | None = parent
    while node is not None:  # cascades are shallow; refuse a cycle
        if self_id is not None and node.pk == self_id:
            raise ValidationFailed(
                "An objective cannot be its own ancestor.", fields={"parent": ["This would make a cycle."]}
            )
        node = node.parent


@transaction.atomic
def objective_create(
    *,
    actor: Any,
    portfolio: Any,
    title: str,
    period_start: Any,
    period_end: Any,
    description: str = "",
    owner: Any = None,
    parent: Objective | None = None,
) -> Objective:
    require(user=actor, portfolio_id=portfolio.id, perm=Perm.EDIT_OKRS)
    _check_parent(portfolio.id, parent)
    require_member(user=owner, portfolio_id=portfolio.id, field="owner")
    record = governance_record_create(
        portfolio_id=portfolio.id, subject_kind=SubjectKind.OBJECTIVE, subject_title=title.strip()
    )
    objective = Objective(
        portfolio=portfolio,
        governance=record,
        title=title.strip(),
        description=description,
        period_start=period_start,
        period_end=period_end,
        owner=owner,
        parent=parent,
    )
    validated_save(objective)
    audit_log(
        actor=actor,
        action="okrs.objective.created",
        instance=objective,
        portfolio_id=portfolio.id,
        after=snapshot(objective, ["title", "period_start", "period_end", "parent"]),
    )
    return objective


@transaction.atomic
def objective_update(*, actor: Any, objective: Objective, data: dict[str, Any]) -> Objective:
    require(user=actor, portfolio_id=objective.portfolio_id, perm=Perm.EDIT_OKRS)
    if "parent" in data:
        _check_parent(objective.portfolio_id, data["parent"], self_id=objective.pk)
    require_member(user=data.get("owner"), portfolio_id=objective.portfolio_id, field="owner")
    changed, before, after = model_update(instance=objective, data=data, allowed=OBJECTIVE_EDITABLE)
    if "title" in changed:
        governance_record_retitle(record=objective.governance, title=objective.title)
    if changed:
        audit_log(
            actor=actor,
            action="okrs.objective.updated",
            instance=objective,
            portfolio_id=objective.portfolio_id,
            before=before,
            after=after,
        )
    return objective


def _milestone_defaults(kind: str, fields: dict[str, Any]) -> None:
    if kind == KRKind.MILESTONE:
        fields["start_value"], fields["target_value"] = Decimal(0), Decimal(1)
        fields.setdefault("current_value", Decimal(0))


@transaction.atomic
def key_result_create(
    *,
    actor: Any,
    objective: Objective,
    title: str,
    target_value: Any = None,
    kind: str = KRKind.INCREASE_TO,
    **fields: Any,
) -> KeyResult:
    require(user=actor, portfolio_id=objective.portfolio_id, perm=Perm.EDIT_OKRS)
    unknown = sorted(set(fields) - {*KEY_RESULT_EDITABLE, "current_value"})
    if unknown:
        raise ValidationFailed(f"Unknown field: {unknown[0]}.", fields={n: ["Unknown field."] for n in unknown})
    fields["target_value"] = target_value
    _milestone_defaults(kind, fields)
    if fields["target_value"] is None:
        raise ValidationFailed("A key result needs a target.", fields={"target_value": ["This field is required."]})
    fields.setdefault("current_value", fields.get("start_value", Decimal(0)))
    record = governance_record_create(
        portfolio_id=objective.portfolio_id, subject_kind=SubjectKind.KEY_RESULT, subject_title=title.strip()
    )
    kr = KeyResult(
        portfolio_id=objective.portfolio_id,
        objective=objective,
        governance=record,
        title=title.strip(),
        kind=kind,
        **fields,
    )
    validated_save(kr, exclude=["portfolio"])
    audit_log(
        actor=actor,
        action="okrs.key_result.created",
        instance=kr,
        portfolio_id=objective.portfolio_id,
        after=snapshot(kr, ["title", "kind", "start_value", "target_value", "current_value", "unit"]),
    )
    return kr


@transaction.atomic
def key_result_update(*, actor: Any, key_result: KeyResult, data: dict[str, Any]) -> KeyResult:
    require(user=actor, portfolio_id=key_result.portfolio_id, perm=Perm.EDIT_OKRS)
    data = dict(data)
    if data.get("kind") == KRKind.MILESTONE:
        data["start_value"], data["target_value"] = Decimal(0), Decimal(1)
    # The current value moves only through check-ins, which keep the history.
    changed, before, after = model_update(instance=key_result, data=data, allowed=KEY_RESULT_EDITABLE)
    if "title" in changed:
        governance_record_retitle(record=key_result.governance, title=key_result.title)
    if changed:
        audit_log(
            actor=actor,
            action="okrs.key_result.updated",
            instance=key_result,
            portfolio_id=key_result.portfolio_id,
            before=before,
            after=after,
        )
    return key_result


def _decimal(name: str, value: Any) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationFailed("Enter a number.", fields={name: ["Enter a number."]}) from exc


@transaction.atomic
def key_result_check_in(*, actor: Any, key_result: KeyResult, value: Any, confidence: Any, note: str = "") -> CheckIn:
    """Record a check-in; the key result's current value and confidence follow it. History is kept."""
    require(user=actor, portfolio_id=key_result.portfolio_id, perm=Perm.CHECK_IN)
    value, confidence = _decimal("value", value), _decimal("confidence", confidence)
    if key_result.kind == KRKind.MILESTONE and value not in (Decimal(0), Decimal(1)):
        raise ValidationFailed("A milestone is 0 (not done) or 1 (done).", fields={"value": ["Enter 0 or 1."]})
    check_in = CheckIn(
        portfolio_id=key_result.portfolio_id,
        key_result=key_result,
        value=value,
        confidence=confidence,
        note=note,
        by=actor,
    )
    validated_save(check_in, exclude=["portfolio"])
    key_result = KeyResult.objects.select_for_update().get(pk=key_result.pk)
    before = snapshot(key_result, ["current_value", "confidence"])
    key_result.current_value, key_result.confidence = value, confidence
    validated_save(key_result, update_fields=["current_value", "confidence", "updated_at"])
    audit_log(
        actor=actor,
        action="okrs.key_result.checked_in",
        instance=key_result,
        portfolio_id=key_result.portfolio_id,
        before=before,
        after={**snapshot(key_result, ["current_value", "confidence"]), "note": note},
    )
    return check_in
