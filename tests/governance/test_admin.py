"""The Django admin: every model is there, renders for a superuser, and history stays read-only."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from backlog.models import Feature, Iteration, Story, Team
from backlog.services import iteration_create, team_create
from governance.catalog import framework_catalog_load
from governance.models import Approval, AuditEvent, Framework, GovernanceRecord, Requirement
from governance.services import approval_record, governance_record_update
from okrs.models import CheckIn, KeyResult, Objective
from okrs.services import key_result_check_in
from portfolio.models import (
    Epic,
    EpicTransition,
    Membership,
    Portfolio,
    RecomputeRequest,
    StrategicTheme,
    ValueStream,
    WorkerHeartbeat,
)
from portfolio.services import theme_create, value_stream_create
from tests import builders

MODELS = [
    Portfolio,
    Membership,
    ValueStream,
    StrategicTheme,
    Epic,
    EpicTransition,
    RecomputeRequest,
    WorkerHeartbeat,
    Objective,
    KeyResult,
    CheckIn,
    Team,
    Iteration,
    Feature,
    Story,
    GovernanceRecord,
    Framework,
    Requirement,
    Approval,
    AuditEvent,
]
HISTORY = [AuditEvent, Approval, CheckIn, EpicTransition]
BORN_IN_SERVICES = [Objective, KeyResult, Epic, Feature, Story, GovernanceRecord]


def _url(model: type, view: str, *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def operator(db: Any) -> User:
    return User.objects.create_superuser("operator", "operator@example.test", "operator-pass")


@pytest.fixture
def site(operator: User) -> Client:
    client = Client()
    client.force_login(operator)
    return client


@pytest.fixture
def world(bank, cpo, po, compliance) -> dict[str, Any]:
    """One of everything, written through the services."""
    framework_catalog_load()
    value_stream_create(actor=cpo, portfolio=bank, name="Onboarding")
    theme_create(actor=cpo, portfolio=bank, name="Responsible AI")
    team = team_create(actor=po, portfolio=bank, name="Identity")
    today = timezone.localdate()
    iteration = iteration_create(
        actor=po, portfolio=bank, name="Sprint 1", start_date=today, end_date=today + timezone.timedelta(days=13)
    )
    objective = builders.objective(cpo, bank)
    kr = builders.key_result(cpo, objective)
    key_result_check_in(actor=po, key_result=kr, value=10, confidence="0.6")
    epic = builders.epic(po, bank, key_results=[kr])
    governance_record_update(
        actor=compliance,
        record=epic.governance,
        data={"status": "assessed", "inherent_likelihood": 3, "inherent_impact": 4, "uses_ai": True},
    )
    approval_record(actor=compliance, record=epic.governance, gate="compliance", decision="go", rationale="Fine.")
    feature = builders.feature(po, bank, epic=epic, team=team)
    story = builders.story(po, feature, team=team, iteration=iteration, points=3)
    WorkerHeartbeat.objects.create(hostname="worker@test", seen_at=timezone.now())  # written by the worker itself
    return {"epic": epic, "feature": feature, "story": story, "team": team}


def test_every_lodestar_model_has_an_admin():
    registered = {
        m for m in admin.site._registry if m._meta.app_label in {"portfolio", "okrs", "backlog", "governance"}
    }
    assert registered == set(MODELS)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelist_search_and_change_page_render_for_a_superuser(site, world, model):
    assert site.get(_url(model, "changelist")).status_code == 200
    if admin.site._registry[model].search_fields:
        assert site.get(_url(model, "changelist"), {"q": "a"}).status_code == 200
    obj = model._default_manager.first()
    assert obj is not None, f"the world fixture should hold a {model.__name__}"
    assert site.get(_url(model, "change", obj.pk)).status_code == 200


def test_the_story_changelist_costs_the_same_queries_for_3_or_30_stories(site, world, po):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert site.get(_url(Story, "changelist")).status_code == 200
        return len(ctx)

    few = queries()
    for _ in range(27):
        builders.story(po, world["feature"], team=world["team"])
    assert queries() == few


@pytest.mark.parametrize("model", HISTORY, ids=lambda m: m.__name__)
def test_history_cannot_be_added_changed_or_deleted_in_the_admin(site, world, model, operator, rf):
    model_admin = admin.site._registry[model]
    request = rf.get("/")
    request.user = operator
    obj = model._default_manager.first()
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, obj)
    assert not model_admin.has_delete_permission(request, obj)
    assert site.get(_url(model, "add")).status_code == 403
    assert site.post(_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403


def test_the_audit_event_admin_shows_an_event_read_only_and_offers_no_actions(site, world):
    event = AuditEvent.objects.latest("id")
    page = site.get(_url(AuditEvent, "change", event.pk)).content.decode()
    assert event.action in page
    assert 'name="_save"' not in page
    changelist = site.get(_url(AuditEvent, "changelist")).content.decode()
    assert "action-select" not in changelist
    response = site.post(_url(AuditEvent, "change", event.pk), {"action": "tampered"})
    assert response.status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).action == event.action


@pytest.mark.parametrize("model", BORN_IN_SERVICES, ids=lambda m: m.__name__)
def test_work_items_and_their_records_are_not_added_in_the_admin(site, world, model):
    assert site.get(_url(model, "add")).status_code == 403


def _form_data(site_admin: Any, request: Any, obj: Any) -> dict[str, Any]:
    form = site_admin.get_form(request, obj, change=True)(instance=obj)
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        else:
            data[name] = "" if value is None else str(value)
    return data


def test_an_admin_edit_is_audited_and_asks_for_a_recompute(site, world, operator, rf):
    story = world["story"]
    request = rf.get("/")
    request.user = operator
    data = _form_data(admin.site._registry[Story], request, story)
    data.update(business_value="13", title="Renamed in admin")
    RecomputeRequest.objects.update(processed_at=timezone.now())

    response = site.post(_url(Story, "change", story.pk), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    story.refresh_from_db()
    assert (story.business_value, story.title) == (13, "Renamed in admin")
    assert story.governance.subject_title == "Renamed in admin"
    event = AuditEvent.objects.get(action="backlog.story.admin_updated", object_id=str(story.pk))
    assert event.actor_name == "operator" and event.portfolio_id == story.portfolio_id
    assert event.before["business_value"] == 5 and event.after["business_value"] == 13
    assert RecomputeRequest.objects.filter(portfolio_id=story.portfolio_id, processed_at__isnull=True).exists()


def test_an_admin_edit_cannot_link_an_item_of_another_portfolio(site, world, operator, rf, outsider, other):
    foreign_team = team_create(actor=outsider, portfolio=other, name="Claims")
    story = world["story"]
    request = rf.get("/")
    request.user = operator
    data = _form_data(admin.site._registry[Story], request, story)
    data["team"] = str(foreign_team.pk)

    response = site.post(_url(Story, "change", story.pk), data)

    assert response.status_code == 200
    assert "Choose an item of this portfolio." in response.content.decode()
    story.refresh_from_db()
    assert story.team_id == world["team"].pk
