"""The SQL recompute ranks exactly as the pure module does, in every scope."""

from __future__ import annotations

import random

import pytest

from backlog.models import Feature, Story
from backlog.ranking import wsjf_recompute_portfolio
from backlog.services import feature_update, story_update, team_create
from backlog.wsjf import FIBONACCI, Scored, ranks
from portfolio.models import Epic
from portfolio.services import portfolio_update
from tests import builders


def _random_inputs(rng: random.Random) -> dict[str, int]:
    return {k: rng.choice(FIBONACCI) for k in ("business_value", "time_criticality", "risk_reduction", "job_size")}


def _expected(rows) -> dict[str, int]:
    return ranks(
        [
            Scored(str(r.id), r.business_value, r.time_criticality, r.risk_reduction, r.job_size, r.created_at)
            for r in rows
        ]
    )


@pytest.fixture
def backlog(bank, po):
    rng = random.Random(7)
    teams = [team_create(actor=po, portfolio=bank, name=f"Team {i}") for i in range(2)]
    epics = [builders.epic(po, bank, **_random_inputs(rng)) for _ in range(4)]
    features = [
        builders.feature(po, bank, epic=rng.choice([*epics, None]), team=rng.choice(teams), **_random_inputs(rng))
        for _ in range(12)
    ]
    for _ in range(40):
        builders.story(po, rng.choice(features), team=rng.choice([*teams, None]), **_random_inputs(rng))
    return bank


def _assert_ranks_match(portfolio):
    epics = list(Epic.objects.filter(portfolio=portfolio).exclude(state="done"))
    assert {str(e.id): e.rank for e in epics} == _expected(epics)
    features = list(Feature.objects.filter(portfolio=portfolio).exclude(state="done"))
    assert {str(f.id): f.rank for f in features} == _expected(features)
    for epic_id in {f.epic_id for f in features if f.epic_id}:
        scope = [f for f in features if f.epic_id == epic_id]
        assert {str(f.id): f.rank_in_epic for f in scope} == _expected(scope)
    assert all(f.rank_in_epic is None for f in features if f.epic_id is None)
    stories = list(Story.objects.filter(portfolio=portfolio).exclude(state="done"))
    for feature_id in {s.feature_id for s in stories}:
        scope = [s for s in stories if s.feature_id == feature_id]
        assert {str(s.id): s.rank_in_feature for s in scope} == _expected(scope)
    for team_id in {s.team_id for s in stories if s.team_id}:
        scope = [s for s in stories if s.team_id == team_id]
        assert {str(s.id): s.rank_in_team for s in scope} == _expected(scope)
    assert all(s.rank_in_team is None for s in stories if s.team_id is None)


def test_sql_ranks_match_the_pure_module_in_every_scope(backlog):
    wsjf_recompute_portfolio(portfolio_id=backlog.id)
    _assert_ranks_match(backlog)


def test_done_items_lose_their_rank_and_the_rest_close_up(backlog, po):
    wsjf_recompute_portfolio(portfolio_id=backlog.id)
    top = Feature.objects.get(portfolio=backlog, rank=1)
    feature_update(actor=po, feature=top, data={"state": "done"})
    story = Story.objects.filter(portfolio=backlog).first()
    story_update(actor=po, story=story, data={"state": "done"})
    wsjf_recompute_portfolio(portfolio_id=backlog.id)
    top.refresh_from_db()
    story.refresh_from_db()
    assert top.rank is None and story.rank_in_feature is None and story.rank_in_team is None
    _assert_ranks_match(backlog)


def test_an_input_edit_reranks_after_recompute(backlog, po):
    wsjf_recompute_portfolio(portfolio_id=backlog.id)
    last = Feature.objects.filter(portfolio=backlog).order_by("-rank").first()
    feature_update(
        actor=po, feature=last, data={"business_value": 20, "time_criticality": 20, "risk_reduction": 20, "job_size": 1}
    )
    wsjf_recompute_portfolio(portfolio_id=backlog.id)
    last.refresh_from_db()
    assert last.rank == 1
    _assert_ranks_match(backlog)


def test_a_second_recompute_writes_no_rows(backlog):
    wsjf_recompute_portfolio(portfolio_id=backlog.id)
    assert wsjf_recompute_portfolio(portfolio_id=backlog.id, force=True).rows_written == 0


def test_cd3_mode_ranks_by_cost_of_delay_per_week_over_duration(bank, po, cpo):
    portfolio_update(actor=cpo, portfolio=bank, data={"scoring_mode": "cd3"})
    # DOMAIN §1.4 W3: J2, J1, J3, J4.
    for name, cod, weeks in [("J1", 50, 5), ("J2", 20, 1), ("J3", 80, 10), ("J4", 12, 3)]:
        builders.feature(po, bank, title=name, cod_per_week=cod * 1000, duration_weeks=weeks)
    wsjf_recompute_portfolio(portfolio_id=bank.id)
    order = list(Feature.objects.filter(portfolio=bank).order_by("rank").values_list("title", flat=True))
    assert order == ["J2", "J1", "J3", "J4"]
