from __future__ import annotations

import pytest

from backlog.models import Feature
from portfolio.models import Portfolio, RecomputeRequest
from portfolio.tasks import sweep_recompute_requests
from tests import builders
from tests.worker.conftest import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _ranks(portfolio):
    return dict(Feature.objects.filter(portfolio=portfolio).values_list("title", "rank"))


def test_worker_picks_up_a_recompute_request_through_redis(bank, po, start_worker):
    start_worker()
    builders.feature(po, bank, title="Low", business_value=1, time_criticality=1, risk_reduction=1, job_size=13)
    builders.feature(po, bank, title="High", business_value=20, time_criticality=13, risk_reduction=8, job_size=2)

    wait_for(lambda: not RecomputeRequest.objects.filter(portfolio=bank, processed_at__isnull=True).exists())
    assert _ranks(bank) == {"High": 1, "Low": 2}
    assert Portfolio.objects.get(pk=bank.pk).scores_computed_at is not None


def test_requests_written_while_no_worker_runs_are_swept_up_later(bank, po, start_worker, settings):
    builders.feature(po, bank, title="Waiting", business_value=5, time_criticality=5, risk_reduction=5, job_size=5)
    assert RecomputeRequest.objects.filter(portfolio=bank, processed_at__isnull=True).exists()
    # The on-commit message may have been sent already; the beat sweep sends it again regardless.
    assert sweep_recompute_requests() >= 1
    start_worker()
    wait_for(lambda: _ranks(bank) == {"Waiting": 1})
    assert not RecomputeRequest.objects.filter(portfolio=bank, processed_at__isnull=True).exists()
