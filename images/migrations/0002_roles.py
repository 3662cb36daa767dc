"""Give the newsroom's roles the image library: journalists add and describe, editors also delete."""

from django.db import migrations

from common.roles import grant_app_permissions, revoke_app_permissions

ROLE_PERMISSIONS = {
    "Journalistes": ["add_image", "change_image", "view_image"],
    "Rédaction en chef": ["add_image", "change_image", "delete_image", "view_image"],
}


def grant(apps, schema_editor):
    grant_app_permissions(apps, "images", ROLE_PERMISSIONS)


def revoke(apps, schema_editor):
    revoke_app_permissions(apps, "images", ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("images", "0001_initial"),
        ("articles", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
