"""Portfolio reads. ``*_get_for_user`` is the only door to an object: 404 outside one's portfolios."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from common.errors import NotFound
from portfolio.access import portfolio_ids_for, visible
from portfolio.models import Epic, Membership, Portfolio, RecomputeRequest, StrategicTheme, ValueStream


def get_for_user(qs: QuerySet[Any], *, user: Any, id: Any, field: str = "portfolio_id") -> Any:
    """Load one object through the user's portfolios; anything else is 404."""
    try:
        return visible(qs, user=user, field=field).get(pk=id)
    except (qs.model.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound("Not found.") from exc
    except Exception as exc:  # a malformed UUID surfaces as a ValidationError from the field
        from django.core.exceptions import ValidationError

        if isinstance(exc, ValidationError):
            raise NotFound("Not found.") from exc
        raise


def _with_freshness(qs: QuerySet[Portfolio]) -> QuerySet[Portfolio]:
    pending = RecomputeRequest.objects.filter(portfolio_id=OuterRef("pk"), processed_at__isnull=True)
    return qs.annotate(recompute_pending=Exists(pending))


def portfolio_list_for_user(*, user: Any) -> QuerySet[Portfolio]:
    return _with_freshness(Portfolio.objects.filter(id__in=portfolio_ids_for(user=user))).order_by("name")


def portfolio_get_for_user(*, user: Any, id: Any) -> Portfolio:
    return get_for_user(_with_freshness(Portfolio.objects.all()), user=user, id=id, field="id")


def portfolio_get_by_slug_for_user(*, user: Any, slug: str) -> Portfolio:
    portfolio = Portfolio.objects.filter(slug=slug, id__in=portfolio_ids_for(user=user)).first()
    if portfolio is None:
        raise NotFound("Not found.")
    return portfolio


def membership_list(*, user: Any) -> QuerySet[Membership]:
    return visible(Membership.objects.select_related("user", "portfolio"), user=user)


def value_stream_list(*, user: Any) -> QuerySet[ValueStream]:
    return visible(ValueStream.objects.all(), user=user)


def theme_list(*, user: Any) -> QuerySet[StrategicTheme]:
    return visible(StrategicTheme.objects.all(), user=user)


def epic_list(*, user: Any) -> QuerySet[Epic]:
    return visible(
        Epic.objects.select_related("value_stream", "owner").prefetch_related("key_results", "themes"), user=user
    )


def epic_get_for_user(*, user: Any, id: Any) -> Epic:
    return get_for_user(Epic.objects.select_related("governance", "value_stream"), user=user, id=id)


def recompute_pending_portfolios() -> list[tuple[uuid.UUID, str]]:
    return list(
        RecomputeRequest.objects.filter(processed_at__isnull=True).values_list("portfolio_id", "kind").distinct()
    )


def scores_freshness(*, portfolio_id: uuid.UUID) -> dict[str, Any]:
    """When the portfolio's ranks were last computed and whether a recompute is pending."""
    computed_at = Portfolio.objects.filter(pk=portfolio_id).values_list("scores_computed_at", flat=True).first()
    pending = RecomputeRequest.objects.filter(portfolio_id=portfolio_id, processed_at__isnull=True).exists()
    return {"computed_at": computed_at, "pending": pending}
