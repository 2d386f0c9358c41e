"""``manage.py load_demo``: a believable, complete demo built through the services, loaded once only.

The demo is loaded once for this module inside a transaction that is rolled back afterwards;
each test runs in its own savepoint within it.
"""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from backlog.models import Feature, Iteration, Story, Team, WorkType
from governance.models import AuditEvent, Gate, GovernanceRecord
from okrs.models import CheckIn, KeyResult, KRKind, Objective
from portfolio.demo import demo_counts
from portfolio.demo_data import CONTOSO_SLUG, DEMO_PASSWORD, NORTHWIND_SLUG
from portfolio.models import Epic, EpicState, EpicTransition, Membership, Portfolio, Role


@pytest.fixture(scope="module")
def demo_output(django_db_setup: Any, django_db_blocker: Any) -> Any:
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        call_command("load_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def northwind(demo_output: str, db: Any) -> Portfolio:
    return Portfolio.objects.get(slug=NORTHWIND_SLUG)


def test_the_command_prints_every_login_with_the_password(demo_output):
    assert f"password for all: {DEMO_PASSWORD}" in demo_output
    for username in ("admin", "cpo", "po", "compliance", "viewer", "outsider"):
        assert f"  {username} " in demo_output
    assert "Northwind Bank — Digital Onboarding [northwind] – created" in demo_output


def test_okrs_cover_the_quarter_with_every_key_result_kind_and_a_check_in_history(northwind):
    objectives = Objective.objects.filter(portfolio=northwind)
    assert objectives.count() == 3
    today = timezone.localdate()
    assert all(o.period_start <= today <= o.period_end for o in objectives)
    krs = KeyResult.objects.filter(portfolio=northwind)
    assert krs.count() == 8
    assert set(krs.values_list("kind", flat=True)) == set(KRKind.values)
    for kr in krs:
        check_ins = list(CheckIn.objects.filter(key_result=kr).order_by("at"))
        assert len(check_ins) >= 2
        assert len({c.at.date() for c in check_ins}) == len(check_ins), "check-ins are spread over time"
        assert (kr.current_value, kr.confidence) == (check_ins[-1].value, check_ins[-1].confidence)


def test_twelve_epics_fill_every_kanban_state_within_the_wip_limits(northwind):
    epics = Epic.objects.filter(portfolio=northwind)
    assert epics.count() == 12
    assert set(epics.values_list("state", flat=True)) == set(EpicState.values)
    assert set(epics.filter(state=EpicState.DONE).values_list("outcome", flat=True)) == {"completed", "no_go"}
    assert epics.filter(state=EpicState.REVIEWING).count() <= northwind.wip_limit_reviewing
    assert epics.filter(state=EpicState.ANALYZING).count() <= northwind.wip_limit_analyzing
    implementing = epics.filter(state__in=[EpicState.IMPLEMENTING_MVP, EpicState.IMPLEMENTING_PERSEVERE])
    assert implementing.count() <= northwind.wip_limit_implementing
    assert not EpicTransition.objects.filter(portfolio=northwind, wip_exceeded=True).exists()
    assert epics.filter(key_results__isnull=True).count() == 2, "two unaligned epics for the traceability page"


def test_every_move_went_through_the_services_with_its_gates(northwind):
    moves = EpicTransition.objects.filter(portfolio=northwind).exclude(from_state="")
    assert AuditEvent.objects.filter(portfolio_id=northwind.id, action="portfolio.epic.moved").count() == moves.count()
    for epic in Epic.objects.filter(portfolio=northwind, state__in=["implementing_mvp", "implementing_persevere"]):
        record = epic.governance
        assert record.is_assessed and epic.has_business_case
        assert record.approvals.filter(gate=Gate.GO_NO_GO, decision="go", by__username="cpo").exists()
        if record.uses_ai:
            assert record.approvals.filter(gate=Gate.COMPLIANCE, decision="go", by__username="compliance").exists()
    no_go = Epic.objects.get(portfolio=northwind, outcome="no_go")
    assert no_go.governance.approvals.filter(gate=Gate.GO_NO_GO, decision="no_go").exists()


def test_the_ai_credit_scoring_epic_carries_a_full_high_risk_governance_record(northwind):
    (epic,) = Epic.objects.filter(portfolio=northwind, governance__ai_act_tier="high")
    record = epic.governance
    assert "credit" in epic.title.lower()
    assert record.uses_ai and record.bias_review_done and record.review_due > timezone.localdate()
    assert record.inherent_score > record.residual_score
    assert set(record.fair_inputs) == {"tef", "vulnerability", "primary_loss", "slef", "slem"}
    assert all(lo <= mode <= hi for lo, mode, hi in record.fair_inputs.values())
    refs = set(record.requirements.values_list("framework__code", "ref_id"))
    assert {("nist-ai-rmf", "MEASURE 2"), ("iso-42001", "A.5.4"), ("eu-ai-act", "Art. 14")} <= refs
    assert {code for code, _ in refs} == {"nist-ai-rmf", "iso-42001", "eu-ai-act"}
    assert record.approvals.filter(gate=Gate.COMPLIANCE, decision="go", by__username="compliance").exists()
    assert epic.state == EpicState.IMPLEMENTING_MVP


def test_the_backlog_is_realistic_in_size_kind_and_state(northwind):
    features = Feature.objects.filter(portfolio=northwind)
    stories = Story.objects.filter(portfolio=northwind)
    assert 35 <= features.count() <= 45
    assert 180 <= stories.count() <= 230
    assert features.filter(epic__isnull=True).count() >= 2
    assert set(features.values_list("work_type", flat=True)) == set(WorkType.values)
    assert set(stories.values_list("state", flat=True)) == {"todo", "in_progress", "done"}
    assert {0, 40, 100} <= set(stories.values_list("points", flat=True))
    assert Team.objects.filter(portfolio=northwind).count() == 5
    today = timezone.localdate()
    iterations = Iteration.objects.filter(portfolio=northwind)
    assert iterations.count() == 6
    assert iterations.filter(end_date__lt=today).exists() and iterations.filter(start_date__gt=today).exists()
    assert iterations.filter(start_date__lte=today, end_date__gte=today).count() == 1
    assert not stories.filter(state="done", iteration__start_date__gt=today).exists()


def test_demo_history_keeps_created_before_started_before_done(northwind):
    now = timezone.now()
    for model in (Feature, Story):
        rows = model.objects.filter(portfolio=northwind)
        assert not rows.filter(Q(started_at__lt=F("created_at")) | Q(done_at__lt=F("started_at"))).exists()
        assert not rows.filter(Q(done_at__gt=now) | Q(started_at__gt=now) | Q(created_at__gt=now)).exists()
        assert rows.filter(created_at__lt=now - timezone.timedelta(days=30)).exists(), "history is backdated"
    for epic in Epic.objects.filter(portfolio=northwind):
        times = list(epic.transitions.order_by("id").values_list("at", flat=True))
        assert times == sorted(times) and times[0] == epic.created_at


def test_every_item_has_its_governance_record_and_the_backlog_is_ranked(northwind):
    items = sum(m.objects.filter(portfolio=northwind).count() for m in (Objective, KeyResult, Epic, Feature, Story))
    assert GovernanceRecord.objects.filter(portfolio=northwind).count() == items
    assert not Epic.objects.filter(portfolio=northwind, rank__isnull=True).exclude(state="done").exists()
    assert not Feature.objects.filter(portfolio=northwind, rank__isnull=True).exclude(state="done").exists()
    open_stories = Story.objects.filter(portfolio=northwind).exclude(state="done")
    assert not open_stories.filter(Q(rank_in_feature__isnull=True) | Q(rank_in_team__isnull=True)).exists()
    assert northwind.scores_computed_at is not None
    ranks = list(Epic.objects.filter(portfolio=northwind).exclude(state="done").values_list("rank", flat=True))
    assert sorted(ranks) == list(range(1, len(ranks) + 1))


def test_logins_have_their_roles_and_the_outsider_sees_only_contoso(northwind):
    roles = dict(Membership.objects.filter(portfolio=northwind).values_list("user__username", "role"))
    assert roles == {
        "admin": Role.ADMIN,
        "cpo": Role.CPO,
        "po": Role.PRODUCT_OWNER,
        "compliance": Role.COMPLIANCE,
        "viewer": Role.VIEWER,
    }
    assert User.objects.get(username="admin").is_superuser
    outsider = User.objects.get(username="outsider")
    assert list(Membership.objects.filter(user=outsider).values_list("portfolio__slug", "role")) == [
        (CONTOSO_SLUG, Role.ADMIN)
    ]
    assert all(u.check_password(DEMO_PASSWORD) for u in User.objects.filter(username__in=[*roles, "outsider"]))
    contoso = Portfolio.objects.get(slug=CONTOSO_SLUG)
    assert Epic.objects.filter(portfolio=contoso).count() >= 2 and Feature.objects.filter(portfolio=contoso).exists()


def test_a_second_run_duplicates_nothing(northwind):
    contoso = Portfolio.objects.get(slug=CONTOSO_SLUG)
    before = (demo_counts(northwind), demo_counts(contoso), User.objects.count(), AuditEvent.objects.count())
    out = StringIO()

    call_command("load_demo", stdout=out)

    assert "demo data already present" in out.getvalue()
    after = (demo_counts(northwind), demo_counts(contoso), User.objects.count(), AuditEvent.objects.count())
    assert after == before
    assert Portfolio.objects.count() == 2
