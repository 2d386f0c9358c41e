"""Small helpers every app's services use: validate-and-save, narrow updates, JSON snapshots."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q

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


# Friendly words for the database's constraints, by the end of their names.
_CONSTRAINT_MESSAGES = (
    ("_fibonacci", "Use the modified Fibonacci scale: 1, 2, 3, 5, 8, 13, 20."),
    ("_required", "This field cannot be blank."),
    ("_unique_name", "This name is already used in the portfolio."),
    ("_unique_ref", "This reference is already used."),
    ("_order", "The end must not be before the start."),
    ("_positive", "Enter a positive number."),
)


def _condition_fields(condition: Q) -> set[str]:
    names: set[str] = set()
    for child in condition.children:
        if isinstance(child, Q):
            names |= _condition_fields(child)
        else:
            names.add(child[0].split("__")[0])
    return names


def constraint_error(model: type[models.Model], name: str | None) -> ValidationFailed:
    """The field error for a violated database constraint of ``model``."""
    fields: list[str] = []
    for constraint in model._meta.constraints:
        if constraint.name == name:
            if isinstance(constraint, models.UniqueConstraint):
                fields = list(constraint.fields)
            elif isinstance(constraint, models.CheckConstraint):
                fields = sorted(_condition_fields(constraint.condition))
    message = next((m for suffix, m in _CONSTRAINT_MESSAGES if name and name.endswith(suffix)), None)
    message = message or f"This is not allowed ({(name or 'a data rule').replace('_', ' ')})."
    return ValidationFailed(message, fields={field: [message] for field in fields or ["__all__"]})


def validated_save(
    instance: models.Model, *, update_fields: list[str] | None = None, exclude: list[str] | None = None
) -> None:
    """Validate the fields, then save; the database checks the constraints.

    Field validation (required, choices, lengths, digits) runs in Python and costs no query.
    Constraints live in PostgreSQL (STYLE §5): the save runs in a savepoint and a violation
    becomes a ``ValidationFailed`` naming the fields, so the caller's transaction stays usable
    and no request ends in a 500.
    """
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except DjangoValidationError as exc:
        raise ValidationFailed.from_django(exc) from exc
    try:
        with transaction.atomic():
            instance.save(update_fields=update_fields)
    except IntegrityError as exc:
        diag = getattr(exc.__cause__, "diag", None)
        raise constraint_error(type(instance), getattr(diag, "constraint_name", None)) from exc


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
