"""HTTP semantics: cursor pagination through any ordering, ETag / If-Match, the OpenAPI schema."""

from __future__ import annotations

import json
from typing import Any

import yaml
from django.contrib.auth.models import User

from backlog.models import Feature
from backlog.ranking import wsjf_recompute_portfolio
from governance.models import AuditEvent
from okrs.models import CheckIn
from portfolio.models import Portfolio
from tests import builders


def _all_pages(client: Any, url: str) -> list[dict[str, Any]]:
    items, pages = [], 0
    while url:
        body = client.get(url).json()
        items += body["results"]
        url, pages = body["next"], pages + 1
    assert pages > 1
    return items


def test_cursor_pages_through_rank_with_unranked_items_last(api: Any, bank: Portfolio, po: User) -> None:
    sizes = [1, 2, 3, 5, 8, 13, 20, 1, 2]
    for size in sizes:
        builders.feature(po, bank, job_size=size)
    wsjf_recompute_portfolio(portfolio_id=bank.id, force=True)
    unranked = {builders.feature(po, bank, job_size=3).id for _ in range(3)}

    items = _all_pages(api(po), "/api/v1/features/?ordering=rank&page_size=2")
    ranked_part = [f for f in items if f["rank"] is not None]
    assert [f["rank"] for f in ranked_part] == list(range(1, len(sizes) + 1))
    assert {f["id"] for f in items[len(sizes) :]} == {str(i) for i in unranked}
    assert len({f["id"] for f in items}) == Feature.objects.count() == len(sizes) + 3

    backwards = _all_pages(api(po), "/api/v1/features/?ordering=-rank&page_size=4")
    assert [f["id"] for f in backwards] == [f["id"] for f in reversed(items)]


def test_cursor_pages_through_ties_without_repeating_or_skipping(api: Any, bank: Portfolio, po: User) -> None:
    for _ in range(7):
        builders.feature(po, bank)  # all the same WSJF
    items = _all_pages(api(po), "/api/v1/features/?ordering=-wsjf&page_size=3")
    assert len(items) == 7 and len({f["id"] for f in items}) == 7


def test_cursor_pages_through_check_ins_approvals_and_audit_events(api: Any, tree: Any, admin: User) -> None:
    from governance.services import approval_record
    from okrs.services import key_result_check_in

    for value in range(4):
        key_result_check_in(actor=admin, key_result=tree.key_result, value=value, confidence="0.5")
        approval_record(actor=admin, record=tree.epic.governance, gate="go_no_go", decision="go", rationale="ok")
    client = api(admin)
    assert len(_all_pages(client, "/api/v1/check-ins/?page_size=2")) == CheckIn.objects.count()
    assert len(_all_pages(client, "/api/v1/approvals/?page_size=2")) == 5
    events = _all_pages(client, f"/api/v1/audit-events/?portfolio={tree.portfolio.id}&page_size=5")
    assert [e["id"] for e in events] == list(
        AuditEvent.objects.filter(portfolio_id=tree.portfolio.id).order_by("-id").values_list("id", flat=True)
    )


def test_stale_if_match_is_a_412_and_changes_nothing(api: Any, tree: Any, cpo: User) -> None:
    client = api(cpo)
    url = f"/api/v1/features/{tree.feature.id}/"
    first = client.get(url)
    etag = first["ETag"]
    assert etag.startswith('"') and client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304

    r = client.patch(url, {"title": "Mine"}, format="json", HTTP_IF_MATCH=etag)
    assert r.status_code == 200 and r["ETag"] != etag
    events = AuditEvent.objects.count()
    r = client.patch(url, {"title": "Theirs"}, format="json", HTTP_IF_MATCH=etag)
    assert r.status_code == 412 and r.json()["code"] == "precondition_failed"
    tree.feature.refresh_from_db()
    assert tree.feature.title == "Mine" and AuditEvent.objects.count() == events
    assert client.patch(url, {"title": "Any"}, format="json", HTTP_IF_MATCH="*").status_code == 200
    assert client.patch(url, {"title": "Blind"}, format="json").status_code == 200  # no If-Match: allowed


def test_stale_if_match_guards_actions_and_deletes(api: Any, tree: Any, admin: User) -> None:
    client = api(admin)
    stale = '"0000"'
    r = client.post(
        f"/api/v1/epics/{tree.epic.id}/move/", {"to_state": "reviewing"}, format="json", HTTP_IF_MATCH=stale
    )
    assert r.status_code == 412
    kr_url = f"/api/v1/key-results/{tree.key_result.id}/"
    r = client.post(f"{kr_url}check-in/", {"value": 5, "confidence": "0.5"}, format="json", HTTP_IF_MATCH=stale)
    assert r.status_code == 412
    assert client.delete(f"/api/v1/memberships/{tree.membership.id}/", HTTP_IF_MATCH=stale).status_code == 412
    r = client.patch(f"/api/v1/governance-records/{tree.epic.governance_id}/", {"notes": "x"}, HTTP_IF_MATCH=stale)
    assert r.status_code == 412
    tree.epic.refresh_from_db()
    assert (
        tree.epic.state == "funnel"
        and CheckIn.objects.count() == 1
        and tree.membership.portfolio.memberships.count() == 5
    )

    fresh = client.get(f"/api/v1/epics/{tree.epic.id}/")["ETag"]
    r = client.post(
        f"/api/v1/epics/{tree.epic.id}/move/", {"to_state": "reviewing"}, format="json", HTTP_IF_MATCH=fresh
    )
    assert r.status_code == 200 and r["ETag"] != fresh
    assert client.get(f"/api/v1/epics/{tree.epic.id}/")["ETag"] == r["ETag"]
    etag = client.get(kr_url)["ETag"]
    r = client.post(f"{kr_url}check-in/", {"value": 5, "confidence": "0.5"}, format="json", HTTP_IF_MATCH=etag)
    assert r.status_code == 201 and client.get(kr_url)["ETag"] != etag


def test_a_rerank_by_the_worker_does_not_make_an_etag_stale(api: Any, tree: Any, po: User) -> None:
    client = api(po)
    url = f"/api/v1/features/{tree.feature.id}/"
    etag = client.get(url)["ETag"]
    wsjf_recompute_portfolio(portfolio_id=tree.portfolio.id, force=True)
    assert client.get(url).json()["rank"] == 1
    assert client.patch(url, {"job_size": 5}, format="json", HTTP_IF_MATCH=etag).status_code == 200


def test_epic_etag_changes_when_only_its_links_change(api: Any, tree: Any, cpo: User) -> None:
    client = api(cpo)
    url = f"/api/v1/epics/{tree.epic.id}/"
    etag = client.get(url)["ETag"]
    assert client.patch(url, {"key_results": []}, format="json").status_code == 200
    assert client.patch(url, {"title": "x"}, format="json", HTTP_IF_MATCH=etag).status_code == 412


def test_schema_generates_and_parses(api: Any, viewer: User) -> None:
    client = api(viewer)
    r = client.get("/api/schema/")
    assert r.status_code == 200
    schema = yaml.safe_load(r.content)
    assert schema["openapi"].startswith("3.")
    for path in ("/api/v1/epics/{id}/move/", "/api/v1/key-results/{id}/check-in/", "/api/v1/governance-records/{id}/"):
        assert path in schema["paths"], path
    as_json = client.get("/api/schema/?format=json")
    assert as_json.status_code == 200 and json.loads(as_json.content)["info"]["title"] == "Lodestar API"
    assert client.get("/api/docs/").status_code == 200


def test_portfolio_shows_how_fresh_its_ranks_are(api, bank, po):
    from backlog.ranking import wsjf_recompute_portfolio
    from tests import builders

    builders.feature(po, bank)
    body = api(po).get(f"/api/v1/portfolios/{bank.id}/").json()
    assert body["recompute_pending"] is True and body["scores_computed_at"] is None
    wsjf_recompute_portfolio(portfolio_id=bank.id)
    body = api(po).get(f"/api/v1/portfolios/{bank.id}/").json()
    assert body["recompute_pending"] is False and body["scores_computed_at"] is not None


def test_openapi_schema_generates_without_warnings_and_validates(tmp_path, db):
    from django.core.management import call_command

    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    assert "/api/v1/features/" in out.read_text()
