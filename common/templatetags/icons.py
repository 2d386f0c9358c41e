"""``{% icon "name" %}``: the inline SVG icons, rendered once per name and process, then reused.

The icons are static markup; including their template on every table row cost more than the row.
"""

from __future__ import annotations

import functools

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@functools.cache
def _svg(name: str) -> SafeString:
    return mark_safe(render_to_string("backlog/partials/icon.html", {"name": name}).strip())  # noqa: S308 - our own template


@register.simple_tag
def icon(name: str) -> SafeString:
    return _svg(name)
