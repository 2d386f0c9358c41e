"""The PO re-scores a feature inline in a real browser; a real worker re-ranks it and the page updates in place."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from backlog.models import Feature
from portfolio.models import Portfolio, RecomputeRequest
from tests.conftest import PASSWORD
from tests.e2e.conftest import sign_in
from tests.e2e.retail_bank import build_retail_bank
from tests.worker.conftest import start_worker, task_queue, wait_for  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_po_edits_inputs_inline_and_sees_the_new_rank_without_a_reload(
    page: Any,
    live_server: Any,
    cpo: User,
    po: User,
    bank: Portfolio,
    start_worker: Any,  # noqa: F811
) -> None:
    build_retail_bank(actor=cpo, portfolio=bank)
    start_worker()
    wait_for(lambda: not RecomputeRequest.objects.filter(portfolio=bank, processed_at__isnull=True).exists())
    last = Feature.objects.filter(portfolio=bank, rank__isnull=False).order_by("-rank").first()
    assert last is not None and last.rank > 1

    sign_in(page, live_server.url, "po", PASSWORD)
    page.get_by_role("link", name="Backlog", exact=True).click()
    page.wait_for_url(f"{live_server.url}/p/retail-bank/backlog/")
    assert page.get_by_role("heading", name="Backlog").is_visible()
    assert "WSJF" in page.locator(".mode-bar__mode").inner_text()
    row = page.locator(f"#row-{last.id}")
    assert row.locator(".brow__rank").inner_text() == str(last.rank)
    page.evaluate("window.__marker = 1")

    row.get_by_role("link", name=f"Edit the inputs of {last.title}").click()
    row.get_by_label("Business value").select_option("20")
    row.get_by_label("Time criticality").select_option("20")
    row.get_by_label("Risk reduction / opportunity enablement").select_option("20")
    row.get_by_label("Job size").select_option("1")
    row.get_by_role("button", name="Save").click()

    # The row answers at once with the new inputs; the rank follows when the worker has re-ranked.
    row.locator(".why__value", has_text="60.00").wait_for()
    page.wait_for_function(
        "id => document.querySelector(`#row-${id} .brow__rank`).innerText.trim() === '1'",
        arg=str(last.id),
        timeout=20_000,
    )
    assert page.locator(f"#row-{last.id} .brow__rank").inner_text() == "1"
    assert page.evaluate("window.__marker") == 1  # same document: no reload
    assert page.locator("#backlog-freshness .badge--pending").count() == 0
    assert page.locator(".brow").first.get_attribute("id") == f"row-{last.id}"
    last.refresh_from_db()
    assert (last.business_value, last.job_size, last.rank) == (20, 1, 1)


def test_an_off_scale_value_shows_a_field_error_in_the_row(
    page: Any, live_server: Any, cpo: User, po: User, bank: Portfolio
) -> None:
    build_retail_bank(actor=cpo, portfolio=bank)
    feature = Feature.objects.filter(portfolio=bank, rank=1).get()
    sign_in(page, live_server.url, "po", PASSWORD)
    page.goto(f"{live_server.url}/p/retail-bank/backlog/")
    row = page.locator(f"#row-{feature.id}")
    row.get_by_role("link", name=f"Edit the inputs of {feature.title}").click()
    # a value the select does not offer, as a crafted request would send
    row.locator("select[name=job_size] option").first.evaluate("o => { o.value = '4'; o.selected = true; }")
    row.get_by_role("button", name="Save").click()

    row.get_by_role("alert").wait_for()
    assert "Use the modified Fibonacci scale" in row.get_by_role("alert").inner_text()
    assert Feature.objects.get(pk=feature.pk).job_size == feature.job_size


SHOTS = os.environ.get("LODESTAR_SCREENSHOTS", "")


@pytest.mark.skipif(not SHOTS, reason="set LODESTAR_SCREENSHOTS to write screenshots")
def test_write_backlog_screenshots(browser: Any, live_server: Any, cpo: User, po: User, bank: Portfolio) -> None:
    folder = Path("/tmp/lodestar-shots" if SHOTS in ("1", "true", "yes") else SHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    build_retail_bank(actor=cpo, portfolio=bank)
    base = live_server.url
    for name, viewport in (("desktop", {"width": 1440, "height": 1000}), ("mobile", {"width": 390, "height": 844})):
        context = browser.new_context(viewport=viewport, device_scale_factor=1, locale="en-GB")
        page = context.new_page()
        sign_in(page, base, "po", PASSWORD)
        page.goto(f"{base}/p/retail-bank/backlog/")
        page.screenshot(path=str(folder / f"backlog-{name}.png"), full_page=name == "desktop")
        page.locator(".row-button--edit").nth(1).click()
        page.locator(".brow--editing").wait_for()
        page.locator(".why__value").first.click()
        page.screenshot(path=str(folder / f"backlog-edit-{name}.png"))
        page.goto(f"{base}/p/retail-bank/backlog/stories/")
        page.screenshot(path=str(folder / f"backlog-stories-{name}.png"), full_page=name == "desktop")
        context.close()
