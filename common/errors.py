"""One hierarchy of domain errors, with user-safe messages. Each interface maps it once."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError


class ApplicationError(Exception):
    status = 400
    code = "error"

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        if code:
            self.code = code

    def as_dict(self) -> dict[str, object]:
        body: dict[str, object] = {"detail": self.message, "code": self.code}
        if self.fields:
            body["fields"] = self.fields
        return body


class ValidationFailed(ApplicationError):
    status = 400
    code = "invalid"

    @classmethod
    def from_django(cls, exc: DjangoValidationError) -> ValidationFailed:
        if hasattr(exc, "error_dict"):
            fields = {name: [str(m) for m in msgs] for name, msgs in exc.message_dict.items()}
            first = next(iter(fields.values()))[0] if fields else "Invalid input."
            return cls(first, fields=fields)
        return cls("; ".join(exc.messages))


class PermissionDenied(ApplicationError):
    status = 403
    code = "permission_denied"


class NotFound(ApplicationError):
    status = 404
    code = "not_found"


class Conflict(ApplicationError):
    status = 409
    code = "conflict"


class PreconditionFailed(ApplicationError):
    status = 412
    code = "precondition_failed"
