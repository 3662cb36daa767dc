"""The newsroom's roles are groups; data migrations give each app's permissions to them."""

from django.contrib.auth.management import create_permissions


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
