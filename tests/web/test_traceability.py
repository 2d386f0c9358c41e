"""The traceability page: Objective → Key Result → Epic → Feature → stories, and the unaligned work."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from portfolio.models import Portfolio
from tests import builders as b

pytestmark = pytest.mark.django_db

URL = "/p/retail-bank/trace/"


def build_tree(actor: User, portfolio: Portfolio, *, objectives: int) -> None:
    """Each objective: 2 KRs, one epic per KR with 2 features of 2 stories (1 done); plus unaligned work."""
    for _ in range(objectives):
        obj = b.objective(actor, portfolio)
        for _ in range(2):
            kr = b.key_result(actor, obj, current_value=60)
            ep = b.epic(actor, portfolio, key_results=[kr])
            for _ in range(2):
                feat = b.feature(actor, portfolio, epic=ep)
                b.story(actor, feat, state="done")
                b.story(actor, feat)
    loose_epic = b.epic(actor, portfolio, title="Branch network signage refresh")
    b.story(actor, b.feature(actor, portfolio, epic=loose_epic, title="Signage supplier tender"))
    orphan = b.feature(actor, portfolio, title="Upgrade the card printer firmware")
    for _ in range(3):
        b.story(actor, orphan)


def stat(html: str, label: str) -> int:
    match = re.search(rf'<span class="stat__value">(\d+)</span><span class="stat__label">{label}</span>', html)
    assert match, f"no {label} stat"
    return int(match.group(1))


def trace_page_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_cpo_sees_the_tree_with_the_right_counts(client: Client, cpo: User, bank: Portfolio) -> None:
    build_tree(cpo, bank, objectives=2)
    client.force_login(cpo)

    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert stat(html, "Objectives") == 2
    assert stat(html, "Key results") == 4
    assert stat(html, "Epics") == 5
    assert stat(html, "Features") == 10
    assert stat(html, "Stories") == 2 * 2 * 2 * 2 + 1 + 3
    assert stat(html, "Unaligned items") == 2
    assert html.count('class="node node--objective card"') == 2
    assert html.count('class="node node--kr"') == 4
    assert "<strong>1</strong>/2" in html  # stories done / total per feature
    assert "Chief product owner" in html  # the signed-in user's role in this portfolio
    assert 'aria-label="Objective progress"' in html


def test_unaligned_epics_and_features_are_listed_apart(client: Client, cpo: User, bank: Portfolio) -> None:
    build_tree(cpo, bank, objectives=1)
    client.force_login(cpo)

    html = client.get(URL).content.decode()

    aligned, unaligned = html.split('id="unaligned"')
    assert "Branch network signage refresh" not in aligned
    assert "Upgrade the card printer firmware" not in aligned
    assert "Branch network signage refresh" in unaligned
    assert "Signage supplier tender" in unaligned
    assert "Upgrade the card printer firmware" in unaligned
    assert "<strong>0</strong>/3" in unaligned  # the orphan feature's stories
    assert "4 stories sit underneath" in unaligned


def test_a_fully_aligned_portfolio_says_so(client: Client, cpo: User, bank: Portfolio) -> None:
    obj = b.objective(cpo, bank)
    b.epic(cpo, bank, key_results=[b.key_result(cpo, obj)])
    client.force_login(cpo)

    html = client.get(URL).content.decode()

    assert "Everything traces to a key result." in html


def test_an_empty_portfolio_shows_an_empty_state(client: Client, viewer: User) -> None:
    client.force_login(viewer)

    html = client.get(URL).content.decode()

    assert "No objectives yet" in html
    assert "ranks not computed yet" in html


def test_objective_progress_is_coloured_by_band(client: Client, cpo: User, bank: Portfolio) -> None:
    for current in (80, 50, 10):
        b.key_result(cpo, b.objective(cpo, bank), current_value=current)
    client.force_login(cpo)

    html = client.get(URL).content.decode()

    for band in ("green", "yellow", "red"):
        assert f'class="progress progress--{band}"' in html
    assert "On track" in html and "At risk" in html and "Off track" in html


def test_every_level_starts_collapsible_and_expand_all_opens_the_epics(
    client: Client, cpo: User, bank: Portfolio
) -> None:
    build_tree(cpo, bank, objectives=1)
    client.force_login(cpo)

    outline = client.get(URL).content.decode()
    expanded = client.get(URL + "?open=all").content.decode()

    assert '<details class="node node--epic">' in outline
    assert '<details class="node node--epic">' not in expanded
    assert expanded.count('<details class="node node--epic" open>') == 3


def test_pending_recompute_is_shown_and_polled(client: Client, cpo: User, bank: Portfolio) -> None:
    b.feature(cpo, bank)  # writes a recompute request that no worker has processed
    client.force_login(cpo)

    html = client.get(URL).content.decode()

    assert "recompute pending" in html
    assert 'hx-trigger="every 5s"' in html


def test_htmx_poll_of_freshness_returns_only_the_fragment(client: Client, cpo: User, bank: Portfolio) -> None:
    client.force_login(cpo)

    response = client.get(URL, headers={"HX-Request": "true", "HX-Target": "freshness"})

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="freshness"')
    assert "<body" not in html
    assert "Ranks updated, reload" in html  # nothing pending any more: offer the reload


def test_outsider_gets_404_on_banks_trace_page(client: Client, outsider: User, cpo: User) -> None:
    client.force_login(outsider)

    response = client.get(URL)

    assert response.status_code == 404
    html = response.content.decode()
    assert "Retail Bank" not in html
    assert "find that page" in html


def test_unknown_portfolio_is_404(client: Client, cpo: User) -> None:
    client.force_login(cpo)

    assert client.get("/p/no-such-portfolio/trace/").status_code == 404


def test_switcher_lists_only_my_portfolios(client: Client, outsider: User, cpo: User) -> None:
    client.force_login(outsider)

    html = client.get("/p/insurance/trace/").content.decode()

    assert 'href="/p/insurance/trace/" aria-current="true"' in html
    assert "Retail Bank" not in html


def test_query_count_does_not_grow_with_the_tree(client: Client, cpo: User, bank: Portfolio, settings: Any) -> None:
    client.force_login(cpo)
    build_tree(cpo, bank, objectives=1)
    small = trace_page_queries(client)

    build_tree(cpo, bank, objectives=4)
    large = trace_page_queries(client)

    assert small == large
    assert large <= 12
