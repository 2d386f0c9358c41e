"""A whole portfolio tree in ``bank``, built through the services, for the API tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User

from backlog.models import Feature, Iteration, Story, Team
from backlog.services import iteration_create, team_create
from governance.catalog import framework_catalog_load
from governance.models import Approval, Framework, Requirement
from governance.services import approval_record
from okrs.models import CheckIn, KeyResult, Objective
from okrs.services import key_result_check_in
from portfolio.models import Epic, Membership, Portfolio, StrategicTheme, ValueStream
from portfolio.services import theme_create, value_stream_create
from tests import builders


@pytest.fixture(autouse=True)
def fast_password_hasher(settings: Any) -> None:
    """The cast is created with passwords; a slow hasher would be most of these tests' run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Tree:
    portfolio: Portfolio
    membership: Membership
    value_stream: ValueStream
    theme: StrategicTheme
    objective: Objective
    key_result: KeyResult
    check_in: CheckIn
    epic: Epic
    team: Team
    iteration: Iteration
    feature: Feature
    story: Story
    approval: Approval
    framework: Framework
    requirement: Requirement


@pytest.fixture
def tree(bank: Portfolio, admin: User, cpo: User, po: User, compliance: User, viewer: User) -> Tree:
    objective = builders.objective(admin, bank, title="Grow digital sales")
    key_result = builders.key_result(admin, objective, title="Mobile sign-ups to 40k", target_value=40_000)
    check_in = key_result_check_in(actor=admin, key_result=key_result, value=10_000, confidence="0.6")
    stream = value_stream_create(actor=admin, portfolio=bank, name="Retail lending")
    theme = theme_create(actor=admin, portfolio=bank, name="Digital first")
    epic = builders.epic(admin, bank, title="Instant loans", key_results=[key_result], themes=[theme])
    team = team_create(actor=admin, portfolio=bank, name="Team Atlas")
    iteration = iteration_create(
        actor=admin, portfolio=bank, name="PI 1.1", start_date=dt.date(2026, 10, 1), end_date=dt.date(2026, 10, 14)
    )
    feature = builders.feature(admin, bank, title="Credit check", epic=epic, team=team)
    story = builders.story(admin, feature, title="Call the bureau", team=team, iteration=iteration)
    approval = approval_record(
        actor=admin, record=epic.governance, gate="go_no_go", decision="go", rationale="Strong case."
    )
    framework_catalog_load(codes=["dora"])
    framework = Framework.objects.get(code="dora")
    return Tree(
        portfolio=bank,
        membership=Membership.objects.get(portfolio=bank, user=viewer),
        value_stream=stream,
        theme=theme,
        objective=objective,
        key_result=key_result,
        check_in=check_in,
        epic=epic,
        team=team,
        iteration=iteration,
        feature=feature,
        story=story,
        approval=approval,
        framework=framework,
        requirement=framework.requirements.filter(assessable=True).first(),
    )


def ids(response: Any) -> set[str]:
    """The ids on one page of a list response."""
    assert response.status_code == 200, response.content
    return {str(item["id"]) for item in response.json()["results"]}
