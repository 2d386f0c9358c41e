"""Backlog writes: teams, iterations, features and stories. Ranking lives in ``backlog.ranking``."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from backlog.models import Feature, FeatureState, Iteration, Story, StoryState, Team
from backlog.wsjf import validate_inputs
from common.errors import ValidationFailed
from common.services import model_update, snapshot, validated_save
from governance.models import SubjectKind
from governance.services import audit_log, governance_record_create, governance_record_retitle
from portfolio.access import Perm, require
from portfolio.services import recompute_request

SCORE_INPUTS = ("business_value", "time_criticality", "risk_reduction", "job_size", "cod_per_week", "duration_weeks")
FEATURE_EDITABLE = ("title", "description", "epic", "team", "state", "work_type", *SCORE_INPUTS)
STORY_EDITABLE = (
    "title",
    "acceptance_criteria",
    "feature",
    "team",
    "iteration",
    "points",
    "state",
    "work_type",
    *SCORE_INPUTS,
)
RANK_AFFECTING = {*SCORE_INPUTS, "epic", "team", "feature", "state"}


def _check_wsjf(values: dict[str, Any], partial: bool) -> None:
    errors = validate_inputs(values)
    if partial:
        errors = {name: msgs for name, msgs in errors.items() if name in values}
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], fields=errors)


def _same_portfolio(portfolio_id: Any, **related: Any) -> None:
    bad = {
        name: ["Choose an item of this portfolio."]
        for name, obj in related.items()
        if obj is not None and obj.portfolio_id != portfolio_id
    }
    if bad:
        raise ValidationFailed("Items from another portfolio cannot be linked.", fields=bad)


def _flow_timestamps(item: Feature | Story, state: str, started_states: set[str], done_state: str) -> dict[str, Any]:
    """started_at/done_at changes that keep them true to ``state``: flow and lead time are read from them."""
    now, changes = timezone.now(), {}
    if state in started_states | {done_state} and item.started_at is None:
        changes["started_at"] = now
    if state == done_state and item.done_at is None:
        changes["done_at"] = now
    if state != done_state and item.done_at is not None:
        changes["done_at"] = None
    return changes


_FEATURE_STARTED = {FeatureState.IMPLEMENTING, FeatureState.VALIDATING}
_STORY_STARTED = {StoryState.IN_PROGRESS}


@transaction.atomic
def team_create(*, actor: Any, portfolio: Any, name: str) -> Team:
    require(user=actor, portfolio_id=portfolio.id, perm=Perm.EDIT_BACKLOG)
    team = Team(portfolio=portfolio, name=name.strip())
    validated_save(team)
    audit_log(
        actor=actor, action="backlog.team.created", instance=team, portfolio_id=portfolio.id, after={"name": team.name}
    )
    return team


@transaction.atomic
def iteration_create(*, actor: Any, portfolio: Any, name: str, start_date: Any, end_date: Any) -> Iteration:
    require(user=actor, portfolio_id=portfolio.id, perm=Perm.EDIT_BACKLOG)
    iteration = Iteration(portfolio=portfolio, name=name.strip(), start_date=start_date, end_date=end_date)
    validated_save(iteration)
    audit_log(
        actor=actor,
        action="backlog.iteration.created",
        instance=iteration,
        portfolio_id=portfolio.id,
        after=snapshot(iteration, ["name", "start_date", "end_date"]),
    )
    return iteration


@transaction.atomic
def feature_create(*, actor: Any, portfolio: Any, title: str, **fields: Any) -> Feature:
    require(user=actor, portfolio_id=portfolio.id, perm=Perm.EDIT_BACKLOG)
    unknown = sorted(set(fields) - set(FEATURE_EDITABLE))
    if unknown:
        raise ValidationFailed(f"Unknown field: {unknown[0]}.", fields={n: ["Unknown field."] for n in unknown})
    _check_wsjf(fields, partial=False)
    _same_portfolio(portfolio.id, epic=fields.get("epic"), team=fields.get("team"))
    record = governance_record_create(
        portfolio_id=portfolio.id, subject_kind=SubjectKind.FEATURE, subject_title=title.strip()
    )
    feature = Feature(portfolio=portfolio, governance=record, title=title.strip(), **fields)
    for name, value in _flow_timestamps(feature, feature.state, _FEATURE_STARTED, FeatureState.DONE).items():
        setattr(feature, name, value)
    validated_save(feature)
    audit_log(
        actor=actor,
        action="backlog.feature.created",
        instance=feature,
        portfolio_id=portfolio.id,
        after=snapshot(feature, ["title", "epic", "team", "state", "work_type", *SCORE_INPUTS]),
    )
    recompute_request(portfolio_id=portfolio.id, reason="feature created")
    return feature


def _item_update(
    *,
    actor: Any,
    item: Feature | Story,
    data: dict[str, Any],
    editable: tuple[str, ...],
    started: set[str],
    done_state: str,
    related: tuple[str, ...],
) -> None:
    """What updating a feature and updating a story share: checks, flow timestamps, audit, recompute."""
    kind = item._meta.model_name
    require(user=actor, portfolio_id=item.portfolio_id, perm=Perm.EDIT_BACKLOG)
    _check_wsjf(data, partial=True)
    _same_portfolio(item.portfolio_id, **{name: data.get(name) for name in related})
    if "state" in data:
        data = {**data, **_flow_timestamps(item, data["state"], started, done_state)}
    changed, before, after = model_update(instance=item, data=data, allowed=(*editable, "started_at", "done_at"))
    if "title" in changed:
        governance_record_retitle(record=item.governance, title=item.title)
    if changed:
        audit_log(
            actor=actor,
            action=f"backlog.{kind}.updated",
            instance=item,
            portfolio_id=item.portfolio_id,
            before=before,
            after=after,
        )
    if RANK_AFFECTING.intersection(changed):
        recompute_request(portfolio_id=item.portfolio_id, reason=f"{kind} changed")


@transaction.atomic
def feature_update(*, actor: Any, feature: Feature, data: dict[str, Any]) -> Feature:
    _item_update(
        actor=actor,
        item=feature,
        data=data,
        editable=FEATURE_EDITABLE,
        started=_FEATURE_STARTED,
        done_state=FeatureState.DONE,
        related=("epic", "team"),
    )
    return feature


@transaction.atomic
def story_create(*, actor: Any, feature: Feature, title: str, **fields: Any) -> Story:
    require(user=actor, portfolio_id=feature.portfolio_id, perm=Perm.EDIT_BACKLOG)
    unknown = sorted(set(fields) - set(STORY_EDITABLE))
    if unknown:
        raise ValidationFailed(f"Unknown field: {unknown[0]}.", fields={n: ["Unknown field."] for n in unknown})
    _check_wsjf(fields, partial=False)
    _same_portfolio(feature.portfolio_id, team=fields.get("team"), iteration=fields.get("iteration"))
    record = governance_record_create(
        portfolio_id=feature.portfolio_id, subject_kind=SubjectKind.STORY, subject_title=title.strip()
    )
    story = Story(portfolio_id=feature.portfolio_id, feature=feature, governance=record, title=title.strip(), **fields)
    for name, value in _flow_timestamps(story, story.state, _STORY_STARTED, StoryState.DONE).items():
        setattr(story, name, value)
    validated_save(story, exclude=["portfolio"])
    audit_log(
        actor=actor,
        action="backlog.story.created",
        instance=story,
        portfolio_id=feature.portfolio_id,
        after=snapshot(story, ["title", "feature", "team", "iteration", "points", "state", *SCORE_INPUTS]),
    )
    recompute_request(portfolio_id=feature.portfolio_id, reason="story created")
    return story


@transaction.atomic
def story_update(*, actor: Any, story: Story, data: dict[str, Any]) -> Story:
    _item_update(
        actor=actor,
        item=story,
        data=data,
        editable=STORY_EDITABLE,
        started=_STORY_STARTED,
        done_state=StoryState.DONE,
        related=("feature", "team", "iteration"),
    )
    return story
