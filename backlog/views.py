"""The WSJF backlog pages (HTMX): features ranked in the portfolio, stories ranked within a feature or a team.

Views are thin (STYLE §1): parse the query string or the form, call one selector or one service,
render. One URL, two shapes (STYLE §9): a page is ``backlog/page.html``; an HTMX request gets the
named partial it swaps (``#rows`` for the table, ``#freshness`` for the polled "ranks as of").

Live re-rank: an edit answers with its row and the ``backlog-changed`` event; the freshness region
re-reads and, while a recompute is pending, polls every 2 s. It sends the computed-at it shows
(``since``); once the worker has written new ranks the answer carries ``ranks-updated`` and the
table re-reads itself in place. No full reload.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import trigger_client_event

from backlog.models import FeatureState, StoryState, WorkType
from backlog.selectors import (
    NO_LINK,
    BacklogChoices,
    backlog_filter_choices,
    feature_backlog_page,
    feature_get_for_user,
    story_backlog_page,
    story_get_for_user,
)
from backlog.services import feature_update, story_update
from backlog.wsjf import FIBONACCI, INPUTS, cd3
from common.errors import NotFound, PermissionDenied, ValidationFailed
from common.htmx import page_errors, swap_target
from portfolio.access import Perm, has_perm, role_of
from portfolio.models import Portfolio, Role, ScoringMode
from portfolio.selectors import portfolio_get_by_slug_for_user, scores_freshness

PAGE_TEMPLATE = "backlog/page.html"
ROW_TEMPLATE = "backlog/partials/backlog_row.html"
ROWS_ID = "backlog-rows"
FRESHNESS_ID = "backlog-freshness"
CD3_INPUTS = ("cod_per_week", "duration_weeks")


# --- parsing --------------------------------------------------------------------------------


def _uuid(raw: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(raw) if raw else None
    except ValueError:
        return None


def _link(raw: str | None) -> uuid.UUID | str | None:
    """A filter on a link: a UUID, "none" (no link) or None (any)."""
    return NO_LINK if raw == NO_LINK else _uuid(raw)


def _choice(raw: str | None, choices: Any) -> str:
    return raw if raw in choices.values else ""


def _page_number(raw: str | None) -> int:
    try:
        return max(int(raw or 1), 1)
    except ValueError:
        return 1


@dataclass(frozen=True)
class Filters:
    """The backlog's query string, parsed; anything unknown is dropped, never an error."""

    epic: uuid.UUID | str | None = None
    team: uuid.UUID | str | None = None
    feature: uuid.UUID | None = None
    within: str = ""
    state: str = ""
    work_type: str = ""
    show_done: bool = False
    page: int = 1

    def query(self, **override: Any) -> str:
        """The query string of these filters (page 1 and defaults left out), with ``override`` applied."""
        values: dict[str, Any] = {
            "within": self.within,
            "feature": self.feature,
            "epic": self.epic,
            "team": self.team,
            "state": self.state,
            "work_type": self.work_type,
            "done": "1" if self.show_done else "",
            "page": self.page if self.page > 1 else "",
        }
        values.update(override)
        return urlencode({k: str(v) for k, v in values.items() if v not in (None, "")})


def _filters(request: HttpRequest, level: str) -> Filters:
    get = request.GET
    states = FeatureState if level == "feature" else StoryState
    return Filters(
        epic=_link(get.get("epic")) if level == "feature" else None,
        team=_link(get.get("team")),
        feature=_uuid(get.get("feature")) if level == "story" else None,
        within=("feature" if get.get("within") == "feature" else "team") if level == "story" else "",
        state=_choice(get.get("state"), states),
        work_type=_choice(get.get("work_type"), WorkType),
        show_done=get.get("done") == "1",
        page=_page_number(get.get("page")),
    )


def _score_data(post: Any, *, cd3: bool) -> dict[str, Any]:
    """The posted score inputs; whole numbers become ints, anything else goes to the service to be refused."""
    data: dict[str, Any] = {}
    for name in INPUTS:
        if name in post:
            raw = post[name].strip()
            data[name] = int(raw) if raw.isdigit() else raw
    if cd3:
        for name in CD3_INPUTS:
            if name in post:
                raw = post[name].strip()
                data[name] = raw or None
    return data


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    ok = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False)
    return target if ok and target.startswith("/") else fallback


def _with_param(url: str, **params: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{urlencode(params)}"


# --- shared context -------------------------------------------------------------------------


def _layout_context(request: HttpRequest, portfolio: Portfolio) -> dict[str, Any]:
    """What the base layout needs about the current portfolio: itself and the user's role in it."""
    role = role_of(user=request.user, portfolio_id=portfolio.id)
    return {"portfolio": portfolio, "current_role": Role(role).label if role else ""}


def _freshness_context(portfolio: Portfolio) -> dict[str, Any]:
    freshness = scores_freshness(portfolio_id=portfolio.id)
    computed_at = freshness["computed_at"]
    return {"freshness": freshness, "freshness_token": f"{computed_at.timestamp():.6f}" if computed_at else ""}


def _row_context(portfolio: Portfolio, user: Any, level: str) -> dict[str, Any]:
    return {
        "level": level,
        "can_edit": has_perm(user=user, portfolio_id=portfolio.id, perm=Perm.EDIT_BACKLOG),
        "cd3": portfolio.scoring_mode == ScoringMode.CD3,
        "scale": FIBONACCI,
        "row_url_name": "backlog-feature-row" if level == "feature" else "backlog-story-row",
    }


def _with_cd3(items: list[Any]) -> list[Any]:
    """Give each item its CD3 score for display (None without both inputs); ranking itself is done in SQL."""
    for item in items:
        ok = item.cod_per_week is not None and item.duration_weeks
        item.cd3_score = float(cd3(item.cod_per_week, item.duration_weeks)) if ok else None
    return items


def _story_scope(filters: Filters, choices: BacklogChoices) -> Filters:
    """Stories are ranked within a scope; with none chosen, the first team (or the top feature) it is."""
    if filters.within == "feature" and filters.feature is None and choices.features:
        return Filters(**{**filters.__dict__, "feature": choices.features[0].id})
    if filters.within == "team" and not isinstance(filters.team, uuid.UUID):
        if choices.teams:
            return Filters(**{**filters.__dict__, "team": choices.teams[0].id})
        if choices.features:
            return Filters(**{**filters.__dict__, "within": "feature", "feature": choices.features[0].id})
    return filters


# --- pages ----------------------------------------------------------------------------------


def _backlog(request: HttpRequest, slug: str, level: str) -> HttpResponse:
    portfolio = portfolio_get_by_slug_for_user(user=request.user, slug=slug)
    fresh = _freshness_context(portfolio)
    path = reverse("backlog" if level == "feature" else "backlog-stories", args=[portfolio.slug])
    filters = _filters(request, level)
    htmx = getattr(request, "htmx", None)
    target = None if htmx and htmx.history_restore_request else swap_target(request)

    if target == FRESHNESS_ID:
        # Polled: answer the fragment, and tell the table to re-read itself once the ranks have moved on.
        query = filters.query()
        response = render(
            request, f"{PAGE_TEMPLATE}#freshness", {**fresh, "page_url": f"{path}?{query}" if query else path}
        )
        since = request.GET.get("since")
        if since is not None and since != fresh["freshness_token"]:
            trigger_client_event(response, "ranks-updated")
        return response

    if level == "feature":
        epic = filters.epic if isinstance(filters.epic, uuid.UUID) else None
        choices = backlog_filter_choices(portfolio=portfolio, epic=epic)
        page = feature_backlog_page(
            portfolio=portfolio,
            epic=filters.epic,
            team=filters.team,
            state=filters.state,
            work_type=filters.work_type,
            show_done=filters.show_done,
            page=filters.page,
        )
        scope_label = ""
    else:
        choices = backlog_filter_choices(portfolio=portfolio, feature=filters.feature, features=True)
        filters = _story_scope(filters, choices)
        page = story_backlog_page(
            portfolio=portfolio,
            within=filters.within,
            feature=filters.feature,
            team=filters.team,
            state=filters.state,
            work_type=filters.work_type,
            show_done=filters.show_done,
            page=filters.page,
        )
        if filters.within == "feature":
            scope_label = next((f.title for f in choices.features if f.id == filters.feature), "")
        else:
            scope_label = next((t.name for t in choices.teams if t.id == filters.team), "")

    _with_cd3(page.items)
    query = filters.query()
    context = {
        **_layout_context(request, portfolio),
        **fresh,
        **_row_context(portfolio, request.user, level),
        "filters": filters,
        "choices": choices,
        "page": page,
        "scope_label": scope_label,
        "page_url": f"{path}?{query}" if query else path,
        "base_path": path,
        "previous_url": f"{path}?{filters.query(page=page.number - 1 if page.number > 2 else '')}".rstrip("?"),
        "next_url": f"{path}?{filters.query(page=page.number + 1)}",
        "first_url": f"{path}?{filters.query(page='')}".rstrip("?"),
        "editing_id": _uuid(request.GET.get("edit")),
        "states": FeatureState.choices if level == "feature" else StoryState.choices,
        "work_types": WorkType.choices,
        "no_link": NO_LINK,
    }
    template = f"{PAGE_TEMPLATE}#rows" if target else PAGE_TEMPLATE
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_GET
@login_required
@page_errors
def feature_backlog(request: HttpRequest, slug: str) -> HttpResponse:
    """Features ranked by WSJF (or CD3) in the portfolio, with filters and inline edits of the inputs."""
    return _backlog(request, slug, "feature")


@require_GET
@login_required
@page_errors
def story_backlog(request: HttpRequest, slug: str) -> HttpResponse:
    """Stories ranked within a feature or a team."""
    return _backlog(request, slug, "story")


# --- one row: read, edit form, save ---------------------------------------------------------


def _row(request: HttpRequest, slug: str, item_id: uuid.UUID, level: str) -> HttpResponse:
    portfolio = portfolio_get_by_slug_for_user(user=request.user, slug=slug)
    load = feature_get_for_user if level == "feature" else story_get_for_user
    item = load(user=request.user, id=item_id)
    if item.portfolio_id != portfolio.id:
        raise NotFound("Not found.")
    base = _row_context(portfolio, request.user, level)
    path = reverse("backlog" if level == "feature" else "backlog-stories", args=[portfolio.slug])
    next_url = _safe_next(request, path)
    within = "feature" if (request.POST.get("within") or request.GET.get("within")) == "feature" else "team"
    _with_cd3([item])
    context: dict[str, Any] = {**base, "portfolio": portfolio, "item": item, "page_url": next_url, "within": within}
    htmx = bool(getattr(request, "htmx", False))

    if request.method == "POST":
        data = _score_data(request.POST, cd3=base["cd3"])
        try:
            if level == "feature":
                feature_update(actor=request.user, feature=item, data=data)
            else:
                story_update(actor=request.user, story=item, data=data)
        except ValidationFailed as exc:
            if not htmx:
                for name, msgs in exc.fields.items() or [("", [exc.message])]:
                    messages.error(request, f"{_label(name)}{msgs[0]}")
                return redirect(_with_param(next_url, edit=str(item.id)) + f"#row-{item.id}")
            # Nothing was saved; show the stored row again, with the posted values and their errors.
            context["item"] = _with_cd3([load(user=request.user, id=item_id)])[0]
            context.update(editing=True, errors=exc.fields, error=exc.message, posted=request.POST)
            return render(request, ROW_TEMPLATE, context, status=422)
        if not htmx:
            messages.success(request, f"Saved “{item.title}”. The ranks update in a moment.")
            return redirect(next_url)
        # Cost of Delay and WSJF are generated by the database: read the row again to show them.
        context.update(item=_with_cd3([load(user=request.user, id=item_id)])[0], just_saved=True)
        response = render(request, ROW_TEMPLATE, context)
        return trigger_client_event(response, "backlog-changed")

    editing = request.GET.get("edit") == "1"
    if editing and not base["can_edit"]:
        raise PermissionDenied("Your role cannot edit the backlog.")
    if not htmx:
        return redirect(_with_param(next_url, edit=str(item.id)) + f"#row-{item.id}" if editing else next_url)
    context["editing"] = editing
    return render(request, ROW_TEMPLATE, context)


_LABELS = {
    "business_value": "Business value",
    "time_criticality": "Time criticality",
    "risk_reduction": "Risk reduction / opportunity enablement",
    "job_size": "Job size",
    "cod_per_week": "Cost of delay per week",
    "duration_weeks": "Duration",
}


def _label(name: str) -> str:
    return f"{_LABELS[name]}: " if name in _LABELS else ""


@require_http_methods(["GET", "POST"])
@login_required
@page_errors
def feature_row(request: HttpRequest, slug: str, item_id: uuid.UUID) -> HttpResponse:
    """One feature's row: GET shows it (``?edit=1``: its edit form), POST saves its score inputs."""
    return _row(request, slug, item_id, "feature")


@require_http_methods(["GET", "POST"])
@login_required
@page_errors
def story_row(request: HttpRequest, slug: str, item_id: uuid.UUID) -> HttpResponse:
    """One story's row: GET shows it (``?edit=1``: its edit form), POST saves its score inputs."""
    return _row(request, slug, item_id, "story")
