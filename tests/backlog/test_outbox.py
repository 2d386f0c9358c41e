from __future__ import annotations

import pytest

from backlog.models import Feature
from backlog.ranking import wsjf_recompute_portfolio
from portfolio.models import RecomputeRequest
from tests import builders
from tests.conftest import use_broker


@pytest.fixture
def broker_down():
    previous = use_broker("redis://127.0.0.1:1/0")
    yield
    use_broker(previous)


@pytest.mark.django_db(transaction=True)
def test_edits_commit_when_redis_is_down_and_the_request_waits_in_the_outbox(bank, po, broker_down):
    feature = builders.feature(po, bank, title="Sanctions screening")
    assert Feature.objects.filter(pk=feature.pk).exists()
    pending = RecomputeRequest.objects.filter(portfolio=bank, processed_at__isnull=True)
    assert pending.count() == 1
    result = wsjf_recompute_portfolio(portfolio_id=bank.id)
    assert result.ran and result.claimed == 1
    assert Feature.objects.get(pk=feature.pk).rank == 1


def test_recompute_with_nothing_pending_does_nothing(bank, po):
    builders.feature(po, bank)
    assert wsjf_recompute_portfolio(portfolio_id=bank.id).ran
    again = wsjf_recompute_portfolio(portfolio_id=bank.id)
    assert not again.ran and again.rows_written == 0
