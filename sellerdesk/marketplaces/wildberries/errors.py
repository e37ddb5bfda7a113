"""What can go wrong talking to Wildberries, sorted by what the caller should do next."""

from __future__ import annotations

from sellerdesk.marketplaces.base import ConnectorError


class WildberriesError(ConnectorError):
    """Base class. ``outcome_unknown``: the request may have taken effect (check before resending)."""

    def __init__(
        self,
        message: str,
        *,
        retryable: bool,
        status: int | None = None,
        outcome_unknown: bool = False,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(
            message,
            retryable=retryable,
            status=status,
            outcome_unknown=outcome_unknown,
            retry_after=retry_after,
        )


class WildberriesNetworkError(WildberriesError):
    """Timeout, refused or dropped connection."""


class WildberriesServerError(WildberriesError):
    """5xx, or a 2xx whose body is not the documented JSON."""


class WildberriesRateLimited(WildberriesError):
    """429 from the server, or our own limiter would have had to wait too long."""


class WildberriesAuthError(WildberriesError):
    """401/403: the token is wrong, revoked or lacks the category. Retrying cannot help."""

    def __init__(self, message: str, *, retryable: bool = False, status: int | None = None) -> None:
        super().__init__(message, retryable=retryable, status=status)
        self.auth_refused = True


class WildberriesRequestError(WildberriesError):
    """Another 4xx: the marketplace refused this request as it is."""
