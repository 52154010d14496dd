"""Read-only traffic on a streaming replica, when one is configured (``DATABASE_REPLICA_URL``).

``with reading_replica(): ...`` sends that block's reads to the "replica" database; everything
else, and every write, goes to "default". The open-data API reads this way (``ita.api.http``):
its answers may lag the primary by the replica's delay, its version stamp with them, so a page
is never cached under a version newer than the data it was built from.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db.models import Model

REPLICA = "replica"
_on_replica: ContextVar[bool] = ContextVar("on_replica", default=False)


@contextmanager
def reading_replica() -> Iterator[None]:
    token = _on_replica.set(True)
    try:
        yield
    finally:
        _on_replica.reset(token)


def configured() -> bool:
    return REPLICA in settings.DATABASES


class ReplicaRouter:
    def db_for_read(self, model: type[Model], **hints: object) -> str | None:
        if _on_replica.get() and configured():
            return REPLICA
        return None

    def db_for_write(self, model: type[Model], **hints: object) -> str | None:
        return "default"

    def allow_relation(self, obj1: Model, obj2: Model, **hints: object) -> bool | None:
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: object) -> bool | None:
        return db != REPLICA
