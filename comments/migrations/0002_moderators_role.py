"""Give the « Modérateurs » group the comments, and only the comments."""

from django.db import migrations

from common.roles import grant_app_permissions, revoke_app_permissions

ROLE_PERMISSIONS = {
    "Modérateurs": [
        "view_comment",
        "change_comment",
        "delete_comment",
        "moderate_comment",
        "add_blockedterm",
        "change_blockedterm",
        "delete_blockedterm",
        "view_blockedterm",
    ]
}


def grant(apps, schema_editor):
    grant_app_permissions(apps, "comments", ROLE_PERMISSIONS)


def revoke(apps, schema_editor):
    revoke_app_permissions(apps, "comments", ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
        ("articles", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
