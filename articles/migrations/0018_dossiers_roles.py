"""Editors make and keep dossiers; journalists pick them in the article form (its autocomplete needs « view »)."""

from django.db import migrations

from common.roles import grant_app_permissions, remove_app_permissions

ROLE_PERMISSIONS = {
    "Rédaction en chef": ["add_dossier", "change_dossier", "delete_dossier", "view_dossier"],
    "Journalistes": ["view_dossier"],
}


def grant(apps, schema_editor):
    grant_app_permissions(apps, "articles", ROLE_PERMISSIONS)


def revoke(apps, schema_editor):
    remove_app_permissions(apps, "articles", ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("articles", "0017_dossiers")]

    operations = [migrations.RunPython(grant, revoke)]
