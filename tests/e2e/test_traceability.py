"""The CPO signs in through the form and reads the traceability tree in a real browser."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from portfolio.models import Portfolio
from tests.conftest import PASSWORD
from tests.e2e.conftest import sign_in
from tests.e2e.retail_bank import build_retail_bank

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_cpo_signs_in_and_sees_the_traceability_tree(page: Any, live_server: Any, cpo: User, bank: Portfolio) -> None:
    titles = build_retail_bank(actor=cpo, portfolio=bank)

    sign_in(page, live_server.url, "cpo", PASSWORD)

    assert page.url == f"{live_server.url}/p/retail-bank/trace/"
    assert page.get_by_role("heading", name="Traceability").is_visible()
    assert page.locator(".who__role").inner_text() == "Chief product owner"
    assert page.locator(".node--objective .node__title", has_text=titles["objective"]).is_visible()
    assert page.locator(".node--kr .node__title", has_text=titles["key_result"]).first.is_visible()
    epic = page.locator(".node--epic", has_text=titles["epic"]).first
    assert epic.is_visible()
    # Epics start folded; opening one shows its features (plain <details>, no JavaScript needed).
    feature = epic.get_by_text(titles["feature"])
    assert not feature.is_visible()
    epic.locator("summary").click()
    assert feature.is_visible()

    unaligned = page.locator("#unaligned")
    unaligned.scroll_into_view_if_needed()
    assert unaligned.get_by_role("heading", name="Unaligned").is_visible()
    assert unaligned.get_by_text(titles["unaligned_epic"]).is_visible()
    assert unaligned.get_by_text(titles["unaligned_feature"]).is_visible()
    assert page.locator(".freshness").inner_text().startswith("ranks as of")
    # htmx is served from our static files, not a CDN
    assert page.evaluate("typeof window.htmx") == "object"


def test_bad_password_shows_an_error_and_logout_signs_out(
    page: Any, live_server: Any, cpo: User, bank: Portfolio
) -> None:
    sign_in(page, live_server.url, "cpo", "not-the-password")
    assert page.get_by_role("alert").inner_text().startswith("We couldn't sign you in.")

    sign_in(page, live_server.url, "cpo", PASSWORD)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    assert page.get_by_role("heading", name="Sign in").is_visible()


def test_pending_badge_polls_until_the_ranks_are_recomputed(
    page: Any, live_server: Any, cpo: User, bank: Portfolio
) -> None:
    from backlog.ranking import wsjf_recompute_portfolio
    from tests import builders as b

    b.feature(cpo, bank, title="Open banking consent dashboard")  # leaves a recompute request pending
    sign_in(page, live_server.url, "cpo", PASSWORD)
    assert page.locator("#freshness .badge--pending").is_visible()

    wsjf_recompute_portfolio(portfolio_id=bank.id)  # what the worker would do

    page.get_by_text("Ranks updated, reload").wait_for(timeout=12_000)  # htmx polls every 5 s
    assert page.locator("#freshness").inner_text().startswith("ranks as of")
