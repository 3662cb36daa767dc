"""Moderators keep the commenter rules, handle reports and read the decisions' log."""

from django.db import migrations

from common.roles import grant_app_permissions

ROLE_PERMISSIONS = {
    "Modérateurs": [
        "add_commenterrule",
        "change_commenterrule",
        "view_commenterrule",
        "change_commentreport",
        "view_commentreport",
        "view_moderationdecision",
    ]
}


def grant(apps, schema_editor):
    grant_app_permissions(apps, "comments", ROLE_PERMISSIONS)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=ROLE_PERMISSIONS):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="comments", codename__in=ROLE_PERMISSIONS[group.name])
        )


class Migration(migrations.Migration):
    dependencies = [("comments", "0004_moderation_desk")]

    operations = [migrations.RunPython(grant, revoke)]
