"""Build domain objects through the services, as a real user would (no model.objects.create)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from backlog.models import Feature, Story
from backlog.services import feature_create, story_create
from okrs.models import KeyResult, Objective
from okrs.services import key_result_create, objective_create
from portfolio.models import Epic, Portfolio
from portfolio.services import epic_create

_n = itertools.count(1)
WSJF = {"business_value": 5, "time_criticality": 3, "risk_reduction": 2, "job_size": 3}


def objective(actor: Any, portfolio: Portfolio, **kw: Any) -> Objective:
    kw.setdefault("title", f"Objective {next(_n)}")
    kw.setdefault("period_start", dt.date(2026, 10, 1))
    kw.setdefault("period_end", dt.date(2026, 12, 31))
    return objective_create(actor=actor, portfolio=portfolio, **kw)


def key_result(actor: Any, obj: Objective, **kw: Any) -> KeyResult:
    kw.setdefault("title", f"Key result {next(_n)}")
    kw.setdefault("start_value", 0)
    kw.setdefault("target_value", 100)
    return key_result_create(actor=actor, objective=obj, **kw)


def epic(actor: Any, portfolio: Portfolio, **kw: Any) -> Epic:
    kw.setdefault("title", f"Epic {next(_n)}")
    for k, v in WSJF.items():
        kw.setdefault(k, v)
    return epic_create(actor=actor, portfolio=portfolio, **kw)


def feature(actor: Any, portfolio: Portfolio, **kw: Any) -> Feature:
    kw.setdefault("title", f"Feature {next(_n)}")
    for k, v in WSJF.items():
        kw.setdefault(k, v)
    return feature_create(actor=actor, portfolio=portfolio, **kw)


def story(actor: Any, feat: Feature, **kw: Any) -> Story:
    kw.setdefault("title", f"Story {next(_n)}")
    for k, v in WSJF.items():
        kw.setdefault(k, v)
    return story_create(actor=actor, feature=feat, **kw)
