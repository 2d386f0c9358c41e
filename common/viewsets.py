"""The base viewset of every app's API: querysets from selectors, writes through services, ETags."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from common.api import OrderingFilter, etag_for, etag_values
from common.errors import NotFound, PreconditionFailed


class ServiceViewSet(viewsets.GenericViewSet):
    """Querysets from selectors, writes through services, ETag on reads, If-Match on writes.

    A subclass sets ``list_selector`` (``*_list(user=...)``), optionally ``get_selector``
    (``*_get_for_user(user=..., id=...)``), and implements ``perform_service_create`` /
    ``perform_service_update`` / ``perform_service_destroy`` by calling one service each.
    """

    filter_backends = [DjangoFilterBackend, OrderingFilter]
    ordering: ClassVar[tuple[str, ...]] = ("-created_at",)
    ordering_nullable: ClassVar[dict[str, Any]] = {}
    list_selector: Callable[..., models.QuerySet[Any]]
    get_selector: Callable[..., Any] | None = None

    # reads

    def get_queryset(self) -> models.QuerySet[Any]:
        return type(self).list_selector(user=self.request.user)

    def load_object(self, pk: Any) -> Any:
        """One object through the door its app provides; 404 when the user may not see it."""
        if self.get_selector is not None:
            return type(self).get_selector(user=self.request.user, id=pk)
        try:
            return self.get_queryset().get(pk=pk)
        except (ObjectDoesNotExist, ValueError, TypeError, DjangoValidationError) as exc:
            raise NotFound("Not found.") from exc

    def get_object(self) -> Any:
        return self.load_object(self.kwargs[self.lookup_url_kwarg or self.lookup_field])

    def respond(self, instance: Any, *, status_code: int = 200) -> Response:
        """Serialize ``instance`` reloaded through the selector (generated columns are read back)."""
        instance = self.load_object(instance.pk)
        data = self.get_serializer(instance).data
        return Response(data, status=status_code, headers={"ETag": etag_for(data)})

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        serializer = self.get_serializer(page, many=True)
        return self.get_paginated_response(serializer.data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.get_serializer(self.get_object()).data
        tag = etag_for(data)
        if tag in etag_values(request.headers.get("If-None-Match", "")):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": tag})
        return Response(data, headers={"ETag": tag})

    # writes

    def lock_for_write(self, instance: Any) -> None:
        """Lock the row so the If-Match comparison and the write see the same version."""
        list(type(instance)._default_manager.select_for_update().filter(pk=instance.pk).values_list("pk"))

    def get_object_for_write(self) -> Any:
        """The object, checked against ``If-Match`` (412 when stale). Call inside a transaction."""
        instance = self.get_object()
        header = self.request.headers.get("If-Match")
        if header is None:
            return instance
        self.lock_for_write(instance)
        instance = self.get_object()
        wanted = etag_values(header)
        if "*" not in wanted and etag_for(self.get_serializer(instance).data) not in wanted:
            raise PreconditionFailed(
                "The object changed since you read it (If-Match does not match its ETag). Fetch it again."
            )
        return instance

    def perform_service_create(self, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def perform_service_update(self, instance: Any, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def perform_service_destroy(self, instance: Any) -> None:
        raise NotImplementedError

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = self.perform_service_create(dict(serializer.validated_data))
        return self.respond(instance, status_code=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        with transaction.atomic():
            instance = self.get_object_for_write()
            serializer = self.get_serializer(instance, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            instance = self.perform_service_update(instance, dict(serializer.validated_data))
        return self.respond(instance)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        with transaction.atomic():
            self.perform_service_destroy(self.get_object_for_write())
        return Response(status=status.HTTP_204_NO_CONTENT)


# The HTTP methods of each kind of resource (no DELETE unless a service removes the object).
READ_ONLY = ["get", "head", "options"]
CREATE_READ = ["get", "post", "head", "options"]
CREATE_READ_UPDATE = ["get", "post", "put", "patch", "head", "options"]
