"""The named cast every test reads against (STYLE §14).

``bank`` is the portfolio under test; ``cpo``, ``po``, ``compliance``, ``viewer`` and ``admin``
are its members; ``outsider`` is an admin of ``other`` only and must see nothing of ``bank``.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from portfolio.models import Portfolio, Role

PASSWORD = "lodestar-test-pass"


def _user(username: str) -> User:
    return User.objects.create_user(username=username, password=PASSWORD, email=f"{username}@example.test")


@pytest.fixture
def admin(db: Any) -> User:
    return _user("admin")


@pytest.fixture
def bank(admin: User) -> Portfolio:
    from portfolio.services import portfolio_create

    return portfolio_create(actor=admin, name="Retail Bank", slug="retail-bank")


def _member(portfolio: Portfolio, username: str, role: str) -> User:
    from portfolio.services import membership_set

    user = _user(username)
    membership_set(actor=User.objects.get(username="admin"), portfolio=portfolio, user=user, role=role)
    return user


@pytest.fixture
def cpo(bank: Portfolio) -> User:
    return _member(bank, "cpo", Role.CPO)


@pytest.fixture
def po(bank: Portfolio) -> User:
    return _member(bank, "po", Role.PRODUCT_OWNER)


@pytest.fixture
def compliance(bank: Portfolio) -> User:
    return _member(bank, "compliance", Role.COMPLIANCE)


@pytest.fixture
def viewer(bank: Portfolio) -> User:
    return _member(bank, "viewer", Role.VIEWER)


@pytest.fixture
def outsider(db: Any) -> User:
    from portfolio.services import portfolio_create

    user = _user("outsider")
    portfolio_create(actor=user, name="Insurance", slug="insurance")
    return user


@pytest.fixture
def other(outsider: User) -> Portfolio:
    return Portfolio.objects.get(slug="insurance")


@pytest.fixture
def api() -> Any:
    """``api(user)`` gives an APIClient authenticated as ``user`` with a real token."""
    from rest_framework.authtoken.models import Token

    def make(user: User | None) -> APIClient:
        client = APIClient()
        if user is not None:
            token, _ = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


def use_broker(url: str) -> str:
    """Point this process's Celery producer at ``url``; returns the previous URL."""
    from kombu import pools

    from config import celery_app

    previous = celery_app.conf.broker_url
    celery_app.conf.broker_url = url
    # kombu keeps one pool per broker URL in a global registry: close and forget them all, so
    # going back to a previous URL gets a fresh pool, not the closed one.
    pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    return previous
