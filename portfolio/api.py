"""Portfolio API: portfolios, memberships, value streams, themes and epics (with Kanban moves)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models import Exists, OuterRef
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from common.api import (
    SCORE_INPUT_KWARGS,
    StrictModelSerializer,
    StrictSerializer,
    VisibleRelatedField,
    VisibleSlugRelatedField,
    etag_for,
)
from common.viewsets import CREATE_READ, CREATE_READ_UPDATE, ServiceViewSet
from okrs.selectors import key_result_list
from portfolio.access import role_of
from portfolio.models import (
    Epic,
    EpicOutcome,
    EpicState,
    EpicTransition,
    Membership,
    Portfolio,
    Role,
    StrategicTheme,
    ValueStream,
)
from portfolio.selectors import (
    epic_get_for_user,
    epic_list,
    membership_list,
    portfolio_get_for_user,
    portfolio_list_for_user,
    theme_list,
    value_stream_list,
)
from portfolio.services import (
    epic_create,
    epic_move,
    epic_update,
    membership_remove,
    membership_set,
    portfolio_create,
    portfolio_update,
    theme_create,
    value_stream_create,
)

User = get_user_model()


def member_users(*, user: Any) -> models.QuerySet[Any]:
    """Users who share a portfolio with ``user``: the people an owner or reviewer may be."""
    return User.objects.filter(pk__in=membership_list(user=user).values("user_id"))


def all_active_users(*, user: Any) -> models.QuerySet[Any]:
    """Anyone with an account: a portfolio admin adds members by username."""
    return User.objects.filter(is_active=True)


def PortfolioField(**kwargs: Any) -> VisibleRelatedField:  # noqa: N802 - reads as a field class
    return VisibleRelatedField(selector=portfolio_list_for_user, **kwargs)


def UserField(**kwargs: Any) -> VisibleSlugRelatedField:  # noqa: N802
    """A user written and read as a username, among the members of the caller's portfolios."""
    kwargs.setdefault("slug_field", "username")
    kwargs.setdefault("help_text", "Username of a member of one of your portfolios.")
    return VisibleSlugRelatedField(selector=member_users, **kwargs)


class PortfolioFilter(django_filters.FilterSet):
    slug = django_filters.CharFilter()

    class Meta:
        model = Portfolio
        fields = ["slug"]


# --- portfolios ----------------------------------------------------------------------------------


class PortfolioSerializer(StrictModelSerializer):
    my_role = serializers.SerializerMethodField()
    recompute_pending = serializers.BooleanField(
        read_only=True, default=False, help_text="A WSJF recompute is waiting: ranks may be stale."
    )

    class Meta:
        model = Portfolio
        fields = [
            "id",
            "name",
            "slug",
            "description",
            "wip_policy",
            "wip_limit_reviewing",
            "wip_limit_analyzing",
            "wip_limit_implementing",
            "risk_appetite",
            "epic_threshold",
            "scoring_mode",
            "scores_computed_at",
            "recompute_pending",
            "created_at",
            "my_role",
        ]
        read_only_fields = ["scores_computed_at", "created_at"]
        create_only = ("slug",)
        validators: list[Any] = []
        extra_kwargs = {"slug": {"validators": []}}

    def get_my_role(self, obj: Portfolio) -> str | None:
        """Your role in this portfolio."""
        request = self.context.get("request")
        return role_of(user=request.user, portfolio_id=obj.id) if request else None


class PortfolioViewSet(ServiceViewSet):
    """Portfolios you are a member of. Anyone signed in may create one and becomes its admin."""

    serializer_class = PortfolioSerializer
    list_selector = staticmethod(portfolio_list_for_user)
    get_selector = staticmethod(portfolio_get_for_user)
    filterset_class = PortfolioFilter
    ordering_fields = ["name", "slug", "created_at"]
    http_method_names = CREATE_READ_UPDATE

    def perform_service_create(self, data: dict[str, Any]) -> Portfolio:
        return portfolio_create(actor=self.request.user, **data)

    def perform_service_update(self, instance: Portfolio, data: dict[str, Any]) -> Portfolio:
        return portfolio_update(actor=self.request.user, portfolio=instance, data=data)


# --- memberships ---------------------------------------------------------------------------------


class MembershipFilter(django_filters.FilterSet):
    portfolio = django_filters.UUIDFilter()
    role = django_filters.ChoiceFilter(choices=Role.choices)
    user = django_filters.CharFilter(field_name="user__username")

    class Meta:
        model = Membership
        fields = ["portfolio", "role", "user"]


class MembershipSerializer(StrictModelSerializer):
    portfolio = PortfolioField()
    user = VisibleSlugRelatedField(selector=all_active_users, slug_field="username")

    class Meta:
        model = Membership
        fields = ["id", "portfolio", "user", "role", "created_at"]
        read_only_fields = ["created_at"]
        create_only = ("portfolio", "user")
        validators: list[Any] = []


class MembershipViewSet(ServiceViewSet):
    """Who has which role where. Portfolio admins add (by username), change and remove members."""

    serializer_class = MembershipSerializer
    list_selector = staticmethod(membership_list)
    filterset_class = MembershipFilter
    ordering_fields = ["created_at", "role"]

    def perform_service_create(self, data: dict[str, Any]) -> Membership:
        return membership_set(actor=self.request.user, **data)

    def perform_service_update(self, instance: Membership, data: dict[str, Any]) -> Membership:
        role = data.get("role", instance.role)
        return membership_set(actor=self.request.user, portfolio=instance.portfolio, user=instance.user, role=role)

    def perform_service_destroy(self, instance: Membership) -> None:
        membership_remove(actor=self.request.user, membership=instance)


# --- value streams and themes ---------------------------------------------------------------------


class PortfolioScopedFilter(django_filters.FilterSet):
    portfolio = django_filters.UUIDFilter()


class ValueStreamFilter(PortfolioScopedFilter):
    class Meta:
        model = ValueStream
        fields = ["portfolio"]


class ThemeFilter(PortfolioScopedFilter):
    class Meta:
        model = StrategicTheme
        fields = ["portfolio"]


class ValueStreamSerializer(StrictModelSerializer):
    portfolio = PortfolioField()

    class Meta:
        model = ValueStream
        fields = ["id", "portfolio", "name", "description"]
        validators: list[Any] = []


class ThemeSerializer(StrictModelSerializer):
    portfolio = PortfolioField()

    class Meta:
        model = StrategicTheme
        fields = ["id", "portfolio", "name", "description"]
        validators: list[Any] = []


class ValueStreamViewSet(ServiceViewSet):
    serializer_class = ValueStreamSerializer
    list_selector = staticmethod(value_stream_list)
    filterset_class = ValueStreamFilter
    ordering = ("name",)
    ordering_fields = ["name"]
    http_method_names = CREATE_READ

    def perform_service_create(self, data: dict[str, Any]) -> ValueStream:
        return value_stream_create(actor=self.request.user, **data)


class ThemeViewSet(ServiceViewSet):
    serializer_class = ThemeSerializer
    list_selector = staticmethod(theme_list)
    filterset_class = ThemeFilter
    ordering = ("name",)
    ordering_fields = ["name"]
    http_method_names = CREATE_READ

    def perform_service_create(self, data: dict[str, Any]) -> StrategicTheme:
        return theme_create(actor=self.request.user, **data)


# --- epics ---------------------------------------------------------------------------------------


class EpicFilter(django_filters.FilterSet):
    portfolio = django_filters.UUIDFilter()
    state = django_filters.MultipleChoiceFilter(choices=EpicState.choices)
    value_stream = django_filters.UUIDFilter()
    theme = django_filters.UUIDFilter(field_name="themes")
    key_result = django_filters.UUIDFilter(field_name="key_results")
    aligned = django_filters.BooleanFilter(method="filter_aligned", label="Contributes to at least one key result")

    class Meta:
        model = Epic
        fields = ["portfolio", "state", "value_stream", "theme", "key_result", "aligned"]

    def filter_aligned(self, queryset: models.QuerySet[Epic], name: str, value: bool | None) -> models.QuerySet[Epic]:
        if value is None:
            return queryset
        linked = Exists(Epic.key_results.through.objects.filter(epic_id=OuterRef("pk")))
        return queryset.filter(linked if value else ~linked)


class EpicSerializer(StrictModelSerializer):
    portfolio = PortfolioField()
    key_results = VisibleRelatedField(selector=key_result_list, many=True, required=False)
    themes = VisibleRelatedField(selector=theme_list, many=True, required=False)
    value_stream = VisibleRelatedField(selector=value_stream_list, allow_null=True, required=False)
    owner = UserField(allow_null=True, required=False)
    governance = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.UUIDField())
    has_business_case = serializers.BooleanField(read_only=True)

    class Meta:
        model = Epic
        fields = [
            "id",
            "portfolio",
            "governance",
            "title",
            "description",
            "state",
            "outcome",
            "state_changed_at",
            "owner",
            "value_stream",
            "themes",
            "key_results",
            "hypothesis",
            "business_outcomes",
            "leading_indicators",
            "mvp_definition",
            "cost_estimate",
            "budget",
            "has_business_case",
            "business_value",
            "time_criticality",
            "risk_reduction",
            "job_size",
            "cod_per_week",
            "duration_weeks",
            "cost_of_delay",
            "wsjf",
            "rank",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "state",
            "outcome",
            "state_changed_at",
            "cost_of_delay",
            "wsjf",
            "rank",
            "created_at",
            "updated_at",
        ]
        create_only = ("portfolio",)
        extra_kwargs = SCORE_INPUT_KWARGS
        validators: list[Any] = []


class EpicTransitionSerializer(serializers.ModelSerializer):
    by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = EpicTransition
        fields = ["id", "from_state", "to_state", "wip_exceeded", "by", "at"]
        read_only_fields = fields


class EpicMoveSerializer(StrictSerializer):
    to_state = serializers.ChoiceField(choices=EpicState.choices)
    outcome = serializers.ChoiceField(
        choices=EpicOutcome.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="Only when moving to done: completed (default), no_go or stopped.",
    )


class EpicMoveResultSerializer(serializers.Serializer):
    transition = EpicTransitionSerializer()
    epic = EpicSerializer()


class EpicViewSet(ServiceViewSet):
    """Portfolio epics, ranked by WSJF. State changes only through ``move``, along the Kanban."""

    serializer_class = EpicSerializer
    list_selector = staticmethod(epic_list)
    get_selector = staticmethod(epic_get_for_user)
    filterset_class = EpicFilter
    ordering_fields = ["rank", "wsjf", "cost_of_delay", "job_size", "title", "state_changed_at", "created_at"]
    ordering_nullable = {"rank": 2**31 - 1}
    http_method_names = CREATE_READ_UPDATE

    def lock_for_write(self, instance: Epic) -> None:
        # The order epic_move locks in (portfolio, then epic), so the two never deadlock.
        list(Portfolio.objects.select_for_update().filter(pk=instance.portfolio_id).values_list("pk"))
        super().lock_for_write(instance)

    def perform_service_create(self, data: dict[str, Any]) -> Epic:
        return epic_create(actor=self.request.user, **data)

    def perform_service_update(self, instance: Epic, data: dict[str, Any]) -> Epic:
        return epic_update(actor=self.request.user, epic=instance, data=data)

    @extend_schema(request=EpicMoveSerializer, responses={200: EpicMoveResultSerializer})
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: str | None = None) -> Response:
        """Move the epic on the portfolio Kanban (WIP limits and stage gates apply)."""
        with transaction.atomic():
            epic = self.get_object_for_write()
            move = EpicMoveSerializer(data=request.data)
            move.is_valid(raise_exception=True)
            transition = epic_move(actor=request.user, epic=epic, **move.validated_data)
        epic_data = EpicSerializer(self.load_object(epic.pk), context=self.get_serializer_context()).data
        body = {"transition": EpicTransitionSerializer(transition).data, "epic": epic_data}
        return Response(body, headers={"ETag": etag_for(epic_data)})
