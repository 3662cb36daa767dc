"""The newsroom's roles as groups, so that an administrator only has to put people in them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

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
    # Permissions are normally created after all migrations ran; roles need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for app_label, codename in codenames:
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
