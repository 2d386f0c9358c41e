from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from governance.models import AuditEvent, GovernanceRecord, RecordStatus
from governance.services import approval_record, governance_record_update
from portfolio.models import Epic, EpicState, EpicTransition, RecomputeRequest, WipPolicy
from portfolio.services import epic_move, epic_update, portfolio_update
from tests import builders


def test_epic_create_writes_record_audit_transition_and_recompute_request(bank, po):
    epic = builders.epic(po, bank, title="Instant KYC")
    assert epic.governance.portfolio_id == bank.id
    assert epic.governance.subject_kind == "epic"
    assert epic.cost_of_delay == 10 and epic.wsjf == pytest.approx(10 / 3)
    assert EpicTransition.objects.filter(epic=epic, to_state=EpicState.FUNNEL).count() == 1
    assert AuditEvent.objects.filter(action="portfolio.epic.created", object_id=str(epic.id), actor_id=po.id).exists()
    assert RecomputeRequest.objects.filter(portfolio=bank, processed_at__isnull=True).exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("business_value", 4), ("job_size", 0), ("time_criticality", 21), ("risk_reduction", 40)],
)
def test_off_scale_wsjf_input_is_a_field_error_and_changes_nothing(bank, po, field, value):
    before = (Epic.objects.count(), GovernanceRecord.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationFailed) as exc:
        builders.epic(po, bank, **{field: value})
    assert field in exc.value.fields
    assert (Epic.objects.count(), GovernanceRecord.objects.count(), AuditEvent.objects.count()) == before


def test_blank_title_is_refused(bank, po):
    with pytest.raises(ValidationFailed) as exc:
        builders.epic(po, bank, title="   ")
    assert "title" in exc.value.fields


def test_database_refuses_off_scale_wsjf_even_without_the_service(bank, po):
    epic = builders.epic(po, bank)
    with pytest.raises(IntegrityError), transaction.atomic():
        Epic.objects.filter(pk=epic.pk).update(job_size=4)


def test_every_item_must_have_a_governance_record(bank, po):
    epic = builders.epic(po, bank)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE portfolio_epic SET governance_id = NULL WHERE id = %s", [epic.id])


def test_viewer_cannot_propose_an_epic(bank, viewer):
    with pytest.raises(PermissionDenied):
        builders.epic(viewer, bank)


def test_outsider_gets_not_found_not_forbidden(bank, outsider):
    with pytest.raises(NotFound):
        builders.epic(outsider, bank)


def test_epic_update_is_narrow_and_audited_with_before_and_after(bank, po):
    epic = builders.epic(po, bank, title="Old title")
    epic_update(actor=po, epic=epic, data={"title": "New title", "job_size": 8})
    event = AuditEvent.objects.filter(action="portfolio.epic.updated").latest("id")
    assert event.before == {"title": "Old title", "job_size": 3}
    assert event.after == {"title": "New title", "job_size": 8}
    epic.governance.refresh_from_db()
    assert epic.governance.subject_title == "New title"


def test_linking_a_key_result_of_another_portfolio_is_refused(bank, po, cpo, other, outsider):
    foreign_kr = builders.key_result(outsider, builders.objective(outsider, other))
    with pytest.raises(ValidationFailed) as exc:
        builders.epic(po, bank, key_results=[foreign_kr])
    assert "key_results" in exc.value.fields


def _to_analyzing(epic, cpo):
    epic_move(actor=cpo, epic=epic, to_state=EpicState.REVIEWING)
    epic_move(actor=cpo, epic=epic, to_state=EpicState.ANALYZING)


def test_move_beyond_hard_wip_limit_is_refused(bank, cpo):
    portfolio_update(actor=cpo, portfolio=bank, data={"wip_limit_reviewing": 1})
    first, second = builders.epic(cpo, bank), builders.epic(cpo, bank)
    epic_move(actor=cpo, epic=first, to_state=EpicState.REVIEWING)
    with pytest.raises(Conflict) as exc:
        epic_move(actor=cpo, epic=second, to_state=EpicState.REVIEWING)
    assert exc.value.code == "wip_limit"
    second.refresh_from_db()
    assert second.state == EpicState.FUNNEL


def test_move_beyond_soft_wip_limit_is_allowed_and_flagged(bank, cpo):
    portfolio_update(actor=cpo, portfolio=bank, data={"wip_limit_reviewing": 1, "wip_policy": WipPolicy.SOFT})
    first, second = builders.epic(cpo, bank), builders.epic(cpo, bank)
    epic_move(actor=cpo, epic=first, to_state=EpicState.REVIEWING)
    transition = epic_move(actor=cpo, epic=second, to_state=EpicState.REVIEWING)
    assert transition.wip_exceeded is True


def test_moves_skip_no_column(bank, cpo):
    epic = builders.epic(cpo, bank)
    with pytest.raises(Conflict):
        epic_move(actor=cpo, epic=epic, to_state=EpicState.READY)


def test_product_owner_cannot_move_epics(bank, po):
    epic = builders.epic(po, bank)
    with pytest.raises(PermissionDenied):
        epic_move(actor=po, epic=epic, to_state=EpicState.REVIEWING)


def test_ready_needs_business_case_and_assessed_record(bank, cpo, compliance):
    epic = builders.epic(cpo, bank)
    _to_analyzing(epic, cpo)
    with pytest.raises(Conflict, match="business case"):
        epic_move(actor=cpo, epic=epic, to_state=EpicState.READY)
    epic_update(
        actor=cpo,
        epic=epic,
        data={"hypothesis": "For applicants…", "mvp_definition": "Pilot in one region", "cost_estimate": 120000},
    )
    with pytest.raises(Conflict, match="governance"):
        epic_move(actor=cpo, epic=epic, to_state=EpicState.READY)
    governance_record_update(
        actor=compliance,
        record=epic.governance,
        data={"status": RecordStatus.ASSESSED, "inherent_likelihood": 3, "inherent_impact": 4},
    )
    epic_move(actor=cpo, epic=epic, to_state=EpicState.READY)
    epic.refresh_from_db()
    assert epic.state == EpicState.READY


def test_ai_epic_needs_go_and_compliance_approval_to_implement(bank, cpo, compliance):
    epic = builders.epic(cpo, bank, hypothesis="h", mvp_definition="m", cost_estimate=1)
    governance_record_update(
        actor=compliance,
        record=epic.governance,
        data={
            "status": RecordStatus.ASSESSED,
            "inherent_likelihood": 4,
            "inherent_impact": 5,
            "uses_ai": True,
            "ai_act_tier": "high",
        },
    )
    _to_analyzing(epic, cpo)
    epic_move(actor=cpo, epic=epic, to_state=EpicState.READY)
    with pytest.raises(Conflict, match="Go"):
        epic_move(actor=cpo, epic=epic, to_state=EpicState.IMPLEMENTING_MVP)
    approval_record(actor=cpo, record=epic.governance, gate="go_no_go", decision="go", rationale="Fits capacity")
    with pytest.raises(Conflict, match="compliance"):
        epic_move(actor=cpo, epic=epic, to_state=EpicState.IMPLEMENTING_MVP)
    with pytest.raises(PermissionDenied):
        approval_record(actor=cpo, record=epic.governance, gate="compliance", decision="go", rationale="x")
    approval_record(
        actor=compliance,
        record=epic.governance,
        gate="compliance",
        decision="go",
        rationale="Bias review and model validation done",
    )
    epic_move(actor=cpo, epic=epic, to_state=EpicState.IMPLEMENTING_MVP)


def test_done_epic_records_its_outcome(bank, cpo):
    epic = builders.epic(cpo, bank)
    epic_move(actor=cpo, epic=epic, to_state=EpicState.DONE, outcome="no_go")
    epic.refresh_from_db()
    assert (epic.state, epic.outcome) == (EpicState.DONE, "no_go")


def test_owner_must_be_a_member_of_the_portfolio(bank, po, outsider):
    with pytest.raises(ValidationFailed) as exc:
        builders.epic(po, bank, owner=outsider)
    assert "owner" in exc.value.fields


def test_fair_inputs_are_validated_by_the_service(bank, po, compliance):
    epic = builders.epic(po, bank)
    with pytest.raises(ValidationFailed) as exc:
        governance_record_update(
            actor=compliance,
            record=epic.governance,
            data={"fair_inputs": {"vulnerability": [0.1, 0.5, 1.5], "tef": [3, 2, 1]}},
        )
    assert len(exc.value.fields["fair_inputs"]) == 2
    governance_record_update(
        actor=compliance,
        record=epic.governance,
        data={"fair_inputs": {"tef": [0.5, 2, 6], "vulnerability": [0.1, 0.25, 0.5]}},
    )
    epic.governance.refresh_from_db()
    assert epic.governance.fair_inputs["tef"] == [0.5, 2, 6]
