"""Give the newsroom's roles the document library: journalists add and describe, editors also delete."""

from django.db import migrations

from common.roles import grant_app_permissions, remove_app_permissions

ROLE_PERMISSIONS = {
    "Journalistes": ["add_document", "change_document", "view_document"],
    "Rédaction en chef": ["add_document", "change_document", "delete_document", "view_document"],
}


def grant(apps, schema_editor):
    grant_app_permissions(apps, "documents", ROLE_PERMISSIONS)


def revoke(apps, schema_editor):
    remove_app_permissions(apps, "documents", ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0001_initial"),
        ("images", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
