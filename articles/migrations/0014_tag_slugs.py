"""Tags saved with an empty or unusable slug (« Москва », « 😀 » before articles.tags) get a usable one."""

from django.db import migrations

from articles.tags import is_usable_slug, unique_tag_slug


def give_usable_slugs(apps, schema_editor):
    Tag = apps.get_model("taggit", "Tag")
    for tag in Tag.objects.all().only("pk", "name", "slug").iterator():
        if not is_usable_slug(tag.slug):
            tag.slug = unique_tag_slug(tag.name, Tag.objects.all(), tag.pk)
            tag.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0013_revision_imported_action"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(give_usable_slugs, migrations.RunPython.noop)]
