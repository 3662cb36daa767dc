"""A page cache for anonymous readers with exact invalidation by tags (see ``core`` and ``middleware``).

Views say what a page shows with ``tag()``, and which query parameters it read with
``canonical_query()``; changes call ``purge()`` with the same tags.
"""

from .core import (
    SITE_TAG,
    at_batch_end,
    batching,
    cache_until,
    canonical_query,
    depends_on,
    purge,
    purges_deferred,
    register_expiry_source,
    register_personal_cookies,
    tag,
)

__all__ = [
    "SITE_TAG",
    "batching",
    "at_batch_end",
    "cache_until",
    "canonical_query",
    "depends_on",
    "purge",
    "purges_deferred",
    "register_expiry_source",
    "register_personal_cookies",
    "tag",
]
