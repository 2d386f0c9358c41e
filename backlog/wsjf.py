"""WSJF and CD3, pure (no Django): the scale, the scores and the deterministic rank order.

SAFe: Cost of Delay = user-business value + time criticality + risk reduction / opportunity
enablement; WSJF = CoD / job size. Reinertsen's CD3 = CoD per week / duration in weeks.
Ties (DOMAIN §1.3): WSJF desc, then CoD desc, then job size asc, then older first, then id.
The SQL in ``backlog.ranking`` orders by the same key; the tests hold the two together.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from fractions import Fraction
from typing import Any

FIBONACCI: tuple[int, ...] = (1, 2, 3, 5, 8, 13, 20)
INPUTS: tuple[str, ...] = ("business_value", "time_criticality", "risk_reduction", "job_size")


def validate_inputs(values: dict[str, Any]) -> dict[str, list[str]]:
    """Field errors for WSJF inputs that are missing, not whole numbers, or off the scale."""
    errors: dict[str, list[str]] = {}
    for name in INPUTS:
        raw = values.get(name)
        if raw is None or raw == "":
            errors[name] = ["This field is required."]
            continue
        try:
            number = int(str(raw).strip())
        except ValueError:
            errors[name] = ["Enter a whole number."]
            continue
        if str(number) != str(raw).strip() and not isinstance(raw, int):
            errors[name] = ["Enter a whole number."]
        elif number not in FIBONACCI:
            errors[name] = [f"Use the modified Fibonacci scale: {', '.join(map(str, FIBONACCI))}."]
    return errors


def cost_of_delay(business_value: int, time_criticality: int, risk_reduction: int) -> int:
    return business_value + time_criticality + risk_reduction


def wsjf(business_value: int, time_criticality: int, risk_reduction: int, job_size: int) -> Fraction:
    """Exact WSJF; compare at full precision, round only for display."""
    if job_size <= 0:
        raise ValueError("job size must be positive")
    return Fraction(cost_of_delay(business_value, time_criticality, risk_reduction), job_size)


def cd3(cod_per_week: Fraction | float, duration_weeks: Fraction | float) -> Fraction:
    if duration_weeks <= 0:
        raise ValueError("duration must be positive")
    return Fraction(cod_per_week) / Fraction(duration_weeks)


@dataclass(frozen=True)
class Scored:
    id: str
    business_value: int
    time_criticality: int
    risk_reduction: int
    job_size: int
    created_at: datetime | None = None


def rank_key(item: Scored) -> tuple[Any, ...]:
    cod = cost_of_delay(item.business_value, item.time_criticality, item.risk_reduction)
    score = Fraction(cod, item.job_size)
    return (-score, -cod, item.job_size, item.created_at or datetime.min.replace(tzinfo=UTC), item.id)


def ranked(items: Iterable[Scored]) -> list[Scored]:
    """Items in rank order (rank 1 first): a total, deterministic order."""
    return sorted(items, key=rank_key)


def ranks(items: Sequence[Scored]) -> dict[str, int]:
    return {item.id: position for position, item in enumerate(ranked(items), start=1)}
