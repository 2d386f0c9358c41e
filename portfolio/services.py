"""Portfolio writes: portfolios, memberships, value streams, themes, epics and Kanban moves."""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from common.errors import Conflict, ValidationFailed
from common.redis import redis_client
from common.services import model_update, snapshot, validated_save
from governance.models import Decision, Gate, GovernanceRecord, SubjectKind
from governance.services import audit_log, governance_record_create, governance_record_retitle
from okrs.models import KeyResult
from portfolio.access import Perm, forget_roles, require, require_member
from portfolio.models import (
    Epic,
    EpicOutcome,
    EpicState,
    EpicTransition,
    Membership,
    Portfolio,
    RecomputeKind,
    RecomputeRequest,
    Role,
    StrategicTheme,
    ValueStream,
    WipPolicy,
)

log = logging.getLogger(__name__)

# The Celery task that serves each recompute kind, by name (tasks live above this app).
RECOMPUTE_TASKS = {RecomputeKind.WSJF: "backlog.recompute_wsjf"}

PORTFOLIO_EDITABLE = (
    "name",
    "description",
    "wip_policy",
    "wip_limit_reviewing",
    "wip_limit_analyzing",
    "wip_limit_implementing",
    "risk_appetite",
    "epic_threshold",
    "scoring_mode",
)
EPIC_EDITABLE = (
    "title",
    "description",
    "value_stream",
    "owner",
    "hypothesis",
    "business_outcomes",
    "leading_indicators",
    "mvp_definition",
    "cost_estimate",
    "budget",
    "business_value",
    "time_criticality",
    "risk_reduction",
    "job_size",
    "cod_per_week",
    "duration_weeks",
)
SCORE_INPUTS = {"business_value", "time_criticality", "risk_reduction", "job_size", "cod_per_week", "duration_weeks"}


# --- recompute outbox -------------------------------------------------------------------------


def _recompute_flag(portfolio_id: uuid.UUID, kind: str) -> str:
    return f"lodestar:recompute-queued:{kind}:{portfolio_id}"


def recompute_enqueue(*, portfolio_id: uuid.UUID, kind: str = RecomputeKind.WSJF, debounce: bool = True) -> bool:
    """Send the recompute task. Redis being down is not an error: the outbox row waits for the sweep.

    Debounced: while a task for the portfolio is queued and not yet started, further edits send
    nothing (a Redis flag, cleared by the task as it starts), and the task is sent with a short
    countdown so a burst of edits is ranked by one run. The sweep sends without the flag.
    """
    from celery import current_app

    try:
        if debounce:
            flag = _recompute_flag(portfolio_id, kind)
            if not redis_client().set(flag, "1", nx=True, ex=settings.RECOMPUTE_FLAG_TTL):
                return True  # a queued task will see this edit
        current_app.send_task(
            RECOMPUTE_TASKS[RecomputeKind(kind)],
            args=[str(portfolio_id)],
            countdown=settings.RECOMPUTE_DEBOUNCE_SECONDS if debounce else 0,
            retry=False,
        )
    except Exception as exc:  # broker down or unreachable: the outbox row keeps the request
        log.warning("could not enqueue %s recompute for %s: %s", kind, portfolio_id, exc)
        if debounce:
            with contextlib.suppress(Exception):
                redis_client().delete(_recompute_flag(portfolio_id, kind))
        return False
    return True


def recompute_started(*, portfolio_id: uuid.UUID, kind: str = RecomputeKind.WSJF) -> None:
    """Called by the task before it claims requests: edits from now on send a new task."""
    with contextlib.suppress(Exception):
        redis_client().delete(_recompute_flag(portfolio_id, kind))


def recompute_request(*, portfolio_id: uuid.UUID, reason: str, kind: str = RecomputeKind.WSJF) -> RecomputeRequest:
    """Write the outbox row in the caller's transaction; enqueue the task once it commits."""
    request = RecomputeRequest.objects.create(portfolio_id=portfolio_id, kind=kind, reason=reason[:100])
    transaction.on_commit(lambda: recompute_enqueue(portfolio_id=portfolio_id, kind=kind))
    return request


# --- portfolios and memberships ---------------------------------------------------------------


@transaction.atomic
def portfolio_create(*, actor: Any, name: str, slug: str, **fields: Any) -> Portfolio:
    """Anyone signed in may start a portfolio; they become its admin."""
    if not getattr(actor, "is_authenticated", False):
        raise ValidationFailed("A portfolio needs a signed-in creator.")
    portfolio = Portfolio(name=name.strip(), slug=slug, **fields)
    validated_save(portfolio)
    Membership.objects.create(portfolio=portfolio, user=actor, role=Role.ADMIN)
    forget_roles(actor)
    audit_log(
        actor=actor,
        action="portfolio.portfolio.created",
        instance=portfolio,
        portfolio_id=portfolio.id,
        after=snapshot(portfolio, ["name", "slug", "wip_policy", "scoring_mode"]),
    )
    return portfolio


@transaction.atomic
def portfolio_update(*, actor: Any, portfolio: Portfolio, data: dict[str, Any]) -> Portfolio:
    require(user=actor, portfolio_id=portfolio.id, perm=Perm.SET_WIP)
    changed, before, after = model_update(instance=portfolio, data=data, allowed=PORTFOLIO_EDITABLE)
    if changed:
        audit_log(
            actor=actor,
            action="portfolio.portfolio.updated",
            instance=portfolio,
            portfolio_id=portfolio.id,
            before=before,
            after=after,
        )
        if "scoring_mode" in changed:
            recompute_request(portfolio_id=portfolio.id, reason="scoring mode changed")
    return portfolio


@transaction.atomic
def membership_set(*, actor: Any, portfolio: Portfolio, user: Any, role: str) -> Membership:
    require(user=actor, portfolio_id=portfolio.id, perm=Perm.MANAGE_MEMBERS)
    if role not in Role.values:
        raise ValidationFailed("Unknown role.", fields={"role": [f"Choose one of: {', '.join(Role.values)}."]})
    membership, created = Membership.objects.select_for_update().get_or_create(
        portfolio=portfolio, user=user, defaults={"role": role}
    )
    before = None if created else {"role": membership.role}
    if not created and membership.role != role:
        if membership.role == Role.ADMIN and not _other_admins(portfolio, user):
            raise Conflict("A portfolio keeps at least one admin.")
        membership.role = role
        membership.save(update_fields=["role"])
    forget_roles(user)
    audit_log(
        actor=actor,
        action="portfolio.membership.set",
        instance=membership,
        portfolio_id=portfolio.id,
        object_repr=f"{user.get_username()} as {role}",
        before=before,
        after={"role": role},
    )
    return membership


def _other_admins(portfolio: Portfolio, user: Any) -> bool:
    return Membership.objects.filter(portfolio=portfolio, role=Role.ADMIN).exclude(user=user).exists()


@transaction.atomic
def membership_remove(*, actor: Any, membership: Membership) -> None:
    require(user=actor, portfolio_id=membership.portfolio_id, perm=Perm.MANAGE_MEMBERS)
    if membership.role == Role.ADMIN and not _other_admins(membership.portfolio, membership.user):
        raise Conflict("A portfolio keeps at least one admin.")
    audit_log(
        actor=actor,
        action="portfolio.membership.removed",
        instance=membership,
        portfolio_id=membership.portfolio_id,
        before={"role": membership.role},
    )
    membership.delete()
    forget_roles(membership.user)


# --- value streams and themes ------------------------------------------------------------------


@transaction.atomic
def value_stream_create(*, actor: Any, portfolio: Portfolio, name: str, description: str = "") -> ValueStream:
    require(user=actor, portfolio_id=portfolio.id, perm=Perm.SET_WIP)
    stream = ValueStream(portfolio=portfolio, name=name.strip(), description=description)
    validated_save(stream)
    audit_log(
        actor=actor,
        action="portfolio.value_stream.created",
        instance=stream,
        portfolio_id=portfolio.id,
        after=snapshot(stream, ["name"]),
    )
    return stream


@transaction.atomic
def theme_create(*, actor: Any, portfolio: Portfolio, name: str, description: str = "") -> StrategicTheme:
    require(user=actor, portfolio_id=portfolio.id, perm=Perm.SET_WIP)
    theme = StrategicTheme(portfolio=portfolio, name=name.strip(), description=description)
    validated_save(theme)
    audit_log(
        actor=actor,
        action="portfolio.theme.created",
        instance=theme,
        portfolio_id=portfolio.id,
        after=snapshot(theme, ["name"]),
    )
    return theme


# --- epics -------------------------------------------------------------------------------------


def _same_portfolio(portfolio_id: uuid.UUID, field: str, objs: Iterable[Any]) -> list[Any]:
    objs = list(objs)
    if any(o.portfolio_id != portfolio_id for o in objs):
        raise ValidationFailed(
            "Items from another portfolio cannot be linked.", fields={field: ["Choose items of this portfolio."]}
        )
    return objs


@transaction.atomic
def epic_create(
    *,
    actor: Any,
    portfolio: Portfolio,
    title: str,
    business_value: int,
    time_criticality: int,
    risk_reduction: int,
    job_size: int,
    key_results: Iterable[KeyResult] = (),
    themes: Iterable[StrategicTheme] = (),
    value_stream: ValueStream | None = None,
    **fields: Any,
) -> Epic:
    require(user=actor, portfolio_id=portfolio.id, perm=Perm.PROPOSE_EPIC)
    unknown = sorted(set(fields) - set(EPIC_EDITABLE))
    if unknown:
        raise ValidationFailed(f"Unknown field: {unknown[0]}.", fields={n: ["Unknown field."] for n in unknown})
    if value_stream is not None:
        _same_portfolio(portfolio.id, "value_stream", [value_stream])
    require_member(user=fields.get("owner"), portfolio_id=portfolio.id, field="owner")
    key_results = _same_portfolio(portfolio.id, "key_results", key_results)
    themes = _same_portfolio(portfolio.id, "themes", themes)
    record = governance_record_create(
        portfolio_id=portfolio.id, subject_kind=SubjectKind.EPIC, subject_title=title.strip()
    )
    epic = Epic(
        portfolio=portfolio,
        governance=record,
        title=title.strip(),
        value_stream=value_stream,
        business_value=business_value,
        time_criticality=time_criticality,
        risk_reduction=risk_reduction,
        job_size=job_size,
        **fields,
    )
    validated_save(epic)
    epic.key_results.set(key_results)
    epic.themes.set(themes)
    EpicTransition.objects.create(portfolio=portfolio, epic=epic, from_state="", to_state=epic.state, by=actor)
    audit_log(
        actor=actor,
        action="portfolio.epic.created",
        instance=epic,
        portfolio_id=portfolio.id,
        after=snapshot(epic, ["title", "state", *sorted(SCORE_INPUTS)]),
    )
    recompute_request(portfolio_id=portfolio.id, reason="epic created")
    return epic


@transaction.atomic
def epic_update(*, actor: Any, epic: Epic, data: dict[str, Any]) -> Epic:
    require(user=actor, portfolio_id=epic.portfolio_id, perm=Perm.PROPOSE_EPIC)
    data = dict(data)
    key_results = data.pop("key_results", None)
    themes = data.pop("themes", None)
    if data.get("value_stream") is not None:
        _same_portfolio(epic.portfolio_id, "value_stream", [data["value_stream"]])
    require_member(user=data.get("owner"), portfolio_id=epic.portfolio_id, field="owner")
    changed, before, after = model_update(instance=epic, data=data, allowed=EPIC_EDITABLE)
    for name, values in (("key_results", key_results), ("themes", themes)):
        if values is None:
            continue
        values = _same_portfolio(epic.portfolio_id, name, values)
        manager = getattr(epic, name)
        old = sorted(str(pk) for pk in manager.values_list("id", flat=True))
        new = sorted(str(v.pk) for v in values)
        if old != new:
            manager.set(values)
            before[name], after[name] = old, new
            changed.append(name)
    if "title" in changed:
        governance_record_retitle(record=epic.governance, title=epic.title)
    if changed:
        audit_log(
            actor=actor,
            action="portfolio.epic.updated",
            instance=epic,
            portfolio_id=epic.portfolio_id,
            before=before,
            after=after,
        )
    if SCORE_INPUTS.intersection(changed):
        recompute_request(portfolio_id=epic.portfolio_id, reason="epic scores changed")
    return epic


# --- portfolio Kanban --------------------------------------------------------------------------

KANBAN_ORDER = [
    EpicState.FUNNEL,
    EpicState.REVIEWING,
    EpicState.ANALYZING,
    EpicState.READY,
    EpicState.IMPLEMENTING_MVP,
    EpicState.IMPLEMENTING_PERSEVERE,
    EpicState.DONE,
]
IMPLEMENTING = (EpicState.IMPLEMENTING_MVP, EpicState.IMPLEMENTING_PERSEVERE)


def wip_limit_for(portfolio: Portfolio, state: str) -> int | None:
    if state == EpicState.REVIEWING:
        return portfolio.wip_limit_reviewing
    if state == EpicState.ANALYZING:
        return portfolio.wip_limit_analyzing
    if state in IMPLEMENTING:
        return portfolio.wip_limit_implementing
    return None


def _latest_decision(record: GovernanceRecord, gate: str) -> str | None:
    approval = record.approvals.filter(gate=gate).order_by("-at").first()
    return approval.decision if approval else None


def _check_gates(epic: Epic, to_state: str) -> None:
    record = epic.governance
    if epic.state == EpicState.ANALYZING and to_state == EpicState.READY:
        missing = []
        if not epic.has_business_case:
            missing.append("a lean business case (hypothesis, MVP and cost estimate)")
        if not record.is_assessed:
            missing.append("an assessed governance record")
        if missing:
            raise Conflict("To enter Ready the epic needs " + " and ".join(missing) + ".", code="gate_blocked")
    if epic.state == EpicState.READY and to_state == EpicState.IMPLEMENTING_MVP:
        if _latest_decision(record, Gate.GO_NO_GO) != Decision.GO:
            raise Conflict("Implementation needs a CPO Go decision.", code="gate_blocked")
        if record.uses_ai and _latest_decision(record, Gate.COMPLIANCE) != Decision.GO:
            raise Conflict("An AI-bearing epic needs a compliance approval before implementation.", code="gate_blocked")


@transaction.atomic
def epic_move(*, actor: Any, epic: Epic, to_state: str, outcome: str = "") -> EpicTransition:
    """Move an epic one step along the Kanban (or back to Funnel, or to Done), holding WIP limits.

    Under a hard policy the portfolio row is locked first, so concurrent moves cannot overshoot.
    """
    require(user=actor, portfolio_id=epic.portfolio_id, perm=Perm.MOVE_EPIC)
    if to_state not in EpicState.values:
        raise ValidationFailed(
            "Unknown state.", fields={"to_state": [f"Choose one of: {', '.join(EpicState.values)}."]}
        )
    # NO KEY UPDATE: serializes moves without blocking inserts that reference the portfolio (FK KEY SHARE).
    portfolio = Portfolio.objects.select_for_update(no_key=True).get(pk=epic.portfolio_id)
    epic = Epic.objects.select_for_update().select_related("governance").get(pk=epic.pk)
    if epic.state == to_state:
        raise Conflict(f"The epic is already in {EpicState(to_state).label}.")
    if epic.state == EpicState.DONE:
        raise Conflict("A done epic stays done.")
    here, there = KANBAN_ORDER.index(EpicState(epic.state)), KANBAN_ORDER.index(EpicState(to_state))
    if to_state not in (EpicState.FUNNEL, EpicState.DONE) and there != here + 1:
        raise Conflict(
            f"An epic moves one column at a time: from {EpicState(epic.state).label} it can go to "
            f"{KANBAN_ORDER[here + 1].label}, back to Funnel, or to Done.",
            code="invalid_transition",
        )
    if to_state == EpicState.DONE and outcome not in EpicOutcome.values:
        raise ValidationFailed("Unknown outcome.", fields={"outcome": ["Choose completed, no_go or stopped."]})
    _check_gates(epic, to_state)

    exceeded = False
    limit = wip_limit_for(portfolio, to_state)
    if limit is not None:
        states = IMPLEMENTING if to_state in IMPLEMENTING else (to_state,)
        in_state = (
            Epic.objects.filter(portfolio=portfolio, state__in=states).exclude(pk=epic.pk).aggregate(n=Count("id"))["n"]
        )
        if in_state >= limit:
            if portfolio.wip_policy == WipPolicy.HARD:
                raise Conflict(
                    f"{EpicState(to_state).label} is at its WIP limit ({in_state}/{limit}).", code="wip_limit"
                )
            exceeded = True

    before = {"state": epic.state, "outcome": epic.outcome}
    transition = EpicTransition.objects.create(
        portfolio=portfolio, epic=epic, from_state=epic.state, to_state=to_state, wip_exceeded=exceeded, by=actor
    )
    epic.state = to_state
    epic.outcome = (outcome or EpicOutcome.COMPLETED) if to_state == EpicState.DONE else ""
    epic.state_changed_at = timezone.now()
    epic.save(update_fields=["state", "outcome", "state_changed_at", "updated_at"])
    audit_log(
        actor=actor,
        action="portfolio.epic.moved",
        instance=epic,
        portfolio_id=portfolio.id,
        before=before,
        after={"state": epic.state, "outcome": epic.outcome, "wip_exceeded": exceeded},
    )
    recompute_request(portfolio_id=portfolio.id, reason="epic moved")
    return transition
