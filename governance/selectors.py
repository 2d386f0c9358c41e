"""Governance reads."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from governance.models import Approval, AuditEvent, Framework, GovernanceRecord, Requirement
from portfolio.access import portfolio_ids_for, visible
from portfolio.selectors import get_for_user


def governance_record_list(*, user: Any) -> QuerySet[GovernanceRecord]:
    return visible(GovernanceRecord.objects.select_related("reviewer"), user=user)


def governance_record_get_for_user(*, user: Any, id: Any) -> GovernanceRecord:
    return get_for_user(GovernanceRecord.objects.all(), user=user, id=id)


def approval_list(*, user: Any) -> QuerySet[Approval]:
    return visible(Approval.objects.select_related("by", "record"), user=user)


def audit_event_list(*, user: Any) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(portfolio_id__in=portfolio_ids_for(user=user))


def framework_list() -> QuerySet[Framework]:
    return Framework.objects.all()


def requirement_list() -> QuerySet[Requirement]:
    return Requirement.objects.select_related("framework")
