"""The settings that let several app servers share one service: the cache, the replica."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from ita import settings as app_settings
from ita.lib import replica
from ita.organisations.models import Province


def test_the_shared_cache_is_the_databases_unless_another_is_named() -> None:
    assert app_settings.cache_from_url("")["BACKEND"].endswith("db.DatabaseCache")
    assert app_settings.cache_from_url("db://")["LOCATION"] == "ita_cache"
    redis = app_settings.cache_from_url("redis://10.0.0.5:6379/1")
    assert redis == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://10.0.0.5:6379/1",
    }
    memcached = app_settings.cache_from_url("memcached://10.0.0.6:11211")
    assert memcached["LOCATION"] == "10.0.0.6:11211"
    assert app_settings.cache_from_url("dummy://")["BACKEND"].endswith("dummy.DummyCache")
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        app_settings.cache_from_url("mysql://x")


def test_reads_go_to_the_replica_only_inside_the_block_and_only_when_there_is_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    router = replica.ReplicaRouter()
    monkeypatch.setattr(replica, "configured", lambda: True)
    assert router.db_for_read(Province) is None
    with replica.reading_replica():
        assert router.db_for_read(Province) == "replica"
        assert router.db_for_write(Province) == "default"
    assert router.db_for_read(Province) is None
    assert router.allow_migrate("replica", "organisations") is False
    assert router.allow_migrate("default", "organisations") is True
    monkeypatch.setattr(replica, "configured", lambda: False)
    with replica.reading_replica():
        assert router.db_for_read(Province) is None
