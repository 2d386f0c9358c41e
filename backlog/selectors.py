"""Backlog reads, including the traceability tree (Objective → KR → Epic → Feature → Story)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet

from backlog.models import Feature, FeatureState, Iteration, Story, StoryState, Team
from okrs.models import KeyResult, Objective
from okrs.selectors import objective_progress, progress_band
from portfolio.access import visible
from portfolio.models import Epic, EpicState, Portfolio
from portfolio.selectors import get_for_user


def team_list(*, user: Any) -> QuerySet[Team]:
    return visible(Team.objects.all(), user=user)


def iteration_list(*, user: Any) -> QuerySet[Iteration]:
    return visible(Iteration.objects.all(), user=user)


def feature_list(*, user: Any) -> QuerySet[Feature]:
    return visible(Feature.objects.select_related("epic", "team"), user=user)


def feature_get_for_user(*, user: Any, id: Any) -> Feature:
    return get_for_user(Feature.objects.select_related("governance", "epic", "team"), user=user, id=id)


def story_list(*, user: Any) -> QuerySet[Story]:
    return visible(Story.objects.select_related("feature", "team", "iteration"), user=user)


def story_get_for_user(*, user: Any, id: Any) -> Story:
    return get_for_user(Story.objects.select_related("governance", "feature", "team"), user=user, id=id)


# --- traceability ------------------------------------------------------------------------------


@dataclass
class FeatureNode:
    feature: Feature
    story_count: int
    stories_done: int


@dataclass
class EpicNode:
    epic: Epic
    features: list[FeatureNode] = field(default_factory=list)

    @property
    def story_count(self) -> int:
        return sum(f.story_count for f in self.features)


@dataclass
class KeyResultNode:
    key_result: KeyResult
    epics: list[EpicNode] = field(default_factory=list)


@dataclass
class ObjectiveNode:
    objective: Objective
    key_results: list[KeyResultNode] = field(default_factory=list)
    progress: Decimal | None = None
    band: str = "none"

    @property
    def epic_count(self) -> int:
        return len({e.epic.id for kr in self.key_results for e in kr.epics})


@dataclass
class Traceability:
    objectives: list[ObjectiveNode]
    unaligned_epics: list[EpicNode]
    unaligned_features: list[FeatureNode]  # features with no epic
    totals: dict[str, int]


def traceability_tree(*, portfolio: Portfolio) -> Traceability:
    """The whole tree of one portfolio in a fixed number of queries, whatever its size.

    An epic contributing to two key results appears under both. Epics that trace to no key
    result, and features with no epic, are "unaligned"; stories are counted per feature.
    """
    pid = portfolio.id
    objectives = list(Objective.objects.filter(portfolio_id=pid).order_by("period_start", "title"))
    key_results = list(KeyResult.objects.filter(portfolio_id=pid).order_by("title"))
    epics = list(Epic.objects.filter(portfolio_id=pid).order_by("rank", "created_at"))
    links = list(Epic.key_results.through.objects.filter(epic__portfolio_id=pid).values_list("epic_id", "keyresult_id"))
    features = list(
        Feature.objects.filter(portfolio_id=pid)
        .annotate(n_stories=Count("stories"), n_done=Count("stories", filter=Q(stories__state="done")))
        .select_related("team")
        .order_by("rank", "created_at")
    )

    features_by_epic: dict[uuid.UUID | None, list[FeatureNode]] = defaultdict(list)
    for f in features:
        features_by_epic[f.epic_id].append(FeatureNode(f, f.n_stories, f.n_done))
    epic_nodes = {e.id: EpicNode(e, features_by_epic.get(e.id, [])) for e in epics}
    epics_by_kr: dict[uuid.UUID, list[EpicNode]] = defaultdict(list)
    aligned: set[uuid.UUID] = set()
    for epic_id, kr_id in links:
        epics_by_kr[kr_id].append(epic_nodes[epic_id])
        aligned.add(epic_id)
    for nodes in epics_by_kr.values():
        nodes.sort(key=lambda n: (n.epic.rank is None, n.epic.rank or 0, n.epic.created_at))
    krs_by_objective: dict[uuid.UUID, list[KeyResultNode]] = defaultdict(list)
    for kr in key_results:
        krs_by_objective[kr.objective_id].append(KeyResultNode(kr, epics_by_kr.get(kr.id, [])))

    objective_nodes = []
    for o in objectives:
        kr_nodes = krs_by_objective.get(o.id, [])
        progress = objective_progress([n.key_result for n in kr_nodes])
        objective_nodes.append(ObjectiveNode(o, kr_nodes, progress, progress_band(progress)))

    story_total = sum(f.n_stories for f in features)
    unaligned_epics = [epic_nodes[e.id] for e in epics if e.id not in aligned]
    unaligned_features = features_by_epic.get(None, [])
    return Traceability(
        objectives=objective_nodes,
        unaligned_epics=unaligned_epics,
        unaligned_features=unaligned_features,
        totals={
            "objectives": len(objectives),
            "key_results": len(key_results),
            "epics": len(epics),
            "features": len(features),
            "stories": story_total,
            "unaligned_epics": len(unaligned_epics),
            "unaligned_features": len(unaligned_features),
            "unaligned_stories": sum(n.story_count for n in unaligned_epics)
            + sum(f.story_count for f in unaligned_features),
        },
    )


# --- the WSJF backlog page ------------------------------------------------------------------
#
# Built to stay fast on a portfolio of a million stories: every list walks one of the rank
# indexes ((portfolio, rank), (epic, rank_in_epic), (feature, rank_in_feature), (team, rank_in_team))
# and stops after one page; the total is counted only up to a cap; the filter choices are capped.

BACKLOG_PAGE_SIZE = 50
BACKLOG_COUNT_CAP = 1000
BACKLOG_CHOICES_CAP = 200
NO_LINK = "none"  # filter value: features with no epic, items with no team


@dataclass(frozen=True)
class BacklogPage:
    items: list[Any]
    number: int
    page_size: int
    has_next: bool
    total: int  # exact up to BACKLOG_COUNT_CAP
    total_capped: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def start(self) -> int:
        return (self.number - 1) * self.page_size + 1 if self.items else 0

    @property
    def end(self) -> int:
        return self.start + len(self.items) - 1 if self.items else 0


@dataclass(frozen=True)
class BacklogChoices:
    epics: list[Epic]
    teams: list[Team]
    features: list[Feature]


def _backlog_page(qs: QuerySet[Any], *, page: int, page_size: int) -> BacklogPage:
    """One page (fetching one row more tells whether there is a next) and a capped count: two queries."""
    number = max(page, 1)
    offset = (number - 1) * page_size
    rows = list(qs[offset : offset + page_size + 1])
    total = qs.order_by().values("pk")[: BACKLOG_COUNT_CAP + 1].count()
    return BacklogPage(
        items=rows[:page_size],
        number=number,
        page_size=page_size,
        has_next=len(rows) > page_size,
        total=min(total, BACKLOG_COUNT_CAP),
        total_capped=total > BACKLOG_COUNT_CAP,
    )


def _link_filter(qs: QuerySet[Any], name: str, value: uuid.UUID | str | None) -> QuerySet[Any]:
    if value == NO_LINK:
        return qs.filter(**{f"{name}__isnull": True})
    if value is not None:
        return qs.filter(**{f"{name}_id": value})
    return qs


def feature_backlog_page(
    *,
    portfolio: Portfolio,
    epic: uuid.UUID | str | None = None,
    team: uuid.UUID | str | None = None,
    state: str = "",
    work_type: str = "",
    show_done: bool = False,
    page: int = 1,
    page_size: int = BACKLOG_PAGE_SIZE,
) -> BacklogPage:
    """Features in WSJF rank order; unranked ones (new, or done) after the ranked; done hidden unless asked.

    Filtered by an epic, the list walks the epic's own rank index (rank_in_epic orders the epic's
    features exactly as the portfolio rank does).
    """
    qs = Feature.objects.filter(portfolio_id=portfolio.id).select_related("epic", "team")
    qs = _link_filter(qs, "epic", epic)
    qs = _link_filter(qs, "team", team)
    if state:
        qs = qs.filter(state=state)
    elif not show_done:
        qs = qs.exclude(state=FeatureState.DONE)
    if work_type:
        qs = qs.filter(work_type=work_type)
    rank = "rank_in_epic" if isinstance(epic, uuid.UUID) else "rank"
    qs = qs.order_by(F(rank).asc(nulls_last=True), "created_at", "id")
    return _backlog_page(qs, page=page, page_size=page_size)


def story_backlog_page(
    *,
    portfolio: Portfolio,
    within: str,
    feature: uuid.UUID | None = None,
    team: uuid.UUID | str | None = None,
    state: str = "",
    work_type: str = "",
    show_done: bool = False,
    page: int = 1,
    page_size: int = BACKLOG_PAGE_SIZE,
) -> BacklogPage:
    """Stories ranked within one feature (``within="feature"``) or one team (``within="team"``).

    Stories have no portfolio-wide rank, so a scope is required; with none, the page is empty.
    Within a feature, ``team`` further filters the feature's stories.
    """
    qs = Story.objects.filter(portfolio_id=portfolio.id).select_related("feature", "team")
    if within == "feature" and isinstance(feature, uuid.UUID):
        qs = _link_filter(qs.filter(feature_id=feature), "team", team)
        rank = "rank_in_feature"
    elif within == "team" and isinstance(team, uuid.UUID):
        qs = qs.filter(team_id=team)
        rank = "rank_in_team"
    else:
        qs = qs.none()
        rank = "rank_in_team"
    if state:
        qs = qs.filter(state=state)
    elif not show_done:
        qs = qs.exclude(state=StoryState.DONE)
    if work_type:
        qs = qs.filter(work_type=work_type)
    qs = qs.order_by(F(rank).asc(nulls_last=True), "created_at", "id")
    return _backlog_page(qs, page=page, page_size=page_size)


def backlog_filter_choices(
    *, portfolio: Portfolio, epic: uuid.UUID | None = None, feature: uuid.UUID | None = None, features: bool = False
) -> BacklogChoices:
    """Options for the backlog filters: the top-ranked open epics (and features), every team; each list capped.

    A selected epic or feature outside the cap is added, so the form always shows the current choice.
    """
    pid = portfolio.id
    by_rank = (F("rank").asc(nulls_last=True), "created_at", "id")  # the rank index order: no sort
    epics = list(
        Epic.objects.filter(portfolio_id=pid)
        .exclude(state=EpicState.DONE)
        .order_by(*by_rank)
        .only("id", "title", "rank")[:BACKLOG_CHOICES_CAP]
    )
    if epic is not None and all(e.id != epic for e in epics):
        epics += list(Epic.objects.filter(portfolio_id=pid, id=epic).only("id", "title", "rank"))
    teams = list(Team.objects.filter(portfolio_id=pid).order_by("name")[:BACKLOG_CHOICES_CAP])
    feature_list: list[Feature] = []
    if features:
        feature_list = list(
            Feature.objects.filter(portfolio_id=pid)
            .exclude(state=FeatureState.DONE)
            .order_by(*by_rank)
            .only("id", "title", "rank")[:BACKLOG_CHOICES_CAP]
        )
        if feature is not None and all(f.id != feature for f in feature_list):
            feature_list += list(Feature.objects.filter(portfolio_id=pid, id=feature).only("id", "title", "rank"))
    return BacklogChoices(epics=epics, teams=teams, features=feature_list)
