"""Governance API: governance records, approvals, the audit trail, frameworks and requirements."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django.contrib.auth import get_user_model
from django.db import models
from rest_framework import serializers

from common.api import StrictModelSerializer, VisibleRelatedField, VisibleSlugRelatedField
from common.viewsets import CREATE_READ, READ_ONLY, ServiceViewSet
from governance.fair import fair_input_errors
from governance.models import (
    AIActTier,
    Approval,
    AuditEvent,
    Decision,
    Framework,
    Gate,
    GovernanceRecord,
    RecordStatus,
    Requirement,
    SubjectKind,
)
from governance.selectors import (
    approval_list,
    audit_event_list,
    framework_list,
    governance_record_get_for_user,
    governance_record_list,
    requirement_list,
)
from governance.services import approval_record, governance_record_update
from portfolio.selectors import membership_list

User = get_user_model()
_UUID = serializers.UUIDField()


def _member_users(*, user: Any) -> models.QuerySet[Any]:
    return User.objects.filter(pk__in=membership_list(user=user).values("user_id"))


def _frameworks(*, user: Any) -> models.QuerySet[Framework]:
    return framework_list()  # catalog data, the same for everyone


def _requirements(*, user: Any) -> models.QuerySet[Requirement]:
    return requirement_list()  # the catalog is shared by every portfolio


def _records_with_requirements(*, user: Any) -> models.QuerySet[GovernanceRecord]:
    return governance_record_list(user=user).prefetch_related("requirements")


class FairInputsField(serializers.JSONField):
    """``{"tef": [min, most likely, max], ...}``: the rules live in ``governance.fair``."""

    def to_internal_value(self, data: Any) -> Any:
        data = super().to_internal_value(data)
        errors = fair_input_errors(data)
        if errors:
            raise serializers.ValidationError(errors)
        return data


# --- governance records --------------------------------------------------------------------------


class GovernanceRecordFilter(django_filters.FilterSet):
    portfolio = django_filters.UUIDFilter()
    subject_kind = django_filters.MultipleChoiceFilter(choices=SubjectKind.choices)
    status = django_filters.MultipleChoiceFilter(choices=RecordStatus.choices)
    uses_ai = django_filters.BooleanFilter()
    ai_act_tier = django_filters.ChoiceFilter(choices=[c for c in AIActTier.choices if c[0]])
    reviewer = django_filters.CharFilter(field_name="reviewer__username")
    requirement = django_filters.UUIDFilter(field_name="requirements")

    class Meta:
        model = GovernanceRecord
        fields = ["portfolio", "subject_kind", "status", "uses_ai", "ai_act_tier", "reviewer", "requirement"]


class GovernanceRecordSerializer(StrictModelSerializer):
    reviewer = VisibleSlugRelatedField(selector=_member_users, slug_field="username", allow_null=True, required=False)
    requirements = VisibleRelatedField(selector=_requirements, many=True, required=False)
    fair_inputs = FairInputsField(required=False)
    inherent_score = serializers.IntegerField(read_only=True, allow_null=True)
    residual_score = serializers.IntegerField(read_only=True, allow_null=True)
    is_assessed = serializers.BooleanField(read_only=True)

    class Meta:
        model = GovernanceRecord
        fields = [
            "id",
            "portfolio",
            "subject_kind",
            "subject_title",
            "status",
            "inherent_likelihood",
            "inherent_impact",
            "inherent_score",
            "residual_likelihood",
            "residual_impact",
            "residual_score",
            "is_assessed",
            "fair_inputs",
            "fair_ale_mean",
            "fair_ale_p50",
            "fair_ale_p90",
            "fair_computed_at",
            "uses_ai",
            "ai_act_tier",
            "explainability",
            "bias_review_done",
            "model_validated",
            "requirements",
            "reviewer",
            "review_due",
            "notes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "portfolio",
            "subject_kind",
            "subject_title",
            "fair_ale_mean",
            "fair_ale_p50",
            "fair_ale_p90",
            "fair_computed_at",
            "created_at",
            "updated_at",
        ]
        validators: list[Any] = []


class GovernanceRecordViewSet(ServiceViewSet):
    """The governance record of every objective, key result, epic, feature and story.

    Created with its item; compliance officers and admins edit it here (PATCH).
    """

    serializer_class = GovernanceRecordSerializer
    list_selector = staticmethod(_records_with_requirements)
    get_selector = staticmethod(governance_record_get_for_user)
    filterset_class = GovernanceRecordFilter
    ordering_fields = ["created_at", "updated_at", "review_due", "status", "subject_title"]
    ordering_nullable = {"review_due": dt.date.max}
    http_method_names = ["get", "patch", "head", "options"]

    def perform_service_update(self, instance: GovernanceRecord, data: dict[str, Any]) -> GovernanceRecord:
        return governance_record_update(actor=self.request.user, record=instance, data=data)


# --- approvals -----------------------------------------------------------------------------------


class ApprovalFilter(django_filters.FilterSet):
    portfolio = django_filters.UUIDFilter()
    record = django_filters.UUIDFilter()
    gate = django_filters.ChoiceFilter(choices=Gate.choices)
    decision = django_filters.ChoiceFilter(choices=Decision.choices)

    class Meta:
        model = Approval
        fields = ["portfolio", "record", "gate", "decision"]


class ApprovalSerializer(StrictModelSerializer):
    record = VisibleRelatedField(selector=governance_record_list)
    by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Approval
        fields = ["id", "portfolio", "record", "gate", "decision", "rationale", "by", "at"]
        read_only_fields = ["portfolio", "at"]
        validators: list[Any] = []


class ApprovalViewSet(ServiceViewSet):
    """Stage-gate decisions: Go / No-Go (CPO) and compliance approvals (compliance officer)."""

    serializer_class = ApprovalSerializer
    list_selector = staticmethod(approval_list)
    filterset_class = ApprovalFilter
    ordering = ("-at",)
    ordering_fields = ["at"]
    http_method_names = CREATE_READ

    def perform_service_create(self, data: dict[str, Any]) -> Approval:
        return approval_record(actor=self.request.user, **data)


# --- audit trail ---------------------------------------------------------------------------------


class AuditEventFilter(django_filters.FilterSet):
    portfolio = django_filters.UUIDFilter(field_name="portfolio_id")
    action = django_filters.CharFilter()
    action_prefix = django_filters.CharFilter(field_name="action", lookup_expr="startswith")
    object_type = django_filters.CharFilter()
    object_id = django_filters.CharFilter()
    actor = django_filters.CharFilter(field_name="actor_name")
    since = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="gte")
    until = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="lt")

    class Meta:
        model = AuditEvent
        fields = ["portfolio", "action", "action_prefix", "object_type", "object_id", "actor", "since", "until"]


class AuditEventSerializer(serializers.ModelSerializer):
    portfolio = serializers.UUIDField(source="portfolio_id", read_only=True, allow_null=True)

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "portfolio",
            "actor_name",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "before",
            "after",
            "at",
        ]
        read_only_fields = fields


class AuditEventViewSet(ServiceViewSet):
    """The append-only audit trail of your portfolios: every change, who made it, before and after."""

    serializer_class = AuditEventSerializer
    list_selector = staticmethod(audit_event_list)
    filterset_class = AuditEventFilter
    ordering = ("-id",)
    ordering_fields = ["id"]
    http_method_names = READ_ONLY


# --- catalog -------------------------------------------------------------------------------------


class FrameworkSerializer(serializers.ModelSerializer):
    class Meta:
        model = Framework
        fields = ["id", "code", "name", "version", "provider", "url"]
        read_only_fields = fields


class RequirementFilter(django_filters.FilterSet):
    framework = django_filters.UUIDFilter()
    framework_code = django_filters.CharFilter(field_name="framework__code")
    parent = django_filters.UUIDFilter()
    assessable = django_filters.BooleanFilter()

    class Meta:
        model = Requirement
        fields = ["framework", "framework_code", "parent", "assessable"]


class RequirementSerializer(serializers.ModelSerializer):
    framework = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=_UUID)
    parent = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=_UUID, allow_null=True)
    framework_code = serializers.CharField(source="framework.code", read_only=True)

    class Meta:
        model = Requirement
        fields = ["id", "framework", "framework_code", "parent", "ref_id", "title", "order", "assessable"]
        read_only_fields = fields


class FrameworkViewSet(ServiceViewSet):
    """The control frameworks catalog (NIST AI RMF, ISO/IEC 42001, EU AI Act, DORA)."""

    serializer_class = FrameworkSerializer
    list_selector = staticmethod(_frameworks)
    ordering = ("name",)
    ordering_fields = ["name", "code"]
    http_method_names = READ_ONLY


class RequirementViewSet(ServiceViewSet):
    """Requirements and controls of the frameworks, to map onto governance records."""

    serializer_class = RequirementSerializer
    list_selector = staticmethod(_requirements)
    filterset_class = RequirementFilter
    ordering = ("order",)
    ordering_fields = ["order", "ref_id"]
    http_method_names = READ_ONLY
