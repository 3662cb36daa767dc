"""Counting what one address does in a time window, in the shared cache (all app servers see it)."""

import ipaddress
import time

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.filebased import FileBasedCache


def client_ip(request) -> str | None:
    """The address a request came from: REMOTE_ADDR, or the proxy's X-Forwarded-For when trusted."""
    address = request.META.get("REMOTE_ADDR", "")
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            address = forwarded.split(",")[-1].strip()
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def sender(address: str | None) -> str:
    """Who an address stands for: itself for IPv4, its /64 network for IPv6.

    One home or phone connection holds a whole /64 of IPv6 addresses: counted one by one, a
    single reader could pass any limit (or report a comment three times over).
    """
    try:
        parsed = ipaddress.ip_address(address or "")
    except ValueError:
        return address or ""
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped:  # « ::ffff:192.0.2.1 » is that IPv4 address
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False))


def _increment_loses_expiry() -> bool:
    # Files and the database have no increment of their own: Django's reads the count and writes it
    # back with the default timeout (5 minutes), so that a longer window would end 5 minutes after its
    # last hit, and a window of a day would forget a failure made every 6 minutes.
    return isinstance(caches["default"], FileBasedCache | DatabaseCache)


def count_hit(key: str, window_seconds: int) -> int:
    """Count one more hit on ``key``; how many there have been in its window.

    The window starts with the first hit (a fixed window, cheap: one add and one increment; on files
    or the database, the window's end is noted beside the count and given back to it after each).
    """
    window_end = f"{key}:ends"
    if cache.add(key, 0, window_seconds) and _increment_loses_expiry():
        cache.set(window_end, time.time() + window_seconds, window_seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window_seconds)
        return 1
    if _increment_loses_expiry():
        cache.touch(key, max(1, cache.get(window_end, time.time() + window_seconds) - time.time()))
    return count


def over_limit(key: str, limit: int, window_seconds: int) -> bool:
    """Count one more hit on ``key``; whether there have now been more than ``limit`` in the window."""
    return count_hit(key, window_seconds) > limit
