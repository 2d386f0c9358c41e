"""Bad input is a 400 with field errors and changes nothing; no request is a 500."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.contrib.auth.models import User

from backlog.models import Feature
from governance.models import AuditEvent, GovernanceRecord
from tests import builders


def _feature(tree: Any, **overrides: Any) -> dict[str, Any]:
    return {"portfolio": str(tree.portfolio.id), "title": "Credit limits", **builders.WSJF, **overrides}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"job_size": 4}, "job_size"),
        ({"business_value": 21}, "business_value"),
        ({"time_criticality": "lots"}, "time_criticality"),
        ({"risk_reduction": None}, "risk_reduction"),
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"epic": str(uuid.uuid4())}, "epic"),
        ({"epic": "not-a-uuid"}, "epic"),
        ({"epic": 12}, "epic"),
        ({"team": ["a"]}, "team"),
        ({"portfolio": "garbage"}, "portfolio"),
        ({"state": "shipped"}, "state"),
        ({"cod_per_week": "-5"}, "cod_per_week"),
        ({"cod_per_week": "NaN"}, "cod_per_week"),
        ({"duration_weeks": "0"}, "duration_weeks"),
        ({"colour": "red"}, "colour"),
        ({"rank": 1, "wsjf_score": 99}, "wsjf_score"),
    ],
)
def test_bad_feature_input_is_a_400_with_field_errors(
    api: Any, tree: Any, po: User, overrides: dict[str, Any], field: str
) -> None:
    features, events = Feature.objects.count(), AuditEvent.objects.count()
    r = api(po).post("/api/v1/features/", _feature(tree, **overrides), format="json")
    assert r.status_code == 400, r.content
    assert field in r.json()["fields"], r.json()
    assert Feature.objects.count() == features and AuditEvent.objects.count() == events


def test_missing_fields_are_named(api: Any, tree: Any, po: User) -> None:
    r = api(po).post("/api/v1/features/", {"portfolio": str(tree.portfolio.id)}, format="json")
    assert r.status_code == 400
    assert {"title", "business_value", "time_criticality", "risk_reduction", "job_size"} <= set(r.json()["fields"])


def test_off_scale_wsjf_update_changes_nothing(api: Any, tree: Any, po: User) -> None:
    for url in (
        f"/api/v1/features/{tree.feature.id}/",
        f"/api/v1/stories/{tree.story.id}/",
        f"/api/v1/epics/{tree.epic.id}/",
    ):
        r = api(po).patch(url, {"job_size": 4, "title": "Renamed"}, format="json")
        assert r.status_code == 400 and "job_size" in r.json()["fields"], url
    for item in (tree.feature, tree.story, tree.epic):
        item.refresh_from_db()
        assert item.job_size == builders.WSJF["job_size"] and item.title != "Renamed"


def test_foreign_uuid_on_update_is_a_field_error(api: Any, tree: Any, cpo: User, outsider: User, other: Any) -> None:
    theirs = builders.epic(outsider, other)
    their_kr = builders.key_result(outsider, builders.objective(outsider, other))
    r = api(cpo).patch(f"/api/v1/stories/{tree.story.id}/", {"feature": str(uuid.uuid4())}, format="json")
    assert r.status_code == 400 and set(r.json()["fields"]) == {"feature"}
    r = api(cpo).patch(f"/api/v1/features/{tree.feature.id}/", {"epic": str(theirs.id)}, format="json")
    assert r.status_code == 400 and set(r.json()["fields"]) == {"epic"}
    r = api(cpo).patch(f"/api/v1/epics/{tree.epic.id}/", {"key_results": [str(their_kr.id)]}, format="json")
    assert r.status_code == 400 and set(r.json()["fields"]) == {"key_results"}
    r = api(cpo).patch(f"/api/v1/epics/{tree.epic.id}/", {"owner": "outsider"}, format="json")
    assert r.status_code == 400 and set(r.json()["fields"]) == {"owner"}
    tree.epic.refresh_from_db()
    assert list(tree.epic.key_results.all()) == [tree.key_result] and tree.epic.owner is None


def test_create_only_fields_cannot_move_an_item_elsewhere(api: Any, tree: Any, admin: User, other: Any) -> None:
    r = api(admin).patch(f"/api/v1/epics/{tree.epic.id}/", {"portfolio": str(other.id)}, format="json")
    assert r.status_code == 400 and "portfolio" in r.json()["fields"]
    r = api(admin).patch(f"/api/v1/key-results/{tree.key_result.id}/", {"current_value": "5"}, format="json")
    assert r.status_code == 400 and "current_value" in r.json()["fields"]


def test_governance_record_rules_are_field_errors(api: Any, tree: Any, compliance: User) -> None:
    url = f"/api/v1/governance-records/{tree.story.governance_id}/"
    cases = [
        ({"inherent_likelihood": 6, "inherent_impact": 2}, "inherent_likelihood"),
        ({"ai_act_tier": "high", "uses_ai": False}, "ai_act_tier"),
        ({"fair_inputs": {"tef": [5, 2, 1]}}, "fair_inputs"),
        ({"fair_inputs": {"evil": "\u0000"}}, "fair_inputs"),
        ({"fair_inputs": [1, 2]}, "fair_inputs"),
        ({"requirements": ["nope"]}, "requirements"),
        ({"reviewer": "nobody"}, "reviewer"),
        ({"subject_title": "x", "portfolio_id": "y"}, "portfolio_id"),
    ]
    for body, field in cases:
        r = api(compliance).patch(url, body, format="json")
        assert r.status_code == 400, (body, r.content)
        assert field in r.json()["fields"], (body, r.json())
    record = GovernanceRecord.objects.get(pk=tree.story.governance_id)
    assert record.inherent_likelihood is None and record.ai_act_tier == "" and record.fair_inputs == {}


def test_pair_rule_violation_is_a_400_not_a_500(api: Any, tree: Any, compliance: User) -> None:
    r = api(compliance).patch(
        f"/api/v1/governance-records/{tree.story.governance_id}/", {"inherent_likelihood": 3}, format="json"
    )
    assert r.status_code == 400 and r.json()["code"] == "invalid"


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("get", "/api/v1/epics/not-a-uuid/", None),
        ("patch", "/api/v1/features/not-a-uuid/", {"title": "x"}),
        ("post", "/api/v1/epics/not-a-uuid/move/", {"to_state": "done"}),
        ("get", "/api/v1/audit-events/abc/", None),
        ("get", "/api/v1/frameworks/123/", None),
        ("get", f"/api/v1/stories/{uuid.uuid4()}/", None),
        ("get", "/api/v1/epics/?cursor=garbage", None),
    ],
)
def test_garbage_in_the_url_is_a_404(api: Any, tree: Any, admin: User, method: str, url: str, body: Any) -> None:
    assert getattr(api(admin), method)(url, body, format="json").status_code == 404


@pytest.mark.parametrize(
    "query",
    ["portfolio=garbage", "state=shipped", "epic=1", "work_type=fun", "since=yesterday"],
)
def test_bad_filters_are_a_400(api: Any, tree: Any, admin: User, query: str) -> None:
    endpoint = "audit-events" if query.startswith("since") else "features"
    r = api(admin).get(f"/api/v1/{endpoint}/?{query}")
    assert r.status_code == 400 and r.json()["fields"], r.content


def test_odd_bodies_are_a_400(api: Any, tree: Any, admin: User) -> None:
    client = api(admin)
    url = f"/api/v1/epics/{tree.epic.id}/"
    assert client.patch(url, [1, 2], format="json").status_code == 400
    assert client.generic("PATCH", url, "{not json", content_type="application/json").status_code == 400
    assert client.patch(url, {"title": "a" * 201}, format="json").status_code == 400
    assert client.patch(url, {"title": "nul\u0000"}, format="json").status_code == 400
    assert client.patch(url, {"cost_estimate": "1e400"}, format="json").status_code == 400
    r = client.post(f"{url}move/", {"to_state": "shipped", "why": "x"}, format="json")
    assert r.status_code == 400 and set(r.json()["fields"]) == {"to_state", "why"}
    r = client.post(
        f"/api/v1/key-results/{tree.key_result.id}/check-in/", {"value": "x", "confidence": 2}, format="json"
    )
    assert r.status_code == 400 and set(r.json()["fields"]) == {"value", "confidence"}


def test_a_second_team_with_the_same_name_is_a_400(api: Any, tree: Any, po: User) -> None:
    r = api(po).post("/api/v1/teams/", {"portfolio": str(tree.portfolio.id), "name": tree.team.name}, format="json")
    assert r.status_code == 400, r.content


def test_iteration_dates_out_of_order_are_a_400(api: Any, tree: Any, po: User) -> None:
    r = api(po).post(
        "/api/v1/iterations/",
        {"portfolio": str(tree.portfolio.id), "name": "PI 2", "start_date": "2026-02-01", "end_date": "2026-01-01"},
        format="json",
    )
    assert r.status_code == 400, r.content
