"""A user sees nothing of a portfolio they are not a member of: 404 on objects, absent from lists."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from governance.models import AuditEvent
from portfolio.models import Portfolio
from tests import builders

from .conftest import ids

# endpoint, attribute of the tree, what else an outsider tries on it (besides GET)
OBJECTS = [
    ("portfolios", "portfolio", [("patch", "", {"name": "Mine now"})]),
    ("memberships", "membership", [("patch", "", {"role": "admin"}), ("delete", "", None)]),
    ("value-streams", "value_stream", []),
    ("themes", "theme", []),
    ("objectives", "objective", [("patch", "", {"title": "x"}), ("put", "", {"title": "x"})]),
    (
        "key-results",
        "key_result",
        [("patch", "", {"title": "x"}), ("post", "check-in/", {"value": 1, "confidence": 1})],
    ),
    ("check-ins", "check_in", []),
    ("epics", "epic", [("patch", "", {"title": "x"}), ("post", "move/", {"to_state": "reviewing"})]),
    ("features", "feature", [("patch", "", {"title": "x"})]),
    ("stories", "story", [("patch", "", {"title": "x"})]),
    ("teams", "team", []),
    ("iterations", "iteration", []),
    ("governance-records", "epic.governance", [("patch", "", {"notes": "x"})]),
    ("approvals", "approval", []),
]


def _obj(tree: Any, path: str) -> Any:
    obj = tree
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


def test_outsider_gets_404_on_every_bank_object(api: Any, tree: Any, outsider: User) -> None:
    client = api(outsider)
    events = AuditEvent.objects.count()
    for endpoint, path, writes in OBJECTS:
        url = f"/api/v1/{endpoint}/{_obj(tree, path).pk}/"
        r = client.get(url)
        assert r.status_code == 404, (url, r.status_code)
        assert r.json() == {"detail": "Not found.", "code": "not_found"}
        for method, suffix, body in writes:
            r = getattr(client, method)(url + suffix, body, format="json")
            assert r.status_code == 404, (method, url + suffix, r.status_code)
    assert AuditEvent.objects.count() == events  # nothing changed
    event = AuditEvent.objects.filter(portfolio_id=tree.portfolio.id).first()
    assert client.get(f"/api/v1/audit-events/{event.pk}/").status_code == 404


def test_bank_objects_never_appear_in_the_outsiders_lists(api: Any, tree: Any, outsider: User, other: Any) -> None:
    builders.epic(outsider, other, title="Their epic")  # the outsider's lists are not simply empty
    client = api(outsider)
    bank_ids = {str(_obj(tree, path).pk) for _, path, _ in OBJECTS}
    for endpoint, _, _ in OBJECTS:
        assert not ids(client.get(f"/api/v1/{endpoint}/?page_size=500")) & bank_ids, endpoint
        filtered = client.get(f"/api/v1/{endpoint}/?portfolio={tree.portfolio.id}")
        if endpoint != "portfolios":
            assert ids(filtered) == set(), endpoint
    assert ids(client.get("/api/v1/epics/")) == {str(other.epics.get().id)}
    bank_events = client.get(f"/api/v1/audit-events/?portfolio={tree.portfolio.id}").json()["results"]
    assert bank_events == []


@pytest.mark.parametrize(
    ("endpoint", "body"),
    [
        ("features", lambda t: {"portfolio": str(t.portfolio.id), "title": "x", **builders.WSJF}),
        ("stories", lambda t: {"feature": str(t.feature.id), "title": "x", **builders.WSJF}),
        ("epics", lambda t: {"portfolio": str(t.portfolio.id), "title": "x", **builders.WSJF}),
        (
            "approvals",
            lambda t: {"record": str(t.epic.governance_id), "gate": "go_no_go", "decision": "go", "rationale": "y"},
        ),
        ("memberships", lambda t: {"portfolio": str(t.portfolio.id), "user": "outsider", "role": "admin"}),
        ("key-results", lambda t: {"objective": str(t.objective.id), "title": "x", "target_value": 1}),
    ],
)
def test_outsider_cannot_create_under_a_bank_parent(
    api: Any, tree: Any, outsider: User, endpoint: str, body: Any
) -> None:
    """A bank UUID in a body is a 400 field error, the same as a UUID that does not exist."""
    events = AuditEvent.objects.count()
    r = api(outsider).post(f"/api/v1/{endpoint}/", body(tree), format="json")
    assert r.status_code == 400, r.json()
    (field,) = r.json()["fields"]
    assert "not visible" in r.json()["fields"][field][0]
    assert AuditEvent.objects.count() == events


def test_outsider_cannot_link_its_feature_to_a_bank_epic(api: Any, tree: Any, outsider: User, other: Portfolio) -> None:
    theirs = builders.feature(outsider, other, title="Their feature")
    r = api(outsider).patch(f"/api/v1/features/{theirs.id}/", {"epic": str(tree.epic.id)}, format="json")
    assert r.status_code == 400 and set(r.json()["fields"]) == {"epic"}
    theirs.refresh_from_db()
    assert theirs.epic is None
