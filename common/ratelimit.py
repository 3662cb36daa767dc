"""Counting what one address does in a time window, in the shared cache (all app servers see it)."""

from django.core.cache import cache


def over_limit(key: str, limit: int, window_seconds: int) -> bool:
    """Count one more hit on ``key``; whether there have now been more than ``limit`` in the window.

    The window starts with the first hit (a fixed window, cheap: one add and one increment).
    """
    cache.add(key, 0, window_seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window_seconds)
        count = 1
    return count > limit
