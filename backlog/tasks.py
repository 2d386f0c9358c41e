"""Celery tasks of the backlog: thin, ids in, call a service."""

from __future__ import annotations

import uuid

from celery import shared_task

from backlog.ranking import wsjf_recompute_portfolio
from portfolio.services import recompute_started


@shared_task(
    name="backlog.recompute_wsjf",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(Exception,),
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=5,
    time_limit=600,
    soft_time_limit=570,
)
def recompute_wsjf(portfolio_id: str, force: bool = False) -> dict[str, object]:
    recompute_started(portfolio_id=uuid.UUID(portfolio_id))
    result = wsjf_recompute_portfolio(portfolio_id=uuid.UUID(portfolio_id), force=force)
    return {"claimed": result.claimed, "rows_written": result.rows_written, "ran": result.ran}
