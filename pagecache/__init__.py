"""A page cache for anonymous readers with exact invalidation by tags (see ``core`` and ``middleware``).

Views say what a page shows with ``tag()``; changes call ``purge()`` with the same tags.
"""

from .core import cache_until, depends_on, purge, register_expiry_source, register_personal_cookies, tag

__all__ = ["cache_until", "depends_on", "purge", "register_expiry_source", "register_personal_cookies", "tag"]
