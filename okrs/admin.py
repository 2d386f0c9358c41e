"""Django admin for objectives, key results and check-ins.

Objectives and key results are created in the app (each with its governance record); a key
result's current value and confidence move only through check-ins, which keep the history.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import admin

from governance.admin import BigTableMixin, NoAddAdmin, ReadOnlyAdmin
from okrs.models import CheckIn, KeyResult, Objective


class KeyResultInline(admin.TabularInline):
    model = KeyResult
    fields = ("title", "kind", "start_value", "target_value", "current_value", "unit", "confidence")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Objective)
class ObjectiveAdmin(NoAddAdmin):
    list_display = ("title", "portfolio", "period_start", "period_end", "owner", "parent")
    list_filter = ("portfolio", "period_start")
    search_fields = ("title",)
    list_select_related = ("portfolio", "owner", "parent")
    raw_id_fields = ("owner", "parent")
    readonly_fields = ("id", "portfolio", "governance", "created_at", "updated_at")
    inlines = (KeyResultInline,)


@admin.register(KeyResult)
class KeyResultAdmin(NoAddAdmin):
    list_display = (
        "title",
        "objective",
        "kind",
        "start_value",
        "target_value",
        "current_value",
        "unit",
        "progress_display",
        "confidence",
    )
    list_filter = ("kind", "portfolio")
    search_fields = ("title", "objective__title")
    list_select_related = ("objective",)
    readonly_fields = (
        "id",
        "portfolio",
        "objective",
        "governance",
        "current_value",
        "confidence",
        "progress_display",
        "created_at",
        "updated_at",
    )

    @admin.display(description="progress")
    def progress_display(self, obj: KeyResult) -> str:
        return f"{obj.progress_clamped * 100:.0f}% ({obj.band})"


@admin.register(CheckIn)
class CheckInAdmin(BigTableMixin, ReadOnlyAdmin):
    list_display = ("key_result", "value", "confidence_pct", "by", "at")
    search_fields = ("key_result__title", "note")
    list_select_related = ("key_result", "by")
    ordering = ("-at",)

    @admin.display(description="confidence", ordering="confidence")
    def confidence_pct(self, obj: CheckIn) -> str:
        return f"{obj.confidence * Decimal(100):.0f}%"
