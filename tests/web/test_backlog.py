"""The WSJF backlog page: ranked features and stories, filters, pages, inline edits of the inputs, freshness."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from backlog.models import Feature, Story
from backlog.ranking import wsjf_recompute_portfolio
from backlog.services import team_create
from governance.models import AuditEvent
from portfolio.models import Portfolio, RecomputeRequest
from tests import builders as b

pytestmark = pytest.mark.django_db

URL = "/p/retail-bank/backlog/"
STORIES = "/p/retail-bank/backlog/stories/"
HX = {"HX-Request": "true"}


def scores(value: int, criticality: int, risk: int, size: int) -> dict[str, int]:
    return {"business_value": value, "time_criticality": criticality, "risk_reduction": risk, "job_size": size}


def titles(html: str) -> list[str]:
    return re.findall(r'class="brow__name"[^>]*>([^<]+)<', html)


def row(html: str, item: Any) -> str:
    match = re.search(rf'<tr id="row-{item.id}".*?</tr>', html, re.S)
    assert match, f"no row for {item}"
    return match.group(0)


def edit_url(item: Feature | Story) -> str:
    kind = "features" if isinstance(item, Feature) else "stories"
    return f"/p/retail-bank/backlog/{kind}/{item.id}/"


def pending(portfolio: Portfolio) -> int:
    return RecomputeRequest.objects.filter(portfolio=portfolio, processed_at__isnull=True).count()


@pytest.fixture
def ranked(po: User, bank: Portfolio) -> dict[str, Feature]:
    """Four open features (WSJF 10.50, 9.67, 5, 1) and a done one, ranked by the worker's recompute."""
    features = {
        "low": b.feature(po, bank, title="Statement redesign", **scores(1, 1, 1, 3)),
        "second": b.feature(po, bank, title="Instant payments", **scores(13, 13, 3, 3)),
        "mid": b.feature(po, bank, title="Card freeze", **scores(5, 3, 2, 2)),
        "top": b.feature(po, bank, title="Fraud alerts", **scores(8, 8, 5, 2)),
        "done": b.feature(po, bank, title="Old login page", state="done", **scores(20, 20, 20, 1)),
    }
    wsjf_recompute_portfolio(portfolio_id=bank.id)
    return features


def page_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


# --- reading ----------------------------------------------------------------------------------


def test_features_are_listed_in_rank_order_with_done_work_hidden(
    client: Client, viewer: User, ranked: dict[str, Feature]
) -> None:
    client.force_login(viewer)

    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert titles(html) == ["Fraud alerts", "Instant payments", "Card freeze", "Statement redesign"]
    assert '<span class="brow__rank-no">1</span>' in row(html, ranked["top"])
    second = row(html, ranked["second"])
    assert '<span class="brow__rank-no">2</span>' in second
    assert '<td class="num brow__cod" data-label="CoD">29</td>' in second
    assert ">9.67</summary>" in second  # WSJF, 2 decimals
    assert "Old login page" not in html


def test_done_items_show_after_the_ranked_ones_when_asked(
    client: Client, viewer: User, ranked: dict[str, Feature]
) -> None:
    client.force_login(viewer)

    html = client.get(URL + "?done=1").content.decode()

    assert titles(html)[-1] == "Old login page"
    assert 'title="Done work leaves the backlog and has no rank">done<' in row(html, ranked["done"])


def test_new_items_without_a_rank_come_after_the_ranked_ones(
    client: Client, po: User, bank: Portfolio, ranked: dict[str, Feature]
) -> None:
    b.feature(po, bank, title="Brand new idea", **scores(20, 20, 20, 1))  # best score, not ranked yet
    client.force_login(po)

    html = client.get(URL).content.decode()

    assert titles(html)[-1] == "Brand new idea"
    assert "recompute pending" in html


def test_the_cod_breakdown_explains_each_score(client: Client, viewer: User, ranked: dict[str, Feature]) -> None:
    client.force_login(viewer)

    html = client.get(URL).content.decode()

    assert "BV 8 + TC 8 + RR 5 = CoD 21; ÷ job size 2 = WSJF 10.50" in html
    assert '<details class="why">' in html


def test_filters_by_epic_team_state_and_work_type(client: Client, po: User, bank: Portfolio) -> None:
    payments = team_create(actor=po, portfolio=bank, name="Payments")
    cards = team_create(actor=po, portfolio=bank, name="Cards")
    epic = b.epic(po, bank, title="Instant payments everywhere")
    b.feature(po, bank, title="SEPA instant", epic=epic, team=payments, **scores(8, 8, 8, 2))
    b.feature(po, bank, title="Request to pay", epic=epic, team=payments, state="analyzing", **scores(5, 5, 5, 5))
    b.feature(po, bank, title="Virtual cards", team=cards, work_type="enabler", **scores(3, 3, 3, 3))
    b.feature(po, bank, title="Patch the card gateway", team=cards, work_type="defect", **scores(2, 2, 2, 8))
    wsjf_recompute_portfolio(portfolio_id=bank.id)
    client.force_login(po)

    assert titles(client.get(f"{URL}?epic={epic.id}").content.decode()) == ["SEPA instant", "Request to pay"]
    assert titles(client.get(f"{URL}?epic=none").content.decode()) == ["Virtual cards", "Patch the card gateway"]
    assert titles(client.get(f"{URL}?team={cards.id}").content.decode()) == ["Virtual cards", "Patch the card gateway"]
    assert titles(client.get(f"{URL}?state=analyzing").content.decode()) == ["Request to pay"]
    assert titles(client.get(f"{URL}?work_type=defect").content.decode()) == ["Patch the card gateway"]
    assert titles(client.get(f"{URL}?team={payments.id}&work_type=defect").content.decode()) == []
    # junk in the query string is ignored, never an error
    assert client.get(f"{URL}?epic=nope&team=42&state=bogus&page=x").status_code == 200


def test_an_htmx_filter_request_returns_only_the_table(client: Client, po: User, ranked: dict[str, Feature]) -> None:
    client.force_login(po)

    response = client.get(URL + "?work_type=business", headers={**HX, "HX-Target": "backlog-rows"})

    html = response.content.decode()
    assert html.lstrip().startswith('<section id="backlog-rows"')
    assert "<body" not in html
    assert len(titles(html)) == 4
    assert "HX-Request" in response["Vary"]


def test_pages_of_fifty_with_next_and_previous(client: Client, po: User, bank: Portfolio) -> None:
    for i in range(55):
        b.feature(po, bank, title=f"Feature {i:02d}", **scores(1, 1, 1, 1))
    wsjf_recompute_portfolio(portfolio_id=bank.id)
    client.force_login(po)

    first = client.get(URL).content.decode()
    second = client.get(URL + "?page=2").content.decode()

    assert len(titles(first)) == 50 and len(titles(second)) == 5
    assert set(titles(first)).isdisjoint(titles(second))
    assert "Showing 1–50 of 55" in first and "Showing 51–55 of 55" in second
    assert 'href="/p/retail-bank/backlog/?page=2"' in first and 'rel="prev"' not in first
    assert 'rel="prev"' in second and 'rel="next"' not in second
    assert '<span class="brow__rank-no">51</span>' in second
    assert "No items on this page" in client.get(URL + "?page=9").content.decode()


def test_stories_are_ranked_within_a_feature_or_a_team(client: Client, po: User, bank: Portfolio) -> None:
    team = team_create(actor=po, portfolio=bank, name="Payments")
    feat = b.feature(po, bank, title="Instant payments", team=team)
    other = b.feature(po, bank, title="Card controls")
    b.story(po, feat, title="Payee lookup", team=team, **scores(2, 2, 2, 5))
    b.story(po, feat, title="Send money", team=team, **scores(13, 8, 5, 3))
    b.story(po, other, title="Freeze a card", **scores(8, 8, 8, 2))
    b.story(po, feat, title="Shipped already", team=team, state="done", **scores(20, 20, 20, 1))
    wsjf_recompute_portfolio(portfolio_id=bank.id)
    client.force_login(po)

    by_team = client.get(STORIES).content.decode()  # the first team is the default scope
    by_feature = client.get(f"{STORIES}?within=feature&feature={other.id}").content.decode()

    assert titles(by_team) == ["Send money", "Payee lookup"]
    assert "Stories of team" in by_team and "Payments" in by_team
    assert titles(by_feature) == ["Freeze a card"]
    assert "BV 8 + TC 8 + RR 8 = CoD 24; ÷ job size 2 = WSJF 12.00" in by_feature
    assert titles(client.get(f"{STORIES}?within=feature&feature={feat.id}&done=1").content.decode())[-1] == (
        "Shipped already"
    )


def test_outsider_gets_404_and_anonymous_users_are_sent_to_login(
    client: Client, outsider: User, ranked: dict[str, Feature]
) -> None:
    assert client.get(URL)["Location"] == f"/accounts/login/?next={URL}"
    client.force_login(outsider)

    for url in (URL, STORIES, edit_url(ranked["top"])):
        response = client.get(url)
        assert response.status_code == 404
        assert "Fraud alerts" not in response.content.decode()
    response = client.post(edit_url(ranked["top"]), scores(20, 20, 20, 1), headers=HX)
    assert response.status_code == 404
    assert Feature.objects.get(pk=ranked["top"].pk).business_value == 8


def test_an_item_of_another_portfolio_is_404_through_this_portfolios_url(
    client: Client, outsider: User, other: Portfolio, po: User, bank: Portfolio
) -> None:
    theirs = b.feature(outsider, other, title="Their feature")
    client.force_login(po)

    assert client.get(edit_url(theirs), headers=HX).status_code == 404
    assert client.post(edit_url(theirs), scores(1, 1, 1, 1), headers=HX).status_code == 404


def test_query_count_does_not_grow_with_the_backlog(client: Client, po: User, bank: Portfolio) -> None:
    team = team_create(actor=po, portfolio=bank, name="Payments")
    epic = b.epic(po, bank)
    feat = b.feature(po, bank, epic=epic, team=team)
    for _ in range(4):
        b.story(po, b.feature(po, bank, epic=epic, team=team), team=team)
    b.story(po, feat, team=team)
    wsjf_recompute_portfolio(portfolio_id=bank.id)
    client.force_login(po)
    urls = (URL, f"{URL}?epic={epic.id}&team={team.id}", STORIES, f"{STORIES}?within=feature&feature={feat.id}")
    small = [page_queries(client, url) for url in urls]

    for _ in range(55):
        b.story(po, b.feature(po, bank, epic=b.epic(po, bank), team=team), team=team)
    for _ in range(55):
        b.story(po, feat, team=team)
    wsjf_recompute_portfolio(portfolio_id=bank.id)
    large = [page_queries(client, url) for url in urls]

    assert small == large
    assert max(large) <= 12


# --- freshness and scoring mode ----------------------------------------------------------------


def test_freshness_shows_the_time_and_a_pending_badge_that_polls(
    client: Client, po: User, bank: Portfolio, ranked: dict[str, Feature]
) -> None:
    client.force_login(po)
    html = client.get(URL).content.decode()
    assert "ranks as of <time" in html
    assert "recompute pending" not in html
    assert 'hx-trigger="backlog-changed from:body"' in html

    b.feature(po, bank, title="Waiting for the worker")
    html = client.get(URL).content.decode()

    assert "recompute pending" in html
    assert 'hx-trigger="backlog-changed from:body, every 2s"' in html


def test_the_freshness_poll_tells_the_table_to_reload_once_the_ranks_moved_on(
    client: Client, po: User, bank: Portfolio, ranked: dict[str, Feature]
) -> None:
    client.force_login(po)
    token = re.search(r'"since": "([^"]*)"', client.get(URL).content.decode()).group(1)
    headers = {**HX, "HX-Target": "backlog-freshness"}

    unchanged = client.get(URL, {"since": token}, headers=headers)
    b.feature(po, bank, title="Fresh idea")
    wsjf_recompute_portfolio(portfolio_id=bank.id)
    moved_on = client.get(URL, {"since": token}, headers=headers)

    assert unchanged.content.decode().lstrip().startswith('<div id="backlog-freshness"')
    assert "HX-Trigger" not in unchanged
    assert moved_on["HX-Trigger"] == '{"ranks-updated": {}}'
    assert "<body" not in moved_on.content.decode()


def test_the_scoring_mode_is_shown_and_cd3_adds_its_columns(
    client: Client, po: User, bank: Portfolio, ranked: dict[str, Feature]
) -> None:
    client.force_login(po)
    assert "<strong>WSJF</strong>" in client.get(URL).content.decode()

    Portfolio.objects.filter(pk=bank.pk).update(scoring_mode="cd3")
    Feature.objects.filter(pk=ranked["mid"].pk).update(cod_per_week=12000, duration_weeks=4)
    html = client.get(URL).content.decode()

    assert "<strong>CD3</strong>" in html
    assert "Ranks follow <strong>CD3</strong>" in html
    assert "CoD/wk" in html and "Weeks" in html
    mid = row(html, ranked["mid"])
    assert "12,000" in mid and "<strong>3,000</strong>" in mid


# --- inline edits --------------------------------------------------------------------------------


def test_po_edits_the_inputs_inline_through_the_service(
    client: Client, po: User, bank: Portfolio, ranked: dict[str, Feature]
) -> None:
    feature = ranked["low"]
    client.force_login(po)
    form = client.get(edit_url(feature), {"edit": "1", "next": URL}, headers=HX).content.decode()
    assert form.lstrip().startswith(f'<tr id="row-{feature.id}"')
    assert f'<form id="edit-{feature.id}"' in form
    assert form.count("<option") == 4 * 7 and '<option value="4"' not in form
    before_audit = AuditEvent.objects.filter(action="backlog.feature.updated").count()

    response = client.post(edit_url(feature), {**scores(20, 13, 8, 2), "next": URL}, headers=HX)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="row-{feature.id}"')
    assert "BV 20 + TC 13 + RR 8 = CoD 41; ÷ job size 2 = WSJF 20.50" in html
    assert response["HX-Trigger"] == '{"backlog-changed": {}}'
    feature.refresh_from_db()
    assert (feature.business_value, feature.time_criticality, feature.risk_reduction, feature.job_size) == (
        20,
        13,
        8,
        2,
    )
    event = AuditEvent.objects.filter(action="backlog.feature.updated").latest("at")
    assert AuditEvent.objects.filter(action="backlog.feature.updated").count() == before_audit + 1
    assert event.after["business_value"] == 20 and event.before["business_value"] == 1
    assert pending(bank) == 1
    wsjf_recompute_portfolio(portfolio_id=bank.id)
    assert titles(client.get(URL).content.decode())[0] == "Statement redesign"


def test_po_edits_a_story_inline(client: Client, po: User, bank: Portfolio) -> None:
    team = team_create(actor=po, portfolio=bank, name="Payments")
    story = b.story(po, b.feature(po, bank), team=team)
    client.force_login(po)

    response = client.post(edit_url(story), {**scores(8, 5, 3, 5), "within": "team"}, headers=HX)

    assert response.status_code == 200
    assert "BV 8 + TC 5 + RR 3 = CoD 16; ÷ job size 5 = WSJF 3.20" in response.content.decode()
    story.refresh_from_db()
    assert story.business_value == 8 and story.job_size == 5
    assert AuditEvent.objects.filter(action="backlog.story.updated").count() == 1


def test_an_off_scale_value_is_a_field_error_and_changes_nothing(
    client: Client, po: User, bank: Portfolio, ranked: dict[str, Feature]
) -> None:
    feature = ranked["mid"]
    client.force_login(po)
    audit_before = AuditEvent.objects.count()

    response = client.post(edit_url(feature), {**scores(8, 8, 8, 4), "next": URL}, headers=HX)

    assert response.status_code == 422
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="row-{feature.id}"')
    assert 'aria-invalid="true"' in html
    assert "Use the modified Fibonacci scale: 1, 2, 3, 5, 8, 13, 20." in html
    feature.refresh_from_db()
    assert (feature.business_value, feature.job_size) == (5, 2)
    assert AuditEvent.objects.count() == audit_before
    assert pending(bank) == 0


def test_without_javascript_an_edit_posts_the_form_and_redirects_back(
    client: Client, po: User, ranked: dict[str, Feature]
) -> None:
    feature = ranked["low"]
    client.force_login(po)
    back = URL + "?work_type=business"
    page = client.get(f"{back}&edit={feature.id}").content.decode()
    assert f'<form id="edit-{feature.id}" class="brow__form" method="post"' in page

    saved = client.post(edit_url(feature), {**scores(3, 3, 3, 3), "next": back})
    refused = client.post(edit_url(feature), {**scores(3, 3, 3, 7), "next": back}, follow=True)

    assert saved.status_code == 302 and saved["Location"] == back
    assert Feature.objects.get(pk=feature.pk).business_value == 3
    assert refused.redirect_chain[-1][0] == f"{back}&edit={feature.id}#row-{feature.id}"
    assert "Job size: Use the modified Fibonacci scale" in refused.content.decode()
    assert Feature.objects.get(pk=feature.pk).job_size == 3
    # an off-site "next" is ignored
    assert client.post(edit_url(feature), {**scores(3, 3, 3, 3), "next": "https://evil.test/"})["Location"] == URL


@pytest.mark.parametrize("role", ["viewer", "compliance"])
def test_readers_see_no_edit_controls_and_cannot_edit(
    client: Client, request: pytest.FixtureRequest, role: str, ranked: dict[str, Feature]
) -> None:
    client.force_login(request.getfixturevalue(role))
    feature = ranked["low"]

    html = client.get(URL).content.decode()
    form = client.get(edit_url(feature), {"edit": "1"}, headers=HX)
    post = client.post(edit_url(feature), scores(20, 20, 20, 1), headers=HX)

    assert "Read-only for your role" in html
    assert "row-button--edit" not in html and '<select class="score-select' not in html
    assert form.status_code == 403
    assert post.status_code == 403
    feature.refresh_from_db()
    assert feature.business_value == 1
    assert not AuditEvent.objects.filter(action="backlog.feature.updated").exists()


def test_editors_see_the_edit_control_on_every_row(client: Client, cpo: User, ranked: dict[str, Feature]) -> None:
    client.force_login(cpo)

    html = client.get(URL).content.decode()

    assert html.count("row-button--edit") == 4
    assert "Read-only for your role" not in html


def test_the_nav_links_to_the_backlog(client: Client, viewer: User, ranked: dict[str, Feature]) -> None:
    client.force_login(viewer)

    html = client.get(STORIES).content.decode()

    assert f'href="{URL}" aria-current="page"' in html
    assert 'href="/p/retail-bank/trace/"' in html
