"""Django admin for operators: governance models, plus the base classes every app's admin uses.

The admin is an operator's console, not a second way to run the process:
- work items are created only by their services (each is born with its governance record), so the
  admin does not add them; Kanban states, approvals, check-ins and governance status move only
  through the app, where the gates, roles and history live;
- what the admin may edit is audited like any other write (``AuditedAdmin``), and an edit that
  makes ranks stale asks for a recompute (the hook ``on_saved``);
- history (audit events, approvals, check-ins, Kanban transitions) is read-only;
- big tables (stories, records, audit events) avoid full counts and N+1 queries.
"""

from __future__ import annotations

import json
from functools import cached_property
from typing import Any

from django import forms
from django.contrib import admin
from django.core.paginator import Paginator
from django.db import connection, models, transaction
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from common.services import snapshot
from governance.models import Approval, AuditEvent, Framework, GovernanceRecord, Requirement
from governance.services import audit_log, governance_record_retitle


class LargeTablePaginator(Paginator):
    """Unfiltered changelists of huge tables use the planner's row estimate instead of COUNT(*)."""

    @cached_property
    def count(self) -> int:
        query = getattr(self.object_list, "query", None)
        if query is not None and not query.where:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                    [self.object_list.model._meta.db_table],
                )
                row = cursor.fetchone()
            if row and row[0] > 100_000:  # small tables are counted exactly (and -1 means never analysed)
                return int(row[0])
        return super().count


class BigTableMixin:
    """For tables that may hold millions of rows."""

    show_full_result_count = False
    paginator = LargeTablePaginator
    list_per_page = 50


def _portfolio_id(obj: models.Model) -> Any:
    from portfolio.models import Portfolio  # the tenancy kernel's model; admin is an interface

    if isinstance(obj, Portfolio):
        return obj.pk
    return getattr(obj, "portfolio_id", None)


class SamePortfolioForm(forms.ModelForm):
    """What a row links to must belong to the row's own portfolio, as the services insist."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        portfolio_id = getattr(self.instance, "portfolio_id", None)
        if portfolio_id is None:
            return cleaned
        for name, value in list(cleaned.items()):
            linked = value if isinstance(value, QuerySet | list | tuple) else [value]
            if any(getattr(item, "portfolio_id", portfolio_id) != portfolio_id for item in linked):
                self.add_error(name, "Choose an item of this portfolio.")
        return cleaned


class AuditedAdmin(admin.ModelAdmin):
    """Every admin save and delete leaves one audit event, ``<app>.<model>.admin_<verb>``."""

    form = SamePortfolioForm

    # Fields that can never change once the row exists (its tenancy and its governance link).
    fixed_on_change: tuple[str, ...] = ()

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        fields = tuple(super().get_readonly_fields(request, obj))
        return fields + tuple(f for f in self.fixed_on_change if f not in fields) if obj is not None else fields

    def _action(self, verb: str) -> str:
        return f"{self.model._meta.app_label}.{self.model._meta.model_name}.admin_{verb}"

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        concrete = {f.name for f in obj._meta.concrete_fields}
        changed = [name for name in form.changed_data if name in concrete]
        related = [name for name in form.changed_data if name not in concrete]
        before = snapshot(type(obj)._default_manager.get(pk=obj.pk), changed) if change else None
        super().save_model(request, obj, form, change)
        if change and "title" in changed and isinstance(getattr(obj, "governance", None), GovernanceRecord):
            governance_record_retitle(record=obj.governance, title=obj.title)
        after = snapshot(obj, changed if change else [f.name for f in obj._meta.concrete_fields if f.editable])
        if related:
            after["changed_relations"] = related
        audit_log(
            actor=request.user,
            action=self._action("updated" if change else "created"),
            instance=obj,
            portfolio_id=_portfolio_id(obj),
            before=before,
            after=after,
        )
        self.on_saved(obj, set(form.changed_data))

    def on_saved(self, obj: Any, changed: set[str]) -> None:
        """Hook for side effects of an admin edit (a recompute request, for instance)."""

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit_log(
            actor=request.user,
            action=self._action("deleted"),
            instance=obj,
            portfolio_id=_portfolio_id(obj),
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        with transaction.atomic():
            for obj in queryset.iterator():
                audit_log(
                    actor=request.user, action=self._action("deleted"), instance=obj, portfolio_id=_portfolio_id(obj)
                )
            super().delete_queryset(request, queryset)


class ReadOnlyAdmin(admin.ModelAdmin):
    """History: shown, never written from the admin."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class NoAddAdmin(AuditedAdmin):
    """Rows that only their service may create (work items carry a governance record from birth)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- frameworks -----------------------------------------------------------------------------------


@admin.register(Framework)
class FrameworkAdmin(AuditedAdmin):
    list_display = ("name", "code", "version", "provider", "requirement_count")
    search_fields = ("name", "code", "provider")
    readonly_fields = ("id",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Framework]:
        return super().get_queryset(request).annotate(requirement_count=Count("requirements"))

    @admin.display(description="requirements", ordering="requirement_count")
    def requirement_count(self, obj: Framework) -> int:
        return obj.requirement_count  # type: ignore[attr-defined]


@admin.register(Requirement)
class RequirementAdmin(AuditedAdmin):
    list_display = ("ref_id", "title", "framework", "parent", "order", "assessable")
    list_filter = ("framework", "assessable")
    search_fields = ("ref_id", "title", "framework__code")
    list_select_related = ("framework", "parent")
    raw_id_fields = ("parent",)
    readonly_fields = ("id",)
    ordering = ("framework__name", "order")
    list_per_page = 100


# --- records, approvals, audit -------------------------------------------------------------------


class ApprovalInline(admin.TabularInline):
    model = Approval
    fields = ("gate", "decision", "by", "at", "rationale")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Approval]:
        return super().get_queryset(request).select_related("by")


@admin.register(GovernanceRecord)
class GovernanceRecordAdmin(BigTableMixin, NoAddAdmin):
    list_display = (
        "subject_title",
        "subject_kind",
        "portfolio",
        "status",
        "inherent_score",
        "residual_score",
        "uses_ai",
        "ai_act_tier",
        "reviewer",
        "review_due",
    )
    list_filter = ("subject_kind", "status", "uses_ai", "ai_act_tier", "bias_review_done", "model_validated")
    search_fields = ("subject_title",)
    list_select_related = ("portfolio", "reviewer")
    raw_id_fields = ("reviewer",)
    autocomplete_fields = ("requirements",)
    # Status moves with assessments and approvals in the app; FAIR results come from the simulation.
    readonly_fields = (
        "id",
        "portfolio",
        "subject_kind",
        "subject_title",
        "status",
        "fair_ale_mean",
        "fair_ale_p50",
        "fair_ale_p90",
        "fair_computed_at",
        "created_at",
        "updated_at",
    )
    inlines = (ApprovalInline,)
    ordering = ("-updated_at",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a record outlives its item; the audit trail refers to it

    @admin.display(description="inherent L×I")
    def inherent_score(self, obj: GovernanceRecord) -> int | None:
        return obj.inherent_score

    @admin.display(description="residual L×I")
    def residual_score(self, obj: GovernanceRecord) -> int | None:
        return obj.residual_score


@admin.register(Approval)
class ApprovalAdmin(BigTableMixin, ReadOnlyAdmin):
    list_display = ("record", "gate", "decision", "by", "at", "portfolio")
    list_filter = ("gate", "decision")
    search_fields = ("record__subject_title", "rationale")
    list_select_related = ("record", "by", "portfolio")
    ordering = ("-at",)


@admin.register(AuditEvent)
class AuditEventAdmin(BigTableMixin, ReadOnlyAdmin):
    """Strictly read-only: the database trigger refuses UPDATE and DELETE anyway (migration 0003)."""

    list_display = ("at", "action", "actor_name", "object_type", "object_repr", "portfolio_id")
    search_fields = ("^action", "=actor_name", "=object_id")
    fields = (
        "id",
        "at",
        "action",
        "actor_name",
        "actor_id",
        "portfolio_id",
        "object_type",
        "object_id",
        "object_repr",
        "before_json",
        "after_json",
    )
    readonly_fields = fields
    ordering = ("-id",)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return {}

    @admin.display(description="before")
    def before_json(self, obj: AuditEvent) -> str:
        return format_html("<pre>{}</pre>", json.dumps(obj.before, indent=2, ensure_ascii=False, sort_keys=True))

    @admin.display(description="after")
    def after_json(self, obj: AuditEvent) -> str:
        return format_html("<pre>{}</pre>", json.dumps(obj.after, indent=2, ensure_ascii=False, sort_keys=True))


class PortfolioOwnedAdmin(AuditedAdmin):
    """A small named thing of one portfolio (team, value stream, theme): the portfolio is fixed once set."""

    list_display = ("name", "portfolio")
    list_filter = ("portfolio",)
    search_fields = ("name", "portfolio__name")
    list_select_related = ("portfolio",)
    autocomplete_fields = ("portfolio",)
    readonly_fields = ("id",)
    fixed_on_change = ("portfolio",)
