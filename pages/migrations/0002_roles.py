"""Editors write, publish and delete the site's pages; journalists may read them in the admin."""

from django.db import migrations

from common.roles import grant_app_permissions, remove_app_permissions

ROLE_PERMISSIONS = {
    "Rédaction en chef": [
        "add_page",
        "change_page",
        "delete_page",
        "view_page",
        "view_pagerevision",
    ],
    "Journalistes": ["view_page", "view_pagerevision"],
}


def grant(apps, schema_editor):
    grant_app_permissions(apps, "pages", ROLE_PERMISSIONS)


def revoke(apps, schema_editor):
    remove_app_permissions(apps, "pages", ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("pages", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(grant, revoke)]
