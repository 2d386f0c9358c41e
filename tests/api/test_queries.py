"""Every list endpoint reads a page in a fixed number of queries, however much data there is."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backlog.services import iteration_create, team_create
from governance.services import approval_record, governance_record_update
from okrs.services import key_result_check_in
from portfolio.models import Portfolio
from portfolio.services import membership_set, theme_create, value_stream_create
from tests import builders

LISTS = [
    "portfolios",
    "memberships",
    "value-streams",
    "themes",
    "objectives",
    "key-results",
    "check-ins",
    "epics",
    "features",
    "stories",
    "teams",
    "iterations",
    "governance-records",
    "approvals",
    "audit-events",
    "frameworks",
    "requirements",
]
_n = itertools.count(1)


def _grow(portfolio: Portfolio, actor: User, rounds: int) -> None:
    """``rounds`` more of every kind of object, each linked to the others like real data."""
    for _ in range(rounds):
        i = next(_n)
        membership_set(actor=actor, portfolio=portfolio, user=User.objects.create_user(f"member{i}"), role="viewer")
        stream = value_stream_create(actor=actor, portfolio=portfolio, name=f"Stream {i}")
        theme = theme_create(actor=actor, portfolio=portfolio, name=f"Theme {i}")
        team = team_create(actor=actor, portfolio=portfolio, name=f"Team {i}")
        start = dt.date(2026, 1, 1) + dt.timedelta(days=14 * i)
        iteration = iteration_create(
            actor=actor, portfolio=portfolio, name=f"PI {i}", start_date=start, end_date=start + dt.timedelta(days=13)
        )
        objective = builders.objective(actor, portfolio)
        kr = builders.key_result(actor, objective)
        key_result_check_in(actor=actor, key_result=kr, value=i, confidence="0.5")
        epic = builders.epic(
            actor, portfolio, key_results=[kr], themes=[theme], value_stream=stream, owner=actor, hypothesis="h"
        )
        feature = builders.feature(actor, portfolio, epic=epic, team=team)
        builders.story(actor, feature, team=team, iteration=iteration)
        governance_record_update(
            actor=actor, record=epic.governance, data={"reviewer": actor, "requirements": [], "status": "assessed"}
        )
        approval_record(actor=actor, record=epic.governance, gate="go_no_go", decision="go", rationale="ok")


def _counts(client: Any) -> dict[str, int]:
    counts = {}
    for endpoint in LISTS:
        with CaptureQueriesContext(connection) as ctx:
            r = client.get(f"/api/v1/{endpoint}/?page_size=100")
        assert r.status_code == 200, (endpoint, r.content)
        counts[endpoint] = len(ctx.captured_queries)
    return counts


def test_list_query_counts_do_not_grow_with_the_data(api: Any, bank: Portfolio, admin: User) -> None:
    client = api(admin)
    _grow(bank, admin, 3)
    few = _counts(client)
    _grow(bank, admin, 27)
    many = _counts(client)
    assert many == few
    assert max(few.values()) <= 7, few
    assert len(client.get("/api/v1/stories/?page_size=100").json()["results"]) == 30


def test_ordered_and_filtered_lists_keep_their_query_count(
    api: Any, bank: Portfolio, admin: User, django_assert_max_num_queries: Any
) -> None:
    _grow(bank, admin, 5)
    client = api(admin)
    for url in (
        "/api/v1/epics/?ordering=rank&aligned=true",
        "/api/v1/features/?ordering=-wsjf&state=funnel&state=analyzing",
        f"/api/v1/stories/?ordering=rank_in_team&portfolio={bank.id}",
        "/api/v1/governance-records/?ordering=review_due&subject_kind=epic",
    ):
        with django_assert_max_num_queries(7):
            assert client.get(url).status_code == 200
