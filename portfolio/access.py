"""Roles and permissions, in one place (DESIGN §5).

The tenancy kernel: every app's services and selectors may read this module (see
docs/decisions/0002-tenancy-kernel.md). It imports nothing from the other apps.

Outside one's portfolios everything is 404, never 403: a non-member learns nothing, not even
that the object exists. Inside, a missing permission is 403.
"""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Any

from django.db.models import QuerySet

from common.errors import NotFound, PermissionDenied, ValidationFailed
from portfolio.models import Membership, Role


class Perm(StrEnum):
    READ = "read"
    EDIT_BACKLOG = "edit_backlog"  # features, stories, WSJF inputs, teams, iterations
    PROPOSE_EPIC = "propose_epic"  # create and edit epics
    CHECK_IN = "check_in"  # key-result check-ins
    EDIT_GOVERNANCE = "edit_governance"  # governance records
    APPROVE_COMPLIANCE = "approve_compliance"
    MOVE_EPIC = "move_epic"  # portfolio Kanban moves
    DECIDE_GATE = "decide_gate"  # Go / No-Go
    SET_WIP = "set_wip"  # WIP limits and portfolio policy
    EDIT_OKRS = "edit_okrs"  # objectives and key results
    MANAGE_MEMBERS = "manage_members"


_EVERYONE = {Perm.READ}
_PO = {Perm.EDIT_BACKLOG, Perm.PROPOSE_EPIC, Perm.CHECK_IN}
_COMPLIANCE = {Perm.EDIT_GOVERNANCE, Perm.APPROVE_COMPLIANCE}
_CPO = {Perm.MOVE_EPIC, Perm.DECIDE_GATE, Perm.SET_WIP, Perm.EDIT_OKRS}

ROLE_PERMS: dict[str, frozenset[Perm]] = {
    Role.VIEWER: frozenset(_EVERYONE),
    Role.PRODUCT_OWNER: frozenset(_EVERYONE | _PO),
    Role.COMPLIANCE: frozenset(_EVERYONE | _COMPLIANCE),
    Role.CPO: frozenset(_EVERYONE | _PO | _CPO),
    Role.ADMIN: frozenset(_EVERYONE | _PO | _COMPLIANCE | _CPO | {Perm.MANAGE_MEMBERS}),
}


def _cache(user: Any) -> dict[uuid.UUID, str]:
    """Roles of ``user`` by portfolio id, loaded once per user object (one query per request)."""
    cached = getattr(user, "_lodestar_roles", None)
    if cached is None:
        cached = (
            {}
            if not getattr(user, "is_authenticated", False)
            else dict(Membership.objects.filter(user_id=user.pk).values_list("portfolio_id", "role"))
        )
        user._lodestar_roles = cached
    return cached


def forget_roles(user: Any) -> None:
    if hasattr(user, "_lodestar_roles"):
        del user._lodestar_roles


def role_of(*, user: Any, portfolio_id: uuid.UUID) -> str | None:
    return _cache(user).get(portfolio_id)


def portfolio_ids_for(*, user: Any) -> list[uuid.UUID]:
    return list(_cache(user))


def is_member(*, user: Any, portfolio_id: uuid.UUID) -> bool:
    """Whether ``user`` (any user, not only the signed-in one) belongs to the portfolio."""
    return Membership.objects.filter(user_id=getattr(user, "pk", user), portfolio_id=portfolio_id).exists()


def require_member(*, user: Any, portfolio_id: uuid.UUID, field: str) -> None:
    """A person named on an item (owner, reviewer) must belong to its portfolio."""
    if user is not None and not is_member(user=user, portfolio_id=portfolio_id):
        raise ValidationFailed(
            f"The {field} must be a member of this portfolio.", fields={field: ["Choose a member of this portfolio."]}
        )


def has_perm(*, user: Any, portfolio_id: uuid.UUID, perm: Perm) -> bool:
    role = role_of(user=user, portfolio_id=portfolio_id)
    return role is not None and perm in ROLE_PERMS[role]


def require(*, user: Any, portfolio_id: uuid.UUID, perm: Perm) -> str:
    """Raise NotFound outside the user's portfolios and PermissionDenied when the role lacks ``perm``."""
    role = role_of(user=user, portfolio_id=portfolio_id)
    if role is None:
        raise NotFound("Not found.")
    if perm not in ROLE_PERMS[role]:
        raise PermissionDenied(f"Your role ({Role(role).label}) cannot do this: {perm.value.replace('_', ' ')}.")
    return role


def visible(qs: QuerySet[Any], *, user: Any, field: str = "portfolio_id") -> QuerySet[Any]:
    """Restrict any portfolio-owned queryset to the user's portfolios."""
    return qs.filter(**{f"{field}__in": portfolio_ids_for(user=user)})
