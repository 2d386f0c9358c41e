"""Periodic housekeeping: the outbox sweep and the worker heartbeat (schedules in settings)."""

from __future__ import annotations

import socket

from celery import shared_task
from celery.signals import worker_ready
from django.utils import timezone

from portfolio.models import WorkerHeartbeat
from portfolio.selectors import recompute_pending_portfolios
from portfolio.services import recompute_enqueue


@shared_task(name="portfolio.sweep_recompute_requests", acks_late=True, ignore_result=True)
def sweep_recompute_requests() -> int:
    """Re-enqueue every portfolio with a pending request: an outage delays scores, never loses them."""
    pending = recompute_pending_portfolios()
    for portfolio_id, kind in pending:
        recompute_enqueue(portfolio_id=portfolio_id, kind=kind, debounce=False)
    return len(pending)


@shared_task(name="portfolio.worker_heartbeat", ignore_result=True)
def worker_heartbeat() -> None:
    WorkerHeartbeat.objects.update_or_create(hostname=socket.gethostname(), defaults={"seen_at": timezone.now()})


@worker_ready.connect
def _heartbeat_when_ready(**_: object) -> None:
    """A worker that has just started is alive: say so before beat's first tick."""
    worker_heartbeat()
