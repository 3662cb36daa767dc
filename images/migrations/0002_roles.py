"""Give the newsroom's roles the image library: journalists add and describe, editors also delete."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

JOURNALISTS = "Journalistes"
EDITORS = "Rédaction en chef"

ROLE_PERMISSIONS = {
    JOURNALISTS: ["add_image", "change_image", "view_image"],
    EDITORS: ["add_image", "change_image", "delete_image", "view_image"],
}


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations ran; the roles need them now.
    app_config = apps.get_app_config("images")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="images", codename__in=codenames))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=ROLE_PERMISSIONS):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="images"))


class Migration(migrations.Migration):
    dependencies = [
        ("images", "0001_initial"),
        ("articles", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
