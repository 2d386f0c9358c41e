"""Django admin for portfolios, memberships, value streams, themes, epics and the Kanban history.

Epics are created and moved in the app (``epic_create``, ``epic_move``): the admin edits their
descriptive fields and WSJF inputs, audited, and asks for a recompute when a score input changes.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from governance.admin import AuditedAdmin, BigTableMixin, NoAddAdmin, PortfolioOwnedAdmin, ReadOnlyAdmin
from portfolio.models import (
    Epic,
    EpicTransition,
    Membership,
    Portfolio,
    RecomputeRequest,
    StrategicTheme,
    ValueStream,
    WorkerHeartbeat,
)
from portfolio.services import SCORE_INPUTS, recompute_request

WSJF_READONLY = ("cost_of_delay", "wsjf")


@admin.register(Portfolio)
class PortfolioAdmin(AuditedAdmin):
    list_display = (
        "name",
        "slug",
        "wip_policy",
        "wip_limit_reviewing",
        "wip_limit_analyzing",
        "wip_limit_implementing",
        "scoring_mode",
        "scores_computed_at",
        "created_at",
    )
    list_filter = ("wip_policy", "scoring_mode")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("id", "scores_computed_at", "created_at")

    def on_saved(self, obj: Portfolio, changed: set[str]) -> None:
        if "scoring_mode" in changed:
            recompute_request(portfolio_id=obj.pk, reason="scoring mode changed in admin")


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ("user", "portfolio", "role", "created_at")
    list_filter = ("role", "portfolio")
    search_fields = ("user__username", "user__email", "portfolio__name")
    list_select_related = ("user", "portfolio")
    raw_id_fields = ("user",)
    autocomplete_fields = ("portfolio",)
    readonly_fields = ("id", "created_at")


@admin.register(ValueStream)
class ValueStreamAdmin(PortfolioOwnedAdmin):
    pass


@admin.register(StrategicTheme)
class StrategicThemeAdmin(PortfolioOwnedAdmin):
    pass


class EpicTransitionInline(admin.TabularInline):
    model = EpicTransition
    fields = ("at", "from_state", "to_state", "wip_exceeded", "by")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("at",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("by")


@admin.register(Epic)
class EpicAdmin(NoAddAdmin):
    list_display = (
        "title",
        "portfolio",
        "state",
        "outcome",
        "rank",
        "wsjf",
        "cost_of_delay",
        "job_size",
        "owner",
        "state_changed_at",
    )
    list_filter = ("state", "outcome", "portfolio")
    search_fields = ("title",)
    list_select_related = ("portfolio", "owner")
    raw_id_fields = ("owner",)
    autocomplete_fields = ("value_stream", "themes", "key_results")
    # The Kanban state moves only through epic_move (gates, WIP limits, transitions).
    readonly_fields = (
        "id",
        "portfolio",
        "governance",
        "state",
        "outcome",
        "state_changed_at",
        *WSJF_READONLY,
        "rank",
        "created_at",
        "updated_at",
    )
    inlines = (EpicTransitionInline,)

    def on_saved(self, obj: Epic, changed: set[str]) -> None:
        if SCORE_INPUTS.intersection(changed):
            recompute_request(portfolio_id=obj.portfolio_id, reason="epic scores changed in admin")


@admin.register(EpicTransition)
class EpicTransitionAdmin(BigTableMixin, ReadOnlyAdmin):
    list_display = ("epic", "from_state", "to_state", "wip_exceeded", "by", "at")
    list_filter = ("to_state", "wip_exceeded")
    search_fields = ("epic__title",)
    list_select_related = ("epic", "by")
    ordering = ("-at",)


@admin.register(RecomputeRequest)
class RecomputeRequestAdmin(BigTableMixin, admin.ModelAdmin):
    """The outbox: readable, and old processed rows may be deleted."""

    list_display = ("id", "portfolio", "kind", "reason", "requested_at", "processed_at")
    list_filter = ("kind", ("processed_at", admin.EmptyFieldListFilter))
    search_fields = ("reason",)
    list_select_related = ("portfolio",)
    ordering = ("-id",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ("hostname", "seen_at")
    search_fields = ("hostname",)
    ordering = ("-seen_at",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
