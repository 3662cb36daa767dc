"""Editors write rectificatifs and updates; journalists read them and their articles' versions."""

from django.db import migrations

from common.roles import grant_app_permissions

ROLE_PERMISSIONS = {
    "Rédaction en chef": [
        "add_correction",
        "change_correction",
        "delete_correction",
        "view_correction",
        "view_articlerevision",
    ],
    "Journalistes": ["view_correction", "view_articlerevision"],
}


def grant(apps, schema_editor):
    grant_app_permissions(apps, "articles", ROLE_PERMISSIONS)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=ROLE_PERMISSIONS):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="articles", codename__in=ROLE_PERMISSIONS[group.name])
        )


class Migration(migrations.Migration):
    dependencies = [("articles", "0010_revisions_and_corrections")]

    operations = [migrations.RunPython(grant, revoke)]
