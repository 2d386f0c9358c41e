"""OKR reads."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from okrs.models import CheckIn, KeyResult, Objective
from portfolio.access import visible
from portfolio.selectors import get_for_user


def objective_list(*, user: Any) -> QuerySet[Objective]:
    return visible(Objective.objects.select_related("owner", "parent"), user=user)


def objective_get_for_user(*, user: Any, id: Any) -> Objective:
    return get_for_user(Objective.objects.select_related("governance"), user=user, id=id)


def key_result_list(*, user: Any) -> QuerySet[KeyResult]:
    return visible(KeyResult.objects.select_related("objective"), user=user)


def key_result_get_for_user(*, user: Any, id: Any) -> KeyResult:
    return get_for_user(KeyResult.objects.select_related("governance", "objective"), user=user, id=id)


def check_in_list(*, user: Any) -> QuerySet[CheckIn]:
    return visible(CheckIn.objects.select_related("by", "key_result"), user=user)


def objective_progress(key_results: list[KeyResult]) -> Decimal | None:
    """Weighted mean of the key results' progress, each clamped to [0, 1] (DOMAIN §4)."""
    if not key_results:
        return None
    total_weight = sum((kr.weight for kr in key_results), Decimal(0))
    return sum((kr.progress_clamped * kr.weight for kr in key_results), Decimal(0)) / total_weight


def progress_band(progress: Decimal | None) -> str:
    if progress is None:
        return "none"
    return "green" if progress >= Decimal("0.7") else "yellow" if progress >= Decimal("0.4") else "red"
