"""The accounts' middleware (named in settings.MIDDLEWARE)."""

from ita.accounts.sessions import SessionLimitsMiddleware

__all__ = ["SessionLimitsMiddleware"]
