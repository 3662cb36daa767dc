"""Editors see the outbox and may send a mail again; administrators have every permission anyway."""

from django.db import migrations

from common.roles import grant_app_permissions, remove_app_permissions

ROLE_PERMISSIONS = {"Rédaction en chef": ["view_mail", "change_mail"]}


def grant(apps, schema_editor):
    grant_app_permissions(apps, "outbox", ROLE_PERMISSIONS)


def revoke(apps, schema_editor):
    remove_app_permissions(apps, "outbox", ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("outbox", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(grant, revoke)]
