from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from common.errors import PermissionDenied, ValidationFailed
from governance.models import AuditEvent
from okrs.models import CheckIn, KeyResult, kr_progress
from okrs.selectors import objective_progress
from okrs.services import key_result_check_in, objective_create
from tests import builders


def test_check_in_moves_current_value_and_keeps_history(bank, cpo, po):
    kr = builders.key_result(cpo, builders.objective(cpo, bank), start_value=20, target_value=60)
    key_result_check_in(actor=po, key_result=kr, value=30, confidence="0.6", note="pilot live")
    key_result_check_in(actor=po, key_result=kr, value=40, confidence="0.7")
    kr.refresh_from_db()
    assert kr.current_value == 40 and kr.confidence == Decimal("0.70")
    assert kr.progress == Decimal("0.5") and kr.band == "yellow"
    assert CheckIn.objects.filter(key_result=kr).count() == 2
    assert AuditEvent.objects.filter(action="okrs.key_result.checked_in").count() == 2


def test_bad_check_in_changes_nothing(bank, cpo, po):
    kr = builders.key_result(cpo, builders.objective(cpo, bank))
    with pytest.raises(ValidationFailed) as exc:
        key_result_check_in(actor=po, key_result=kr, value="lots", confidence="0.5")
    assert "value" in exc.value.fields
    with pytest.raises(ValidationFailed):
        key_result_check_in(actor=po, key_result=kr, value=10, confidence="1.5")
    assert CheckIn.objects.count() == 0
    assert KeyResult.objects.get(pk=kr.pk).current_value == 0


def test_viewer_cannot_check_in(bank, cpo, viewer):
    kr = builders.key_result(cpo, builders.objective(cpo, bank))
    with pytest.raises(PermissionDenied):
        key_result_check_in(actor=viewer, key_result=kr, value=1, confidence="0.5")


def test_objective_period_must_not_end_before_it_starts(bank, cpo):
    with pytest.raises(ValidationFailed):
        objective_create(
            actor=cpo,
            portfolio=bank,
            title="Backwards",
            period_start=dt.date(2026, 12, 1),
            period_end=dt.date(2026, 11, 1),
        )


@pytest.mark.parametrize(
    ("kind", "start", "target", "current", "expected"),
    [
        ("increase_to", 0, 100, 50, Decimal("0.5")),
        ("decrease_to", 450, 350, 400, Decimal("0.5")),
        ("increase_to", 10, 10, 10, Decimal(1)),
        ("maintain_at_or_above", 0, 99, 98, Decimal(0)),
        ("maintain_at_or_below", 0, 2, 1, Decimal(1)),
        ("milestone", 0, 1, 1, Decimal(1)),
        ("increase_to", 0, 100, 200, Decimal(2)),
    ],
)
def test_key_result_progress_follows_domain_formulas(kind, start, target, current, expected):
    assert kr_progress(kind, Decimal(start), Decimal(target), Decimal(current)) == expected


def test_objective_progress_is_weighted_mean_of_clamped_progress(bank, cpo):
    obj = builders.objective(cpo, bank)
    a = builders.key_result(cpo, obj, start_value=0, target_value=100, current_value=200)  # raw 2.0 → 1
    b = builders.key_result(cpo, obj, start_value=0, target_value=100, current_value=0, weight=3)
    assert objective_progress([a, b]) == Decimal("0.25")
