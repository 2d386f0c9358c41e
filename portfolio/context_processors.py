from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def portfolios(request: HttpRequest) -> dict[str, Any]:
    """The portfolios the signed-in user belongs to, for the switcher in the base layout."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from portfolio.selectors import portfolio_list_for_user

    return {"my_portfolios": portfolio_list_for_user(user=user)}
