"""Backlog reads, including the traceability tree (Objective → KR → Epic → Feature → Story)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet

from backlog.models import Feature, Iteration, Story, Team
from okrs.models import KeyResult, Objective
from okrs.selectors import objective_progress, progress_band
from portfolio.access import visible
from portfolio.models import Epic, Portfolio
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
