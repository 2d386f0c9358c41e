"""The whole hierarchy through the API: objective → key result → epic → feature → story."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User

from backlog.models import Feature, Story
from governance.models import AuditEvent, GovernanceRecord
from okrs.models import CheckIn, KeyResult, Objective
from portfolio.models import Epic, EpicState, Portfolio

WSJF = {"business_value": 8, "time_criticality": 5, "risk_reduction": 3, "job_size": 2}


def test_cpo_builds_the_whole_hierarchy_through_the_api(api: Any, bank: Portfolio, cpo: User) -> None:
    client = api(cpo)

    r = client.post(
        "/api/v1/objectives/",
        {
            "portfolio": str(bank.id),
            "title": "Grow digital sales",
            "period_start": "2026-10-01",
            "period_end": "2026-12-31",
        },
        format="json",
    )
    assert r.status_code == 201, r.json()
    objective = Objective.objects.get(pk=r.json()["id"])
    assert objective.portfolio == bank and r.json()["governance"] == str(objective.governance_id)
    assert r.json()["progress"] is None and r.json()["band"] == "none"

    r = client.post(
        "/api/v1/key-results/",
        {"objective": str(objective.id), "title": "Sign-ups to 40k", "start_value": "0", "target_value": "40000"},
        format="json",
    )
    assert r.status_code == 201, r.json()
    kr = KeyResult.objects.get(pk=r.json()["id"])
    assert kr.portfolio_id == bank.id and kr.target_value == Decimal(40000)

    r = client.post(
        "/api/v1/epics/",
        {"portfolio": str(bank.id), "title": "Instant loans", "key_results": [str(kr.id)], **WSJF},
        format="json",
    )
    assert r.status_code == 201, r.json()
    epic = Epic.objects.get(pk=r.json()["id"])
    assert list(epic.key_results.all()) == [kr]
    assert r.json()["cost_of_delay"] == 16 and r.json()["wsjf"] == 8.0 and r.json()["state"] == EpicState.FUNNEL
    assert r.json()["rank"] is None  # ranks come from the worker

    r = client.post(
        "/api/v1/features/",
        {"portfolio": str(bank.id), "epic": str(epic.id), "title": "Credit check", "work_type": "compliance", **WSJF},
        format="json",
    )
    assert r.status_code == 201, r.json()
    feature = Feature.objects.get(pk=r.json()["id"])
    assert feature.epic == epic and feature.work_type == "compliance" and feature.wsjf == 8.0

    r = client.post(
        "/api/v1/stories/",
        {"feature": str(feature.id), "title": "Call the bureau", "points": 5, **WSJF},
        format="json",
    )
    assert r.status_code == 201, r.json()
    story = Story.objects.get(pk=r.json()["id"])
    assert story.feature == feature and story.portfolio_id == bank.id and story.points == 5
    assert r.json()["epic"] == str(epic.id) and r.json()["portfolio"] == str(bank.id)

    # every item got its own governance record, and every write its audit event
    assert GovernanceRecord.objects.filter(portfolio=bank).count() == 5
    assert {"okrs.objective.created", "okrs.key_result.created", "portfolio.epic.created"} <= set(
        AuditEvent.objects.filter(portfolio_id=bank.id).values_list("action", flat=True)
    )

    # and reads it back, filtered down the tree
    assert client.get(f"/api/v1/key-results/?objective={objective.id}").json()["results"][0]["id"] == str(kr.id)
    assert client.get(f"/api/v1/epics/?key_result={kr.id}").json()["results"][0]["id"] == str(epic.id)
    assert client.get(f"/api/v1/features/?epic={epic.id}").json()["results"][0]["id"] == str(feature.id)
    assert client.get(f"/api/v1/stories/?epic={epic.id}").json()["results"][0]["id"] == str(story.id)


def test_check_in_moves_the_key_result_and_keeps_history(api: Any, tree: Any, po: User) -> None:
    kr = tree.key_result
    r = api(po).post(f"/api/v1/key-results/{kr.id}/check-in/", {"value": "30000", "confidence": "0.8"}, format="json")
    assert r.status_code == 201, r.json()
    kr.refresh_from_db()
    assert kr.current_value == Decimal(30000) and kr.confidence == Decimal("0.80")
    assert CheckIn.objects.filter(key_result=kr).count() == 2

    body = api(po).get(f"/api/v1/key-results/{kr.id}/").json()
    assert body["progress"] == 0.75 and body["band"] == "green"
    history = api(po).get(f"/api/v1/check-ins/?key_result={kr.id}").json()["results"]
    assert [h["value"] for h in history] == ["30000.00", "10000.00"]
    objective = api(po).get(f"/api/v1/objectives/{tree.objective.id}/").json()
    assert objective["progress"] == 0.75 and objective["band"] == "green"


def test_po_edits_a_feature_and_a_story(api: Any, tree: Any, po: User) -> None:
    r = api(po).patch(f"/api/v1/features/{tree.feature.id}/", {"job_size": 1, "state": "implementing"}, format="json")
    assert r.status_code == 200, r.json()
    tree.feature.refresh_from_db()
    assert tree.feature.job_size == 1 and tree.feature.state == "implementing"
    assert tree.feature.started_at is not None and r.json()["wsjf"] == 10.0

    r = api(po).patch(f"/api/v1/stories/{tree.story.id}/", {"state": "done", "team": None}, format="json")
    assert r.status_code == 200, r.json()
    tree.story.refresh_from_db()
    assert tree.story.state == "done" and tree.story.done_at is not None and tree.story.team is None


def test_put_takes_back_what_get_returned(api: Any, tree: Any, cpo: User) -> None:
    """A client may PUT the body it read (read-only keys included), with one field changed."""
    client = api(cpo)
    for url in (
        f"/api/v1/epics/{tree.epic.id}/",
        f"/api/v1/features/{tree.feature.id}/",
        f"/api/v1/stories/{tree.story.id}/",
        f"/api/v1/objectives/{tree.objective.id}/",
        f"/api/v1/key-results/{tree.key_result.id}/",
    ):
        body = client.get(url).json()
        body["title"] = body["title"] + " (v2)"
        r = client.put(url, body, format="json")
        assert r.status_code == 200, (url, r.json())
        assert r.json()["title"].endswith("(v2)")
    tree.epic.refresh_from_db()
    assert tree.epic.title == "Instant loans (v2)" and list(tree.epic.key_results.all()) == [tree.key_result]


def test_cpo_moves_an_epic_along_the_kanban(api: Any, tree: Any, cpo: User) -> None:
    r = api(cpo).post(f"/api/v1/epics/{tree.epic.id}/move/", {"to_state": "reviewing"}, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["transition"]["to_state"] == "reviewing" and r.json()["epic"]["state"] == "reviewing"
    tree.epic.refresh_from_db()
    assert tree.epic.state == "reviewing"

    r = api(cpo).post(f"/api/v1/epics/{tree.epic.id}/move/", {"to_state": "ready"}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "invalid_transition"
    r = api(cpo).post(f"/api/v1/epics/{tree.epic.id}/move/", {"to_state": "done", "outcome": "no_go"}, format="json")
    assert r.status_code == 200 and r.json()["epic"]["outcome"] == "no_go"


def test_compliance_officer_edits_a_governance_record(api: Any, tree: Any, compliance: User) -> None:
    record = tree.feature.governance
    r = api(compliance).patch(
        f"/api/v1/governance-records/{record.id}/",
        {
            "status": "assessed",
            "inherent_likelihood": 4,
            "inherent_impact": 3,
            "uses_ai": True,
            "ai_act_tier": "high",
            "requirements": [str(tree.requirement.id)],
            "reviewer": "compliance",
            "fair_inputs": {"tef": [1, 2, 5], "vulnerability": [0.1, 0.2, 0.4]},
        },
        format="json",
    )
    assert r.status_code == 200, r.json()
    record.refresh_from_db()
    assert record.is_assessed and record.inherent_score == 12 and record.ai_act_tier == "high"
    assert list(record.requirements.all()) == [tree.requirement] and record.reviewer == compliance
    assert r.json()["inherent_score"] == 12 and r.json()["is_assessed"] is True


def test_approvals_are_recorded_and_listed(api: Any, tree: Any, compliance: User) -> None:
    record = tree.epic.governance
    r = api(compliance).post(
        "/api/v1/approvals/",
        {"record": str(record.id), "gate": "compliance", "decision": "go", "rationale": "Controls mapped."},
        format="json",
    )
    assert r.status_code == 201, r.json()
    assert r.json()["by"] == "compliance" and r.json()["portfolio"] == str(tree.portfolio.id)
    record.refresh_from_db()
    assert record.status == "approved"
    listed = api(compliance).get(f"/api/v1/approvals/?record={record.id}&gate=compliance").json()["results"]
    assert [a["id"] for a in listed] == [r.json()["id"]]


def test_admin_manages_memberships_by_username(api: Any, bank: Portfolio, admin: User) -> None:
    newcomer = User.objects.create_user("newcomer")
    client = api(admin)
    r = client.post("/api/v1/memberships/", {"portfolio": str(bank.id), "user": "newcomer", "role": "viewer"})
    assert r.status_code == 201, r.json()
    r = client.patch(f"/api/v1/memberships/{r.json()['id']}/", {"role": "product_owner"}, format="json")
    assert r.status_code == 200 and newcomer.memberships.get().role == "product_owner"
    assert client.delete(f"/api/v1/memberships/{r.json()['id']}/").status_code == 204
    assert not newcomer.memberships.exists()


def test_anyone_signed_in_creates_a_portfolio_and_becomes_its_admin(api: Any, outsider: User) -> None:
    r = api(outsider).post("/api/v1/portfolios/", {"name": "Cards", "slug": "cards", "wip_policy": "soft"})
    assert r.status_code == 201, r.json()
    assert r.json()["my_role"] == "admin"
    assert Portfolio.objects.get(slug="cards").memberships.get().user == outsider
    r = api(outsider).patch(f"/api/v1/portfolios/{r.json()['id']}/", {"slug": "other"}, format="json")
    assert r.status_code == 400 and "slug" in r.json()["fields"]


def test_catalog_and_audit_trail_are_readable(api: Any, tree: Any, viewer: User) -> None:
    client = api(viewer)
    assert str(tree.framework.id) in {f["id"] for f in client.get("/api/v1/frameworks/").json()["results"]}
    reqs = client.get(f"/api/v1/requirements/?framework={tree.framework.id}&page_size=500").json()["results"]
    assert str(tree.requirement.id) in {r["id"] for r in reqs}
    events = client.get(f"/api/v1/audit-events/?portfolio={tree.portfolio.id}&action=portfolio.epic.created")
    assert [e["object_id"] for e in events.json()["results"]] == [str(tree.epic.id)]


def test_unauthenticated_requests_are_refused(api: Any, tree: Any) -> None:
    assert api(None).get("/api/v1/epics/").status_code in (401, 403)
