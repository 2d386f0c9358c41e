"""Django admin for teams, iterations, features and stories.

Features and stories are created in the app (each with its governance record) and change state
there (``feature_update`` / ``story_update`` keep started_at and done_at true). The admin edits
the rest, audited, and asks for a recompute when a ranking input changes. Stories may number in
the millions: raw-id pickers, joined list queries, estimated counts, an indexed default order.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from backlog.models import Feature, Iteration, Story, Team
from backlog.services import RANK_AFFECTING
from governance.admin import AuditedAdmin, BigTableMixin, NoAddAdmin, PortfolioOwnedAdmin
from portfolio.services import recompute_request

_DERIVED = ("cost_of_delay", "wsjf", "created_at", "updated_at", "started_at", "done_at")


@admin.register(Team)
class TeamAdmin(PortfolioOwnedAdmin):
    pass


@admin.register(Iteration)
class IterationAdmin(AuditedAdmin):
    list_display = ("name", "portfolio", "start_date", "end_date")
    list_filter = ("portfolio",)
    search_fields = ("name", "portfolio__name")
    list_select_related = ("portfolio",)
    autocomplete_fields = ("portfolio",)
    readonly_fields = ("id",)
    fixed_on_change = ("portfolio",)
    ordering = ("-start_date",)


class _Ranked(NoAddAdmin):
    def on_saved(self, obj: Any, changed: set[str]) -> None:
        if RANK_AFFECTING.intersection(changed):
            recompute_request(portfolio_id=obj.portfolio_id, reason=f"{obj._meta.model_name} changed in admin")


@admin.register(Feature)
class FeatureAdmin(BigTableMixin, _Ranked):
    list_display = (
        "title",
        "portfolio",
        "epic",
        "team",
        "state",
        "work_type",
        "wsjf",
        "rank",
        "rank_in_epic",
        "started_at",
        "done_at",
    )
    list_filter = ("state", "work_type", "portfolio")
    search_fields = ("title",)
    list_select_related = ("portfolio", "epic", "team")
    raw_id_fields = ("epic", "team")
    readonly_fields = ("id", "portfolio", "governance", "state", *_DERIVED, "rank", "rank_in_epic")
    ordering = ("portfolio_id", "rank")


@admin.register(Story)
class StoryAdmin(BigTableMixin, _Ranked):
    list_display = (
        "title",
        "feature",
        "team",
        "iteration",
        "state",
        "points",
        "work_type",
        "wsjf",
        "rank_in_feature",
        "rank_in_team",
    )
    list_filter = ("state", "work_type", "portfolio")
    search_fields = ("title",)
    list_select_related = ("feature", "team", "iteration")
    raw_id_fields = ("feature", "team", "iteration")
    readonly_fields = (
        "id",
        "portfolio",
        "governance",
        "state",
        *_DERIVED,
        "rank_in_feature",
        "rank_in_team",
    )
    # Served by the (feature, rank_in_feature) index; the model's default order joins features.
    ordering = ("feature_id", "rank_in_feature")
