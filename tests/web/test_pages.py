"""Login, the entry redirect and the error pages."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_page_renders_the_styled_form(client: Client) -> None:
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Sign in" in html
    assert 'name="username"' in html and 'name="password"' in html
    assert "/static/css/app.css" in html
    assert "/static/vendor/htmx/htmx.min.js" in html


def test_bad_credentials_show_a_clear_error(client: Client, cpo: User) -> None:
    response = client.post("/accounts/login/", {"username": "cpo", "password": "wrong"})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "couldn" in html and "correct username and password" in html
    assert "_auth_user_id" not in client.session


def test_good_credentials_sign_in_and_land_on_the_first_portfolio(client: Client, cpo: User) -> None:
    response = client.post("/accounts/login/", {"username": "cpo", "password": PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == "/p/retail-bank/trace/"
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/", "/p/retail-bank/trace/"])
def test_anonymous_users_are_sent_to_login(client: Client, bank: object, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={path}"


def test_home_redirects_a_member_to_their_first_portfolio(client: Client, viewer: User) -> None:
    client.force_login(viewer)

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/p/retail-bank/trace/"


def test_home_tells_a_user_without_portfolios_that_they_are_not_a_member(client: Client, db: object) -> None:
    loner = User.objects.create_user(username="loner", password=PASSWORD)
    client.force_login(loner)

    response = client.get("/")

    assert response.status_code == 200
    assert "not a member of any portfolio yet" in response.content.decode()


def test_logout_is_a_post_form_in_the_layout(client: Client, cpo: User) -> None:
    client.force_login(cpo)

    html = client.get("/p/retail-bank/trace/").content.decode()

    assert 'method="post" action="/accounts/logout/"' in html
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302  # signed out: back to login


def test_layout_puts_the_csrf_token_once_on_body(client: Client, cpo: User) -> None:
    client.force_login(cpo)

    html = client.get("/p/retail-bank/trace/").content.decode()

    assert html.count("hx-headers=") == 1
    assert '<body class="app" hx-headers=\'{"X-CSRFToken": "' in html


def test_unknown_page_renders_the_designed_404(client: Client, cpo: User) -> None:
    client.force_login(cpo)

    response = client.get("/no/such/page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "We can&#x27;t find that page" in html or "We can't find that page" in html
    assert "/static/css/app.css" in html
