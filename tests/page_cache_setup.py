"""The page cache turned on for a test, as readers get the site: one way, for every test file that needs it.

``tests/conftest.py`` offers it as the ``page_cache`` fixture (over files, pages kept an hour); a file
that wants Redis too, or pages kept longer, calls ``turn_on`` from its own fixture.
"""

import os

import pytest
from django.core.cache import cache

# Production's shared cache, started by `make test` (tests needing it are skipped without it).
REDIS_URL = os.environ.get("NEWSROOM_TEST_REDIS_URL")


def turn_on(settings, tmp_path, backend: str = "files", seconds: int = 3600) -> None:
    """The page cache on for ``seconds``, over a shared cache that starts empty: ``"files"`` or ``"redis"``."""
    if backend == "redis":
        if not REDIS_URL:
            pytest.skip("NEWSROOM_TEST_REDIS_URL is not set: run the suite with `make test`, which starts Redis")
        location = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    else:
        location = {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(tmp_path / "c")}
    settings.CACHES = {"default": {**location, "KEY_PREFIX": "tests"}}
    settings.PAGE_CACHE_SECONDS = seconds
    # Not a hash of the code, computed by each client: a file edited meanwhile would change it.
    settings.PAGE_CACHE_RELEASE = "tests"
    cache.clear()
