"""Small helpers every app's services use: validate-and-save, narrow updates, JSON snapshots."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models

from common.errors import ValidationFailed


def _json_value(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """A JSON-safe picture of some concrete fields, for the audit trail."""
    out: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        attname = getattr(field, "attname", name)
        out[name] = _json_value(getattr(instance, attname))
    return out


def validated_save(
    instance: models.Model, *, update_fields: list[str] | None = None, exclude: list[str] | None = None
) -> None:
    """``full_clean()`` then ``save()``; a Django validation error becomes a ``ValidationFailed``."""
    try:
        instance.full_clean(exclude=exclude, validate_constraints=True)
    except DjangoValidationError as exc:
        raise ValidationFailed.from_django(exc) from exc
    instance.save(update_fields=update_fields)


def model_update(
    *, instance: models.Model, data: Mapping[str, Any], allowed: Iterable[str]
) -> tuple[list[str], dict[str, Any], dict[str, Any]]:
    """Apply ``data`` (only ``allowed`` keys) to ``instance``; validate and save the changed fields.

    Returns the changed field names and the before/after snapshots of those fields.
    """
    allowed = set(allowed)
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ValidationFailed(
            f"Unknown or read-only field: {unknown[0]}.",
            fields={name: ["This field cannot be changed here."] for name in unknown},
        )
    changed: list[str] = []
    before: dict[str, Any] = {}
    for name, value in data.items():
        field = instance._meta.get_field(name)
        current = getattr(instance, field.attname)
        new = value.pk if isinstance(value, models.Model) else value
        if current != new:
            before.update(snapshot(instance, [name]))
            setattr(instance, field.attname, new)
            changed.append(name)
    if changed:
        if any(f.name == "updated_at" for f in instance._meta.concrete_fields):
            changed_with_ts = [*changed, "updated_at"]
        else:
            changed_with_ts = changed
        validated_save(instance, update_fields=changed_with_ts)
    return changed, before, snapshot(instance, changed)
