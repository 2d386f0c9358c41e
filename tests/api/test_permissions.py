"""Roles inside the portfolio (DESIGN §5): 403 for a missing permission, read through the named cast."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User

from governance.models import AuditEvent
from tests import builders


def _writes(tree: Any) -> list[tuple[str, str, dict[str, Any]]]:
    pid = str(tree.portfolio.id)
    return [
        (
            "post",
            "/api/v1/objectives/",
            {"portfolio": pid, "title": "x", "period_start": "2026-01-01", "period_end": "2026-02-01"},
        ),
        ("patch", f"/api/v1/objectives/{tree.objective.id}/", {"title": "x"}),
        ("post", "/api/v1/key-results/", {"objective": str(tree.objective.id), "title": "x", "target_value": 5}),
        ("patch", f"/api/v1/key-results/{tree.key_result.id}/", {"title": "x"}),
        ("post", f"/api/v1/key-results/{tree.key_result.id}/check-in/", {"value": 1, "confidence": "0.5"}),
        ("post", "/api/v1/epics/", {"portfolio": pid, "title": "x", **builders.WSJF}),
        ("patch", f"/api/v1/epics/{tree.epic.id}/", {"title": "x"}),
        ("post", f"/api/v1/epics/{tree.epic.id}/move/", {"to_state": "reviewing"}),
        ("post", "/api/v1/features/", {"portfolio": pid, "title": "x", **builders.WSJF}),
        ("patch", f"/api/v1/features/{tree.feature.id}/", {"job_size": 13}),
        ("post", "/api/v1/stories/", {"feature": str(tree.feature.id), "title": "x", **builders.WSJF}),
        ("patch", f"/api/v1/stories/{tree.story.id}/", {"job_size": 13}),
        ("post", "/api/v1/teams/", {"portfolio": pid, "name": "Team Zed"}),
        (
            "post",
            "/api/v1/iterations/",
            {"portfolio": pid, "name": "PI 9", "start_date": "2027-01-01", "end_date": "2027-01-14"},
        ),
        ("post", "/api/v1/value-streams/", {"portfolio": pid, "name": "Cards"}),
        ("post", "/api/v1/themes/", {"portfolio": pid, "name": "Green"}),
        ("patch", f"/api/v1/governance-records/{tree.epic.governance_id}/", {"notes": "x"}),
        (
            "post",
            "/api/v1/approvals/",
            {"record": str(tree.epic.governance_id), "gate": "go_no_go", "decision": "go", "rationale": "y"},
        ),
        ("patch", f"/api/v1/portfolios/{pid}/", {"wip_limit_reviewing": 9}),
        ("post", "/api/v1/memberships/", {"portfolio": pid, "user": "outsider", "role": "viewer"}),
        ("patch", f"/api/v1/memberships/{tree.membership.id}/", {"role": "cpo"}),
        ("delete", f"/api/v1/memberships/{tree.membership.id}/", {}),
    ]


def test_viewer_gets_403_on_every_write(api: Any, tree: Any, viewer: User, outsider: User) -> None:
    client = api(viewer)
    events = AuditEvent.objects.count()
    for method, url, body in _writes(tree):
        r = getattr(client, method)(url, body, format="json")
        assert r.status_code == 403, (method, url, r.status_code, r.content)
        assert r.json()["code"] == "permission_denied"
    assert AuditEvent.objects.count() == events


def test_viewer_reads_everything_in_the_portfolio(api: Any, tree: Any, viewer: User) -> None:
    client = api(viewer)
    for url in (
        f"/api/v1/portfolios/{tree.portfolio.id}/",
        f"/api/v1/epics/{tree.epic.id}/",
        f"/api/v1/stories/{tree.story.id}/",
        f"/api/v1/governance-records/{tree.story.governance_id}/",
        f"/api/v1/memberships/{tree.membership.id}/",
    ):
        assert client.get(url).status_code == 200, url


def test_po_edits_backlog_but_cannot_move_epics_or_edit_okrs(api: Any, tree: Any, po: User) -> None:
    client = api(po)
    assert client.patch(f"/api/v1/features/{tree.feature.id}/", {"job_size": 13}, format="json").status_code == 200
    assert client.patch(f"/api/v1/stories/{tree.story.id}/", {"points": 8}, format="json").status_code == 200
    assert client.patch(f"/api/v1/epics/{tree.epic.id}/", {"hypothesis": "If…"}, format="json").status_code == 200
    r = client.post(f"/api/v1/epics/{tree.epic.id}/move/", {"to_state": "reviewing"}, format="json")
    assert r.status_code == 403
    assert client.patch(f"/api/v1/objectives/{tree.objective.id}/", {"title": "x"}, format="json").status_code == 403
    r = client.patch(f"/api/v1/governance-records/{tree.epic.governance_id}/", {"notes": "x"}, format="json")
    assert r.status_code == 403
    tree.epic.refresh_from_db()
    assert tree.epic.state == "funnel" and tree.epic.hypothesis == "If…"


def test_compliance_edits_governance_but_not_the_backlog(api: Any, tree: Any, compliance: User) -> None:
    client = api(compliance)
    r = client.patch(f"/api/v1/governance-records/{tree.story.governance_id}/", {"notes": "Checked."}, format="json")
    assert r.status_code == 200
    assert client.patch(f"/api/v1/features/{tree.feature.id}/", {"job_size": 13}, format="json").status_code == 403
    r = client.post(
        "/api/v1/approvals/",
        {"record": str(tree.epic.governance_id), "gate": "go_no_go", "decision": "go", "rationale": "y"},
        format="json",
    )
    assert r.status_code == 403  # Go / No-Go is the CPO's


def test_governance_records_and_read_only_endpoints_refuse_other_methods(api: Any, tree: Any, admin: User) -> None:
    client = api(admin)
    assert client.put(f"/api/v1/governance-records/{tree.epic.governance_id}/", {}, format="json").status_code == 405
    assert client.delete(f"/api/v1/epics/{tree.epic.id}/").status_code == 405
    assert client.post("/api/v1/check-ins/", {}, format="json").status_code == 405
    assert client.post("/api/v1/audit-events/", {}, format="json").status_code == 405
    assert client.post("/api/v1/frameworks/", {}, format="json").status_code == 405
