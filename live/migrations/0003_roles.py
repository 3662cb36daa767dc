"""Journalists and editors make articles live and write in them; entries are withdrawn, never deleted."""

from django.db import migrations

from common.roles import grant_app_permissions, remove_app_permissions

WRITING = [
    "add_livecoverage",
    "change_livecoverage",
    "view_livecoverage",
    "add_liveentry",
    "change_liveentry",
    "view_liveentry",
]
ROLE_PERMISSIONS = {"Journalistes": WRITING, "Rédaction en chef": WRITING}


def grant(apps, schema_editor):
    grant_app_permissions(apps, "live", ROLE_PERMISSIONS)


def revoke(apps, schema_editor):
    remove_app_permissions(apps, "live", ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("live", "0002_ordering"), ("articles", "0002_roles")]

    operations = [migrations.RunPython(grant, revoke)]
