"""Open FAIR inputs (DOMAIN §5), pure: the shape of ``GovernanceRecord.fair_inputs``.

Each factor is a three-point estimate ``[min, most likely, max]``. Frequencies and losses are
non-negative; vulnerability and the secondary-loss event frequency (SLEF) are probabilities.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

FACTORS: tuple[str, ...] = ("tef", "vulnerability", "primary_loss", "slef", "slem")
PROBABILITIES: frozenset[str] = frozenset({"vulnerability", "slef"})


def fair_input_errors(data: Any) -> list[str]:
    """Every problem with ``data``, in words a user can act on; empty when it is valid."""
    if not isinstance(data, dict):
        return ["Expected an object of FAIR factors."]
    errors = []
    for name, estimate in data.items():
        if name not in FACTORS:
            errors.append(f"Unknown FAIR factor {name!r}; use {', '.join(FACTORS)}.")
            continue
        if (
            not isinstance(estimate, list | tuple)
            or len(estimate) != 3
            or any(isinstance(v, bool) or not isinstance(v, int | float | str | Decimal) for v in estimate)
        ):
            errors.append(f"{name}: expected [min, most likely, max] as three numbers.")
            continue
        try:
            low, mode, high = (Decimal(str(v)) for v in estimate)
        except InvalidOperation:
            errors.append(f"{name}: expected [min, most likely, max] as three numbers.")
            continue
        if not all(v.is_finite() for v in (low, mode, high)) or not (Decimal(0) <= low <= mode <= high):
            errors.append(f"{name}: expected 0 ≤ min ≤ most likely ≤ max.")
        elif name in PROBABILITIES and high > 1:
            errors.append(f"{name} is a probability: keep it between 0 and 1.")
    return errors
