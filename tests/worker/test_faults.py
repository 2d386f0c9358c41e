"""Failure behaviour of the recompute pipeline (DESIGN §1): delays, never losses."""

from __future__ import annotations

import signal
from pathlib import Path

import psycopg2
import pytest
import redis
from django.db import connection

from backlog.models import Feature, Story
from backlog.ranking import wsjf_recompute_portfolio
from backlog.services import feature_update, story_update
from config.embedded import RedisServer
from portfolio.models import RecomputeRequest
from portfolio.tasks import sweep_recompute_requests
from tests import builders
from tests.conftest import use_broker
from tests.worker.conftest import _test_database_url, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _pending(portfolio) -> int:
    return RecomputeRequest.objects.filter(portfolio=portfolio, processed_at__isnull=True).count()


def _feature_ranks(portfolio) -> dict[str, int | None]:
    return dict(Feature.objects.filter(portfolio=portfolio).values_list("title", "rank"))


@pytest.fixture
def own_redis(tmp_path: Path, settings):
    """A Redis of this test's own, which the test may stop and start again on the same port."""
    server = RedisServer(tmp_path / "redis").start()
    previous = use_broker(server.url)
    settings.REDIS_URL = server.url
    yield server
    server.stop()
    use_broker(previous)


def test_redis_outage_delays_ranks_but_loses_no_edit(bank, po, own_redis, start_worker, client):
    worker = start_worker()
    slow = builders.feature(po, bank, title="Slow", business_value=1, time_criticality=1, risk_reduction=1, job_size=20)
    builders.feature(po, bank, title="Fast", business_value=8, time_criticality=8, risk_reduction=8, job_size=3)
    wait_for(lambda: _feature_ranks(bank) == {"Fast": 1, "Slow": 2})
    broker = redis.Redis.from_url(own_redis.url)
    wait_for(lambda: broker.hlen("unacked") == 0)  # the worker is idle, its last task acknowledged

    own_redis.stop()
    feature_update(
        actor=po, feature=slow, data={"business_value": 20, "time_criticality": 20, "risk_reduction": 20, "job_size": 1}
    )
    assert Feature.objects.get(pk=slow.pk).business_value == 20  # the edit committed
    assert _pending(bank) == 1
    client.force_login(po)
    health = client.get("/healthz")
    assert health.status_code == 503 and health.json()["redis"]["ok"] is False
    assert _feature_ranks(bank) == {"Fast": 1, "Slow": 2}  # stale, not lost

    own_redis.start()  # same port: the worker reconnects
    if worker.poll() is not None:
        # kombu can exit the worker when the broker vanishes (celery/kombu#970 family); the
        # supervisor (make run, compose restart policy) starts it again, as we do here.
        start_worker()
    sweep_recompute_requests()  # what beat does every few seconds
    wait_for(lambda: _feature_ranks(bank) == {"Slow": 1, "Fast": 2}, timeout=60)
    assert _pending(bank) == 0


@pytest.fixture
def ranked_backlog(bank, po):
    features = [
        builders.feature(po, bank, title=f"F{i}", business_value=v, job_size=5) for i, v in enumerate((1, 2, 3, 5, 8))
    ]
    stories = [builders.story(po, features[0], title=f"S{i}", business_value=v) for i, v in enumerate((1, 2, 3))]
    wsjf_recompute_portfolio(portfolio_id=bank.id)
    return features, stories


def _lock_row(table: str, row_id) -> psycopg2.extensions.connection:
    conn = psycopg2.connect(_test_database_url().replace("postgres://", "postgresql://", 1))
    conn.autocommit = False
    with conn.cursor() as cur:
        cur.execute(f"SELECT 1 FROM {table} WHERE id = %s FOR UPDATE", [str(row_id)])  # noqa: S608
    return conn


def _worker_waits_on_lock() -> bool:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = %s",
            [connection.settings_dict["NAME"]],
        )
        return cur.fetchone()[0] > 0


def _edit_to_reorder(po, features, stories) -> None:
    """Reverse the features' order and send the lowest story to the top of its feature."""
    for f, v in zip(features, (8, 5, 3, 2, 1), strict=True):
        feature_update(actor=po, feature=f, data={"business_value": v})
    story_update(actor=po, story=stories[0], data={"business_value": 20})


def test_worker_killed_mid_recompute_leaves_no_half_written_ranks(bank, po, ranked_backlog, start_worker):
    features, stories = ranked_backlog
    before = _feature_ranks(bank)
    _edit_to_reorder(po, features, stories)  # no worker yet: the task waits in Redis
    blocker = _lock_row("backlog_story", stories[0].id)  # the last scope the recompute writes
    try:
        worker = start_worker()
        wait_for(_worker_waits_on_lock)  # epics and features already rewritten, inside its transaction
        assert _feature_ranks(bank) == before  # nothing of the open transaction is visible
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    finally:
        blocker.rollback()
        blocker.close()
    wait_for(lambda: not _worker_waits_on_lock())
    # The orphaned transaction rolls back once its backend notices the dead client.
    wait_for(lambda: _pending(bank) > 0 and _feature_ranks(bank) == before, timeout=30)

    start_worker()
    sweep_recompute_requests()
    wait_for(lambda: _pending(bank) == 0 and _feature_ranks(bank)["F0"] == 1, timeout=60)
    assert _feature_ranks(bank) == {"F0": 1, "F1": 2, "F2": 3, "F3": 4, "F4": 5}
    assert Story.objects.get(pk=stories[0].pk).rank_in_feature == 1


def test_edit_arriving_during_a_recompute_triggers_another(bank, po, ranked_backlog, start_worker):
    features, stories = ranked_backlog
    _edit_to_reorder(po, features, stories)
    blocker = _lock_row("backlog_story", stories[0].id)
    try:
        start_worker()
        wait_for(_worker_waits_on_lock)
        late = builders.feature(
            po, bank, title="Late", business_value=20, time_criticality=20, risk_reduction=20, job_size=1
        )
    finally:
        blocker.rollback()
        blocker.close()
    wait_for(lambda: Feature.objects.get(pk=late.pk).rank == 1 and _pending(bank) == 0, timeout=60)
    assert _feature_ranks(bank)["F0"] == 2
