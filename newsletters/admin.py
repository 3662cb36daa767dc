"""The newsletters in the admin: lists and editions (the editors'), subscribers (the « Relation abonnés » role's)."""

from . import admin_editions, admin_subscribers  # noqa: F401
