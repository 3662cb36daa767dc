"""The newsroom's roles are groups; data migrations give each app's permissions to them."""

from django.contrib.auth import get_user_model
from django.contrib.auth.management import create_permissions
from django.db.models import Q, QuerySet


def holding(codename: str, app_label: str, *, staff_only: bool = True) -> QuerySet:
    """Active people who hold this permission, through a group, in their own right, or as superusers.

    Asking by permission rather than by group name keeps the answer right when an
    administrator builds another role. ``staff_only``: only those who may open the admin.
    """
    through_group = Q(groups__permissions__codename=codename, groups__permissions__content_type__app_label=app_label)
    in_own_right = Q(user_permissions__codename=codename, user_permissions__content_type__app_label=app_label)
    users = get_user_model().objects.filter(Q(is_superuser=True) | through_group | in_own_right)
    # Through a subquery rather than .distinct(): the joins must not duplicate anyone.
    people = get_user_model().objects.filter(pk__in=users.values("pk"), is_active=True)
    return people.filter(is_staff=True) if staff_only else people


def grant_app_permissions(apps, app_label: str, role_permissions: dict[str, list[str]]) -> None:
    """Give each group (created if needed) these permissions of ``app_label``."""
    # Permissions are normally created after all migrations ran; the roles need them now.
    app_config = apps.get_app_config(app_label)
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in role_permissions.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))


def revoke_app_permissions(apps, app_label: str, group_names) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=group_names):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label=app_label))


def remove_app_permissions(apps, app_label: str, role_permissions: dict[str, list[str]]) -> None:
    """Take these permissions of ``app_label`` from each group: the inverse of ``grant_app_permissions``."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=role_permissions):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label=app_label, codename__in=role_permissions[group.name])
        )
