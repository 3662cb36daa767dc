"""The newsroom's people by what they may do: who writes articles, who publishes them.

Roles are groups holding permissions (migration 0002_roles); a person may also hold a
permission directly, or be a superuser. Asking by permission rather than by group name keeps
these lists right when an administrator builds another role.
"""

from django.db.models import QuerySet

from common.roles import holding


def writers() -> QuerySet:
    """Who may sign an article: the newsroom's writing staff (journalists, editors), not moderators."""
    return holding("add_article", "articles")


def publishers() -> QuerySet:
    """Who reviews and publishes: the « Rédaction en chef » and anyone else holding « publish_article »."""
    return holding("publish_article", "articles")
