"""« /sante/ »: whether this app server can serve, for the health probes of Varnish and load balancers.

It answers 200 « ok » when the primary database answers ``SELECT 1`` and the shared cache keeps
and gives back a value; 503 with a short French detail when either does not. The read replica is
reported but never fails the server: without it, reads go to the primary (newsroom/replica.py).

The cache counts, although the site can render without it (common/cache.py), because without it a
server purges nothing, limits nothing and claims no form token. It is shared: a Redis down makes
every app server unhealthy at once, and Varnish then serves what it holds in grace and fails the
rest, where the servers could have rendered it, slowly. A choice to weigh with the probes' settings.

A probe comes every few seconds from each Varnish, by address and over plain HTTP, so the answer
is made before every other middleware (``HealthCheckMiddleware``, first in MIDDLEWARE): no HTTPS
redirect, no ALLOWED_HOSTS check of a Host the probe does not know, no page cache, session, CSRF
or rate limit; one query and two cache calls. It is never stored (``Cache-Control: no-store``)
and a 503 is logged as a warning, once a minute at most, not as a server error for every probe.
"""

import logging
import os
import socket
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.http import HttpResponse, HttpResponseNotAllowed

from . import replica

HEALTH_PATH = "/sante/"
_LOG_EVERY_SECONDS = 60
_last_logged = -float("inf")
logger = logging.getLogger(__name__)


def _database_answers() -> bool:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # whatever the reason, this server cannot serve pages
        logger.debug("Health check: the database does not answer", exc_info=True)
        return False


def _cache_answers() -> bool:
    # The cache forgives its failures (common/cache.py: a failed call reads as an empty cache), so
    # « answers » means: a fresh value written is read back. Per process and thread, so that two
    # probes never read each other's value; a new value each time, so an old one never passes.
    key = f"sante:{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"
    value = time.time_ns()
    try:
        cache.set(key, value, 60)
        return cache.get(key) == value
    except Exception:  # a backend that raises rather than forgives (another configured cache)
        logger.debug("Health check: the cache does not answer", exc_info=True)
        return False


def _replica_line() -> str | None:
    # What this process last learned, without asking: a replica that hangs must not slow the probe.
    if replica.REPLICA_DB_ALIAS not in settings.DATABASES:
        return None
    state = replica.last_known_state()
    if state is None:
        return "réplique : pas encore interrogée"
    if state.usable:
        return f"réplique : ok (retard {state.lag_seconds:.1f} s)".replace(".", ",")
    return f"réplique : {state.reason}, lectures sur la base principale"


def health(request):
    """200 « ok » or 503 with what does not answer; the replica's state on its own line."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    database_ok = _database_answers()
    cache_ok = _cache_answers()
    lines = [
        "ok" if database_ok and cache_ok else "indisponible",
        f"base de données : {'ok' if database_ok else 'ne répond pas'}",
        f"cache : {'ok' if cache_ok else 'ne répond pas'}",
    ]
    if (replica_line := _replica_line()) is not None:
        lines.append(replica_line)
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    if not (database_ok and cache_ok):
        response.status_code = 503
        _log_unhealthy(lines)
        # Django logs every 5xx as a server error (django.request); a probe's answer is not one.
        response._has_been_logged = True
    return response


def _log_unhealthy(lines: list[str]) -> None:
    global _last_logged
    now = time.monotonic()
    if now - _last_logged >= _LOG_EVERY_SECONDS:
        _last_logged = now
        logger.warning("Health check failed: %s", "; ".join(lines[1:]))


class HealthCheckMiddleware:
    """Answers ``/sante/`` before any other middleware (first in MIDDLEWARE, see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == HEALTH_PATH:
            return health(request)
        return self.get_response(request)
