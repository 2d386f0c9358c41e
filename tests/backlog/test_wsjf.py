"""Property tests of the pure WSJF module (backlog/wsjf.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from backlog.wsjf import FIBONACCI, Scored, cost_of_delay, rank_key, ranked, ranks, validate_inputs, wsjf

fib = st.sampled_from(FIBONACCI)
T0 = datetime(2026, 1, 1, tzinfo=UTC)


@st.composite
def items(draw: st.DrawFn, min_size: int = 0, max_size: int = 30) -> list[Scored]:
    n = draw(st.integers(min_size, max_size))
    return [
        Scored(
            id=f"{i:04d}",
            business_value=draw(fib),
            time_criticality=draw(fib),
            risk_reduction=draw(fib),
            job_size=draw(fib),
            created_at=T0 + timedelta(minutes=draw(st.integers(0, 5))),
        )
        for i in range(n)
    ]


def test_worked_example_w1_orders_c_d_a_b_e():
    rows = {"A": (8, 8, 3, 5), "B": (13, 1, 1, 8), "C": (3, 13, 8, 3), "D": (1, 2, 1, 1), "E": (5, 5, 13, 13)}
    scored = [Scored(k, *v) for k, v in rows.items()]
    assert [s.id for s in ranked(scored)] == ["C", "D", "A", "B", "E"]
    assert wsjf(8, 8, 3, 5) == Fraction(19, 5)


@given(items())
def test_rank_is_a_permutation_of_one_to_n(xs):
    assert sorted(ranks(xs).values()) == list(range(1, len(xs) + 1))


@given(items())
def test_rank_is_deterministic_whatever_the_input_order(xs):
    assert ranks(xs) == ranks(list(reversed(xs)))


@given(items(min_size=2))
def test_rank_order_is_total_no_two_keys_equal(xs):
    keys = [rank_key(x) for x in xs]
    assert len(set(keys)) == len(keys)


@given(items(min_size=1), st.data())
def test_raising_one_cost_of_delay_input_never_lowers_the_item(xs, data):
    i = data.draw(st.integers(0, len(xs) - 1))
    field = data.draw(st.sampled_from(["business_value", "time_criticality", "risk_reduction"]))
    current = getattr(xs[i], field)
    higher = [v for v in FIBONACCI if v > current]
    if not higher:
        return
    bumped = list(xs)
    bumped[i] = Scored(**{**xs[i].__dict__, field: data.draw(st.sampled_from(higher))})
    assert ranks(bumped)[xs[i].id] <= ranks(xs)[xs[i].id]


@given(items(min_size=1), st.data())
def test_growing_job_size_never_raises_the_item(xs, data):
    i = data.draw(st.integers(0, len(xs) - 1))
    bigger = [v for v in FIBONACCI if v > xs[i].job_size]
    if not bigger:
        return
    grown = list(xs)
    grown[i] = Scored(**{**xs[i].__dict__, "job_size": data.draw(st.sampled_from(bigger))})
    assert ranks(grown)[xs[i].id] >= ranks(xs)[xs[i].id]


@given(fib, fib, fib, fib)
def test_float_wsjf_orders_exactly_like_the_fraction(a, b, c, d):
    # The generated column stores a float8 quotient; equal fractions must give equal floats.
    assert cost_of_delay(a, b, c) / d == float(wsjf(a, b, c, d))


def test_validation_names_every_bad_field():
    errors = validate_inputs({"business_value": 4, "time_criticality": "abc", "risk_reduction": None, "job_size": 0})
    assert set(errors) == {"business_value", "time_criticality", "risk_reduction", "job_size"}
    assert validate_inputs({"business_value": 1, "time_criticality": "2", "risk_reduction": 20, "job_size": 13}) == {}
