"""OKR API: objectives, key results (with check-ins) and the check-in history."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django_filters
from django.contrib.auth import get_user_model
from django.db import models, transaction
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from common.api import StrictModelSerializer, StrictSerializer, VisibleRelatedField, VisibleSlugRelatedField
from common.viewsets import CREATE_READ_UPDATE, READ_ONLY, ServiceViewSet
from okrs.models import CheckIn, KeyResult, KRKind, Objective
from okrs.selectors import (
    check_in_list,
    key_result_get_for_user,
    key_result_list,
    objective_get_for_user,
    objective_list,
    objective_progress,
    progress_band,
)
from okrs.services import key_result_check_in, key_result_create, key_result_update, objective_create, objective_update
from portfolio.selectors import membership_list, portfolio_list_for_user

User = get_user_model()


def _member_users(*, user: Any) -> models.QuerySet[Any]:
    return User.objects.filter(pk__in=membership_list(user=user).values("user_id"))


def _objectives_with_key_results(*, user: Any) -> models.QuerySet[Objective]:
    # The key results are prefetched for the objective's progress: one query for the whole page.
    return objective_list(user=user).prefetch_related("key_results")


# --- objectives ----------------------------------------------------------------------------------


class ObjectiveFilter(django_filters.FilterSet):
    portfolio = django_filters.UUIDFilter()
    parent = django_filters.UUIDFilter()
    top_level = django_filters.BooleanFilter(field_name="parent", lookup_expr="isnull", label="Has no parent")
    active_on = django_filters.DateFilter(method="filter_active_on", label="Period contains this date")

    class Meta:
        model = Objective
        fields = ["portfolio", "parent", "top_level", "active_on"]

    def filter_active_on(
        self, queryset: models.QuerySet[Objective], name: str, value: Any
    ) -> models.QuerySet[Objective]:
        return queryset.filter(period_start__lte=value, period_end__gte=value) if value else queryset


class ObjectiveSerializer(StrictModelSerializer):
    portfolio = VisibleRelatedField(selector=portfolio_list_for_user)
    parent = VisibleRelatedField(selector=objective_list, allow_null=True, required=False)
    owner = VisibleSlugRelatedField(selector=_member_users, slug_field="username", allow_null=True, required=False)
    governance = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.UUIDField())
    progress = serializers.SerializerMethodField()
    band = serializers.SerializerMethodField()

    class Meta:
        model = Objective
        fields = [
            "id",
            "portfolio",
            "governance",
            "parent",
            "title",
            "description",
            "period_start",
            "period_end",
            "owner",
            "progress",
            "band",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        create_only = ("portfolio",)
        validators: list[Any] = []

    def _progress(self, obj: Objective) -> Decimal | None:
        # Lists prefetch the key results; a single objective reads them once for both fields.
        cache: dict[Any, Decimal | None] = self.context.setdefault("_objective_progress", {})
        if obj.pk not in cache:
            cache[obj.pk] = objective_progress(list(obj.key_results.all()))
        return cache[obj.pk]

    def get_progress(self, obj: Objective) -> float | None:
        """Weighted mean of the key results' progress, each clamped to [0, 1]; null without key results."""
        progress = self._progress(obj)
        return None if progress is None else float(progress)

    def get_band(self, obj: Objective) -> str:
        """green ≥ 0.7, yellow ≥ 0.4, red below; none without key results."""
        return progress_band(self._progress(obj))


class ObjectiveViewSet(ServiceViewSet):
    """Objectives (with a parent for cascades); progress rolls up from their key results."""

    serializer_class = ObjectiveSerializer
    list_selector = staticmethod(_objectives_with_key_results)
    get_selector = staticmethod(objective_get_for_user)
    filterset_class = ObjectiveFilter
    ordering_fields = ["period_start", "period_end", "title", "created_at", "updated_at"]
    http_method_names = CREATE_READ_UPDATE

    def perform_service_create(self, data: dict[str, Any]) -> Objective:
        return objective_create(actor=self.request.user, **data)

    def perform_service_update(self, instance: Objective, data: dict[str, Any]) -> Objective:
        return objective_update(actor=self.request.user, objective=instance, data=data)


# --- key results ---------------------------------------------------------------------------------


class KeyResultFilter(django_filters.FilterSet):
    portfolio = django_filters.UUIDFilter()
    objective = django_filters.UUIDFilter()
    kind = django_filters.MultipleChoiceFilter(choices=KRKind.choices)

    class Meta:
        model = KeyResult
        fields = ["portfolio", "objective", "kind"]


class KeyResultSerializer(StrictModelSerializer):
    objective = VisibleRelatedField(selector=objective_list)
    governance = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.UUIDField())
    progress = serializers.FloatField(
        read_only=True, help_text="Raw progress (may be below 0 or above 1); see DOMAIN §4."
    )
    progress_clamped = serializers.FloatField(read_only=True, help_text="Progress clamped to [0, 1], for roll-up.")
    band = serializers.ChoiceField(choices=["green", "yellow", "red"], read_only=True)

    class Meta:
        model = KeyResult
        fields = [
            "id",
            "portfolio",
            "objective",
            "governance",
            "title",
            "kind",
            "start_value",
            "target_value",
            "current_value",
            "unit",
            "confidence",
            "weight",
            "progress",
            "progress_clamped",
            "band",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["portfolio", "created_at", "updated_at"]
        extra_kwargs = {
            "current_value": {"help_text": "Set on creation; afterwards it moves only through check-ins."},
            "target_value": {"required": False},
        }
        create_only = ("objective", "current_value")
        validators: list[Any] = []


class CheckInSerializer(serializers.ModelSerializer):
    key_result = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.UUIDField())
    portfolio = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.UUIDField())
    by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = CheckIn
        fields = ["id", "portfolio", "key_result", "value", "confidence", "note", "by", "at"]
        read_only_fields = fields


class CheckInRequestSerializer(StrictSerializer):
    value = serializers.DecimalField(max_digits=14, decimal_places=2)
    confidence = serializers.DecimalField(max_digits=3, decimal_places=2, min_value=Decimal(0), max_value=Decimal(1))
    note = serializers.CharField(required=False, allow_blank=True, default="")


class KeyResultViewSet(ServiceViewSet):
    """Key results; the current value moves through check-ins (``check-in``), which keep history."""

    serializer_class = KeyResultSerializer
    list_selector = staticmethod(key_result_list)
    get_selector = staticmethod(key_result_get_for_user)
    filterset_class = KeyResultFilter
    ordering_fields = ["title", "created_at", "updated_at"]
    http_method_names = CREATE_READ_UPDATE

    def perform_service_create(self, data: dict[str, Any]) -> KeyResult:
        return key_result_create(actor=self.request.user, **data)

    def perform_service_update(self, instance: KeyResult, data: dict[str, Any]) -> KeyResult:
        return key_result_update(actor=self.request.user, key_result=instance, data=data)

    @extend_schema(request=CheckInRequestSerializer, responses={201: CheckInSerializer})
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request: Request, pk: str | None = None) -> Response:
        """Record a check-in: the key result's current value and confidence follow it."""
        with transaction.atomic():
            key_result = self.get_object_for_write()
            body = CheckInRequestSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            check_in = key_result_check_in(actor=request.user, key_result=key_result, **body.validated_data)
        return Response(CheckInSerializer(check_in).data, status=status.HTTP_201_CREATED)


# --- check-ins (read) ----------------------------------------------------------------------------


class CheckInFilter(django_filters.FilterSet):
    portfolio = django_filters.UUIDFilter()
    key_result = django_filters.UUIDFilter()

    class Meta:
        model = CheckIn
        fields = ["portfolio", "key_result"]


class CheckInViewSet(ServiceViewSet):
    """The check-in history of key results (written through ``key-results/{id}/check-in/``)."""

    serializer_class = CheckInSerializer
    list_selector = staticmethod(check_in_list)
    filterset_class = CheckInFilter
    ordering = ("-at",)
    ordering_fields = ["at", "value"]
    http_method_names = READ_ONLY
