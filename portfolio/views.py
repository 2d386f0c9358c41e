"""Portfolio pages (HTMX): the entry redirect and the traceability view.

Views are thin (STYLE §1): load through a selector, render. One URL, two shapes (STYLE §9): a full
page, or the named partial that an HTMX request swaps.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from backlog.selectors import traceability_tree
from common.htmx import page_errors, swap_target
from portfolio.access import role_of
from portfolio.models import Portfolio, Role
from portfolio.selectors import portfolio_get_by_slug_for_user, portfolio_list_for_user, scores_freshness

TRACE_TEMPLATE = "portfolio/traceability.html"


def _page_context(request: HttpRequest, portfolio: Portfolio) -> dict[str, object]:
    """What the base layout needs about the current portfolio: itself and the user's role in it."""
    role = role_of(user=request.user, portfolio_id=portfolio.id)
    return {"portfolio": portfolio, "current_role": Role(role).label if role else ""}


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send the user to their first portfolio, or explain that they have none yet."""
    first = portfolio_list_for_user(user=request.user).first()
    if first is None:
        return render(request, "portfolio/no_portfolio.html")
    return redirect("traceability", slug=first.slug)


@require_GET
@login_required
@page_errors
def traceability(request: HttpRequest, slug: str) -> HttpResponse:
    """Objective → Key Result → Epic → Feature → stories, with the unaligned work beside it."""
    portfolio = portfolio_get_by_slug_for_user(user=request.user, slug=slug)
    freshness = scores_freshness(portfolio_id=portfolio.id)
    if swap_target(request) == "freshness":
        # Polled while a recompute is pending; "polled" tells the partial to offer a reload once done.
        return render(request, f"{TRACE_TEMPLATE}#freshness", {"freshness": freshness, "polled": True})
    expand_all = request.GET.get("open") == "all"
    context = {
        **_page_context(request, portfolio),
        "tree": traceability_tree(portfolio=portfolio),
        "freshness": freshness,
        "expand_all": expand_all,
    }
    return render(request, TRACE_TEMPLATE, context)
