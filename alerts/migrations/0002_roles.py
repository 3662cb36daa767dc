"""Editors put alerts up and take them down; journalists may see them in the admin. Nobody deletes one:
the history stays (« Retirer l’alerte » is the way to take one off the site)."""

from django.db import migrations

from common.roles import grant_app_permissions, remove_app_permissions

ROLE_PERMISSIONS = {
    "Rédaction en chef": ["add_alert", "change_alert", "view_alert"],
    "Journalistes": ["view_alert"],
}


def grant(apps, schema_editor):
    grant_app_permissions(apps, "alerts", ROLE_PERMISSIONS)


def revoke(apps, schema_editor):
    remove_app_permissions(apps, "alerts", ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("alerts", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(grant, revoke)]
