from __future__ import annotations

from django.utils import timezone

from portfolio.models import WorkerHeartbeat
from portfolio.tasks import worker_heartbeat


def test_healthz_is_503_without_a_worker_heartbeat(client, db):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"]["ok"] is True and body["redis"]["ok"] is True
    assert body["worker"]["ok"] is False


def test_healthz_is_200_when_database_redis_and_worker_are_up(client, db):
    worker_heartbeat()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_healthz_reports_a_stale_heartbeat(client, db):
    WorkerHeartbeat.objects.create(hostname="old", seen_at=timezone.now() - timezone.timedelta(minutes=5))
    assert client.get("/healthz").status_code == 503


def test_healthz_reports_redis_down(client, db, settings):
    worker_heartbeat()
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["redis"]["ok"] is False
