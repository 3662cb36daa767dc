"""The newsroom's roles as groups, so that an administrator only has to put people in them."""

from django.db import migrations

from common.roles import grant_app_permissions

JOURNALISTS = "Journalistes"
EDITORS = "Rédaction en chef"
MODERATORS = "Modérateurs"

ROLE_PERMISSIONS = {
    JOURNALISTS: [
        ("articles", "add_article"),
        ("articles", "change_article"),
        ("articles", "view_article"),
        ("articles", "view_section"),
        ("articles", "add_territory"),
        ("articles", "change_territory"),
        ("articles", "view_territory"),
        ("articles", "add_personality"),
        ("articles", "change_personality"),
        ("articles", "view_personality"),
        ("taggit", "add_tag"),
        ("taggit", "view_tag"),
    ],
    EDITORS: [
        (app, f"{action}_{model}")
        for app, model in [
            ("articles", "article"),
            ("articles", "section"),
            ("articles", "territory"),
            ("articles", "personality"),
            ("articles", "articleslugredirect"),
            ("taggit", "tag"),
        ]
        for action in ("add", "change", "delete", "view")
    ]
    + [("articles", "publish_article")],
    # Comment permissions are granted by the comments app's own migration.
    MODERATORS: [],
}


def create_roles(apps, schema_editor):
    for app_label in ("articles", "taggit"):
        grant_app_permissions(
            apps,
            app_label,
            {group: [code for app, code in pairs if app == app_label] for group, pairs in ROLE_PERMISSIONS.items()},
        )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
