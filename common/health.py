"""/healthz: JSON status of the database, Redis and the worker heartbeat; 503 when one is down."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from common.redis import redis_client


def _database() -> dict[str, object]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True}
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}


def _redis() -> dict[str, object]:
    try:
        redis_client().ping()
        return {"ok": True}
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}


def _worker() -> dict[str, object]:
    from portfolio.models import WorkerHeartbeat

    try:
        seen = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    if seen is None:
        return {"ok": False, "error": "no heartbeat yet"}
    age = timezone.now() - seen
    return {
        "ok": age <= timedelta(seconds=settings.WORKER_HEARTBEAT_MAX_AGE),
        "last_seen": seen.isoformat(),
        "age_seconds": round(age.total_seconds(), 1),
    }


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database(), "redis": _redis(), "worker": _worker()}
    healthy = all(c["ok"] for c in checks.values())
    return JsonResponse({"status": "ok" if healthy else "degraded", **checks}, status=200 if healthy else 503)
