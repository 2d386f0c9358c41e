"""Backlog API: teams, iterations, features and stories, with their WSJF scores and ranks."""

from __future__ import annotations

from typing import Any

import django_filters
from rest_framework import serializers

from backlog.models import Feature, FeatureState, Iteration, Story, StoryState, Team, WorkType
from backlog.selectors import (
    feature_get_for_user,
    feature_list,
    iteration_list,
    story_get_for_user,
    story_list,
    team_list,
)
from backlog.services import feature_create, feature_update, iteration_create, story_create, story_update, team_create
from common.api import SCORE_INPUT_KWARGS, StrictModelSerializer, VisibleRelatedField
from common.viewsets import CREATE_READ, CREATE_READ_UPDATE, ServiceViewSet
from portfolio.selectors import epic_list, portfolio_list_for_user

_UUID = serializers.UUIDField()
_NOT_RANKED = 2**31 - 1  # unranked items (new, or done) sort after every ranked one

WSJF_FIELDS = ["business_value", "time_criticality", "risk_reduction", "job_size", "cod_per_week", "duration_weeks"]
WSJF_READ_ONLY = ["cost_of_delay", "wsjf"]


# --- teams and iterations ------------------------------------------------------------------------


class TeamFilter(django_filters.FilterSet):
    portfolio = django_filters.UUIDFilter()

    class Meta:
        model = Team
        fields = ["portfolio"]


class IterationFilter(django_filters.FilterSet):
    portfolio = django_filters.UUIDFilter()
    active_on = django_filters.DateFilter(method="filter_active_on", label="Iteration contains this date")

    class Meta:
        model = Iteration
        fields = ["portfolio", "active_on"]

    def filter_active_on(self, queryset: Any, name: str, value: Any) -> Any:
        return queryset.filter(start_date__lte=value, end_date__gte=value) if value else queryset


class TeamSerializer(StrictModelSerializer):
    portfolio = VisibleRelatedField(selector=portfolio_list_for_user)

    class Meta:
        model = Team
        fields = ["id", "portfolio", "name"]
        validators: list[Any] = []


class IterationSerializer(StrictModelSerializer):
    portfolio = VisibleRelatedField(selector=portfolio_list_for_user)

    class Meta:
        model = Iteration
        fields = ["id", "portfolio", "name", "start_date", "end_date"]
        validators: list[Any] = []


class TeamViewSet(ServiceViewSet):
    serializer_class = TeamSerializer
    list_selector = staticmethod(team_list)
    filterset_class = TeamFilter
    ordering = ("name",)
    ordering_fields = ["name"]
    http_method_names = CREATE_READ

    def perform_service_create(self, data: dict[str, Any]) -> Team:
        return team_create(actor=self.request.user, **data)


class IterationViewSet(ServiceViewSet):
    serializer_class = IterationSerializer
    list_selector = staticmethod(iteration_list)
    filterset_class = IterationFilter
    ordering = ("start_date",)
    ordering_fields = ["start_date", "end_date", "name"]
    http_method_names = CREATE_READ

    def perform_service_create(self, data: dict[str, Any]) -> Iteration:
        return iteration_create(actor=self.request.user, **data)


# --- features ------------------------------------------------------------------------------------


class FeatureFilter(django_filters.FilterSet):
    portfolio = django_filters.UUIDFilter()
    epic = django_filters.UUIDFilter()
    no_epic = django_filters.BooleanFilter(field_name="epic", lookup_expr="isnull", label="Has no epic (unaligned)")
    team = django_filters.UUIDFilter()
    state = django_filters.MultipleChoiceFilter(choices=FeatureState.choices)
    work_type = django_filters.MultipleChoiceFilter(choices=WorkType.choices)

    class Meta:
        model = Feature
        fields = ["portfolio", "epic", "no_epic", "team", "state", "work_type"]


class FeatureSerializer(StrictModelSerializer):
    portfolio = VisibleRelatedField(selector=portfolio_list_for_user)
    epic = VisibleRelatedField(selector=epic_list, allow_null=True, required=False)
    team = VisibleRelatedField(selector=team_list, allow_null=True, required=False)
    governance = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=_UUID)

    class Meta:
        model = Feature
        fields = [
            "id",
            "portfolio",
            "governance",
            "epic",
            "team",
            "title",
            "description",
            "state",
            "work_type",
            *WSJF_FIELDS,
            *WSJF_READ_ONLY,
            "rank",
            "rank_in_epic",
            "created_at",
            "updated_at",
            "started_at",
            "done_at",
        ]
        read_only_fields = [
            *WSJF_READ_ONLY,
            "rank",
            "rank_in_epic",
            "created_at",
            "updated_at",
            "started_at",
            "done_at",
        ]
        create_only = ("portfolio",)
        extra_kwargs = SCORE_INPUT_KWARGS
        validators: list[Any] = []


class FeatureViewSet(ServiceViewSet):
    """Features, ranked by WSJF in the portfolio (``rank``) and within their epic (``rank_in_epic``)."""

    serializer_class = FeatureSerializer
    list_selector = staticmethod(feature_list)
    get_selector = staticmethod(feature_get_for_user)
    filterset_class = FeatureFilter
    ordering_fields = ["rank", "rank_in_epic", "wsjf", "cost_of_delay", "job_size", "title", "created_at", "updated_at"]
    ordering_nullable = {"rank": _NOT_RANKED, "rank_in_epic": _NOT_RANKED}
    http_method_names = CREATE_READ_UPDATE

    def perform_service_create(self, data: dict[str, Any]) -> Feature:
        return feature_create(actor=self.request.user, **data)

    def perform_service_update(self, instance: Feature, data: dict[str, Any]) -> Feature:
        return feature_update(actor=self.request.user, feature=instance, data=data)


# --- stories -------------------------------------------------------------------------------------


class StoryFilter(django_filters.FilterSet):
    portfolio = django_filters.UUIDFilter()
    feature = django_filters.UUIDFilter()
    epic = django_filters.UUIDFilter(field_name="feature__epic")
    team = django_filters.UUIDFilter()
    iteration = django_filters.UUIDFilter()
    state = django_filters.MultipleChoiceFilter(choices=StoryState.choices)
    work_type = django_filters.MultipleChoiceFilter(choices=WorkType.choices)

    class Meta:
        model = Story
        fields = ["portfolio", "feature", "epic", "team", "iteration", "state", "work_type"]


class StorySerializer(StrictModelSerializer):
    feature = VisibleRelatedField(selector=feature_list)
    team = VisibleRelatedField(selector=team_list, allow_null=True, required=False)
    iteration = VisibleRelatedField(selector=iteration_list, allow_null=True, required=False)
    governance = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=_UUID)
    epic = serializers.PrimaryKeyRelatedField(
        source="feature.epic", read_only=True, pk_field=_UUID, help_text="The feature's epic (traceability)."
    )

    class Meta:
        model = Story
        fields = [
            "id",
            "portfolio",
            "governance",
            "feature",
            "epic",
            "team",
            "iteration",
            "title",
            "acceptance_criteria",
            "points",
            "state",
            "work_type",
            *WSJF_FIELDS,
            *WSJF_READ_ONLY,
            "rank_in_feature",
            "rank_in_team",
            "created_at",
            "updated_at",
            "started_at",
            "done_at",
        ]
        read_only_fields = [
            "portfolio",
            *WSJF_READ_ONLY,
            "rank_in_feature",
            "rank_in_team",
            "created_at",
            "updated_at",
            "started_at",
            "done_at",
        ]
        extra_kwargs = SCORE_INPUT_KWARGS
        validators: list[Any] = []


class StoryViewSet(ServiceViewSet):
    """Stories, ranked by WSJF within their feature (``rank_in_feature``) and team (``rank_in_team``)."""

    serializer_class = StorySerializer
    list_selector = staticmethod(story_list)
    get_selector = staticmethod(story_get_for_user)
    filterset_class = StoryFilter
    ordering_fields = [
        "rank_in_feature",
        "rank_in_team",
        "wsjf",
        "cost_of_delay",
        "job_size",
        "points",
        "title",
        "created_at",
        "updated_at",
    ]
    ordering_nullable = {"rank_in_feature": _NOT_RANKED, "rank_in_team": _NOT_RANKED, "points": 32767}
    http_method_names = CREATE_READ_UPDATE

    def perform_service_create(self, data: dict[str, Any]) -> Story:
        return story_create(actor=self.request.user, **data)

    def perform_service_update(self, instance: Story, data: dict[str, Any]) -> Story:
        return story_update(actor=self.request.user, story=instance, data=data)
