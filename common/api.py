"""DRF plumbing shared by every app's API.

The one exception handler, cursor pagination that pages through any ``?ordering=``, an ordering
filter that keeps nullable keys pageable, serializers that refuse unknown keys, related fields that
only see what the user may see, and ETags. The base viewset is in ``common.viewsets``: this module
is named in ``REST_FRAMEWORK`` settings and is imported while DRF's generic views are still being
defined, so it must not import them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models.functions import Coalesce
from django.http import Http404
from rest_framework import exceptions, filters, pagination, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from common.errors import ApplicationError, ValidationFailed


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = ValidationFailed.from_django(exc)
    if isinstance(exc, ApplicationError):
        return Response(exc.as_dict(), status=exc.status)
    if isinstance(exc, Http404):
        return Response({"detail": "Not found.", "code": "not_found"}, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        fields = detail if isinstance(detail, dict) else {"non_field_errors": detail}
        return Response({"detail": "Invalid input.", "code": "invalid", "fields": fields}, status=400)
    return drf_exception_handler(exc, context)


class CursorPagination(pagination.CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = "-created_at"


# --- ordering ------------------------------------------------------------------------------------


class OrderingFilter(filters.OrderingFilter):
    """``?ordering=`` that cursor pagination can page through.

    Cursor pagination keeps the position of the first ordering key and filters with ``__gt``/``__lt``
    on it, so that key must never be NULL: a view lists its nullable keys in ``ordering_nullable``
    (name → fill value) and they are ordered through a non-null alias (``rank`` → ``rank_key``),
    which puts unranked items last. The primary key is appended as the final tie-breaker, in the
    direction of the first key, so pages neither repeat nor skip rows that share a value and a
    descending order is exactly the reverse of the ascending one.
    """

    def get_ordering(self, request: Request, queryset: models.QuerySet[Any], view: Any) -> tuple[str, ...]:
        requested = super().get_ordering(request, queryset, view) or ()
        nullable: Mapping[str, Any] = getattr(view, "ordering_nullable", {})
        terms: list[str] = []
        for term in requested:
            desc, name = term.startswith("-"), term.lstrip("-")
            if name in nullable:
                name = f"{name}_key"
            terms.append(f"-{name}" if desc else name)
        if not any(t.lstrip("-") in ("id", "pk") for t in terms):
            terms.append("-id" if terms and terms[0].startswith("-") else "id")
        return tuple(terms)

    def filter_queryset(self, request: Request, queryset: models.QuerySet[Any], view: Any) -> models.QuerySet[Any]:
        ordering = self.get_ordering(request, queryset, view)
        nullable: Mapping[str, Any] = getattr(view, "ordering_nullable", {})
        aliases = {}
        for term in ordering:
            name = term.lstrip("-")
            if name.endswith("_key") and name[: -len("_key")] in nullable:
                source = name[: -len("_key")]
                field = queryset.model._meta.get_field(source)
                aliases[name] = Coalesce(source, models.Value(nullable[source]), output_field=type(field)())
        if aliases:
            queryset = queryset.annotate(**aliases)
        return queryset.order_by(*ordering)


# --- serializers ---------------------------------------------------------------------------------


def _comparable(value: Any) -> Any:
    return value.pk if isinstance(value, models.Model) else value


class UnknownFieldsRefused:
    """A key the serializer does not know is a 400, not silently dropped (a typo must not pass).

    Read-only keys (``id``, ranks…) are known and ignored, so a client may PUT back what it read.
    """

    fields: Any

    def to_internal_value(self, data: Any) -> Any:
        unknown = {}
        if isinstance(data, Mapping):
            unknown = {str(k): ["Unknown field."] for k in data if k not in self.fields}
        try:
            value = super().to_internal_value(data)  # type: ignore[misc]
        except serializers.ValidationError as exc:
            if not unknown:
                raise
            detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
            raise serializers.ValidationError({**detail, **unknown}) from exc
        if unknown:
            raise serializers.ValidationError(unknown)
        return value


class StrictSerializer(UnknownFieldsRefused, serializers.Serializer):
    """Input of a custom action: shape only, unknown keys refused."""


class StrictModelSerializer(UnknownFieldsRefused, serializers.ModelSerializer):
    """Shape only: unknown keys are refused, and ``Meta.create_only`` fields cannot change later.

    Uniqueness and every other business rule are the services' job (``validators = []``).
    """

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is not None:
            for name in getattr(self.Meta, "create_only", ()):
                if name not in attrs:
                    continue
                field = self.instance._meta.get_field(name)
                if _comparable(attrs[name]) != getattr(self.instance, field.attname):
                    raise serializers.ValidationError({name: ["This field cannot be changed."]})
                del attrs[name]
        return attrs


# The CD3 inputs' database rules (DOMAIN §1), stated on the fields so a bad value is a field error.
SCORE_INPUT_KWARGS: dict[str, dict[str, Any]] = {
    "cod_per_week": {"min_value": Decimal(0)},
    "duration_weeks": {"min_value": Decimal("0.1")},
}


def _request_user(field: serializers.Field) -> Any:
    request = field.context.get("request")
    return getattr(request, "user", None) or AnonymousUser()


class VisibleRelatedField(serializers.PrimaryKeyRelatedField):
    """A related object written and read as its UUID, looked up only among what the user can see.

    ``selector`` is the list selector (``epic_list``…), called with the request's user. A UUID of
    another portfolio and a UUID that does not exist get the same 400 field error, so the answer
    never tells whether something exists elsewhere.
    """

    default_error_messages = {
        "does_not_exist": "No such object (or not visible to you): {pk_value}.",
        "incorrect_type": "Enter a valid UUID.",
    }

    def __init__(self, *, selector: Callable[..., models.QuerySet[Any]], **kwargs: Any) -> None:
        self.selector = selector
        kwargs.setdefault("pk_field", serializers.UUIDField())
        super().__init__(**kwargs)

    def get_queryset(self) -> models.QuerySet[Any]:
        return self.selector(user=_request_user(self))


class VisibleSlugRelatedField(serializers.SlugRelatedField):
    """Like ``VisibleRelatedField`` for objects written by a slug (users by username)."""

    default_error_messages = {
        "does_not_exist": "No such object (or not visible to you): {value}.",
        "invalid": "Invalid value.",
    }

    def __init__(self, *, selector: Callable[..., models.QuerySet[Any]], **kwargs: Any) -> None:
        self.selector = selector
        super().__init__(**kwargs)

    def get_queryset(self) -> models.QuerySet[Any]:
        return self.selector(user=_request_user(self))


# --- ETag / If-Match -------------------------------------------------------------------------------

# Values the worker recomputes on its own: a rerank is not an edit, so it must not turn a
# client's ETag stale.
ETAG_IGNORED = frozenset(
    {"rank", "rank_in_epic", "rank_in_feature", "rank_in_team", "scores_computed_at", "fair_computed_at"}
)


def etag_for(data: Mapping[str, Any]) -> str:
    """A strong ETag: a hash of the object's representation, without worker-computed values."""
    stable = {k: v for k, v in data.items() if k not in ETAG_IGNORED}
    digest = hashlib.sha256(json.dumps(stable, sort_keys=True, default=str).encode()).hexdigest()
    return f'"{digest[:32]}"'


def etag_values(header: str) -> list[str]:
    values = []
    for part in header.split(","):
        part = part.strip()
        if part.startswith("W/"):
            part = part[2:]
        if part:
            values.append(part if part == "*" or part.startswith('"') else f'"{part}"')
    return values
