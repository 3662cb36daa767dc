"""The newsroom's people by what they may do: who writes articles, who publishes them.

Roles are groups holding permissions (migration 0002_roles); a person may also hold a
permission directly, or be a superuser. Asking by permission rather than by group name keeps
these lists right when an administrator builds another role.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet


def holding(codename: str, app_label: str = "articles") -> QuerySet:
    """Active staff who hold this permission, through a group, in their own right, or as superusers."""
    through_group = Q(groups__permissions__codename=codename, groups__permissions__content_type__app_label=app_label)
    in_own_right = Q(user_permissions__codename=codename, user_permissions__content_type__app_label=app_label)
    users = get_user_model().objects.filter(Q(is_superuser=True) | through_group | in_own_right)
    # Through a subquery rather than .distinct(): the joins must not duplicate anyone.
    return get_user_model().objects.filter(pk__in=users.values("pk"), is_active=True, is_staff=True)


def writers() -> QuerySet:
    """Who may sign an article: the newsroom's writing staff (journalists, editors), not moderators."""
    return holding("add_article")


def publishers() -> QuerySet:
    """Who reviews and publishes: the « Rédaction en chef » and anyone else holding « publish_article »."""
    return holding("publish_article")
