"""Browser-side plumbing shared by every app's HTMX pages (STYLE §7, §9).

Domain errors are mapped once for the pages, as ``common.api.exception_handler`` maps them once
for the API: ``NotFound`` becomes Django's 404 page and ``PermissionDenied`` its 403 page, so a
selector's "not yours" never surfaces as a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from common.errors import NotFound, PermissionDenied

View = Callable[..., HttpResponse]


def page_errors(view: View) -> View:
    """Turn the domain's NotFound / PermissionDenied into Django's 404 / 403 responses."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from exc

    return wrapper


def swap_target(request: HttpRequest) -> str | None:
    """The id of the element an HTMX request swaps (``HX-Target``), or None for a full page load."""
    htmx = getattr(request, "htmx", None)
    if not htmx or htmx.boosted:
        return None
    return htmx.target
