"""Editors make the lists and the editions; only the « Relation abonnés » role sees subscribers' addresses
(and exports them). The two lists every newsroom starts with: the morning letter and the alerts."""

import datetime

from django.db import migrations

from common.roles import grant_app_permissions, remove_app_permissions

ROLE_PERMISSIONS = {
    "Rédaction en chef": [
        "add_newsletterlist",
        "change_newsletterlist",
        "view_newsletterlist",
        "add_edition",
        "change_edition",
        "view_edition",
        "add_editionitem",
        "change_editionitem",
        "delete_editionitem",
        "view_editionitem",
    ],
    "Relation abonnés": [
        "view_newsletterlist",
        "view_subscriber",
        "change_subscriber",
        "export_subscriber",
        "view_subscription",
        "change_subscription",
    ],
}

LISTS = [
    {
        "slug": "lettre-du-matin",
        "name": "La lettre du matin",
        "kind": "daily",
        "description": "Chaque matin à 6 h 30, la une et l’essentiel de l’actualité de la région.",
        "send_time": datetime.time(6, 30),
        "position": 1,
    },
    {
        "slug": "alerte-info",
        "name": "Alerte info",
        "kind": "alert",
        "description": "Les informations importantes, dès qu’elles tombent.",
        "send_time": None,
        "position": 2,
    },
]


def forwards(apps, schema_editor):
    grant_app_permissions(apps, "newsletters", ROLE_PERMISSIONS)
    NewsletterList = apps.get_model("newsletters", "NewsletterList")
    for values in LISTS:
        NewsletterList.objects.get_or_create(slug=values["slug"], defaults=values)


def backwards(apps, schema_editor):
    remove_app_permissions(apps, "newsletters", ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("newsletters", "0001_newsletters"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(forwards, backwards)]
