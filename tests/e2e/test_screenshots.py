"""Screenshots of the main pages, for looking at the design (not an assertion of pixels).

Runs only when LODESTAR_SCREENSHOTS is set; PNGs go to that folder (or /tmp/lodestar-shots if it is "1"):

    LODESTAR_SCREENSHOTS=1 python -m config.embedded --temp -- python -m pytest tests/e2e/test_screenshots.py
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from portfolio.models import Portfolio
from portfolio.services import portfolio_create
from tests.conftest import PASSWORD
from tests.e2e.conftest import sign_in
from tests.e2e.retail_bank import build_retail_bank

SETTING = os.environ.get("LODESTAR_SCREENSHOTS", "")
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not SETTING, reason="set LODESTAR_SCREENSHOTS to write screenshots"),
]


def _folder() -> Path:
    folder = Path("/tmp/lodestar-shots" if SETTING in ("1", "true", "yes") else SETTING)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_write_screenshots(browser: Any, live_server: Any, cpo: User, bank: Portfolio) -> None:
    folder = _folder()
    cpo.first_name, cpo.last_name = "Priya", "Raman"
    cpo.save(update_fields=["first_name", "last_name"])
    build_retail_bank(actor=cpo, portfolio=bank)
    portfolio_create(actor=cpo, name="Wealth Management", slug="wealth")
    base = live_server.url

    for name, viewport in (("desktop", {"width": 1440, "height": 1000}), ("mobile", {"width": 390, "height": 844})):
        context = browser.new_context(viewport=viewport, device_scale_factor=1, locale="en-GB")
        page = context.new_page()
        page.goto(f"{base}/accounts/login/")
        page.screenshot(path=str(folder / f"login-{name}.png"))
        sign_in(page, base, "cpo", "wrong-password")
        page.screenshot(path=str(folder / f"login-error-{name}.png"))
        sign_in(page, base, "cpo", PASSWORD)
        page.screenshot(path=str(folder / f"trace-{name}.png"), full_page=True)
        page.goto(f"{base}/p/retail-bank/trace/?open=all")
        page.screenshot(path=str(folder / f"trace-expanded-{name}.png"), full_page=True)
        if name == "mobile":  # the full page is too tall to read; keep two screens of it as well
            page.screenshot(path=str(folder / "trace-expanded-mobile-top.png"))
            page.locator(".node--epic").nth(2).scroll_into_view_if_needed()
            page.screenshot(path=str(folder / "trace-expanded-mobile-epic.png"))
            page.locator("#unaligned").scroll_into_view_if_needed()
            page.screenshot(path=str(folder / "trace-expanded-mobile-unaligned.png"))
        if name == "desktop":
            page.locator(".switcher summary").click()
            page.screenshot(path=str(folder / "switcher-desktop.png"))
            page.goto(f"{base}/p/unknown/trace/")
            page.screenshot(path=str(folder / "404-desktop.png"))
        context.close()
    assert (folder / "trace-desktop.png").stat().st_size > 10_000
