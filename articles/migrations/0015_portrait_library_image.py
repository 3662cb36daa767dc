"""A personality's portrait becomes a library image: checked, stripped of its metadata, served as renditions.

Portraits uploaded before were served byte for byte (with their GPS position, camera serial
number and file name): each goes through the library's pipeline, becomes an Image, and the
original file is deleted. One that the pipeline refuses (a decompression bomb, not an image,
missing) is dropped, and said so.
"""

import django.db.models.deletion
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import migrations, models

from images.models import Image
from images.processing import process_upload


def portraits_into_the_library(apps, schema_editor):
    Personality = apps.get_model("articles", "Personality")
    for personality in Personality.objects.exclude(old_portrait="").exclude(old_portrait__isnull=True):
        name = personality.old_portrait.name
        try:
            with default_storage.open(name, "rb") as stored:
                processed = process_upload(stored)
        except (OSError, ValidationError) as error:
            print(f"\n  Portrait of « {personality.name} » dropped ({name}): {error}")
        else:
            # The real model: its save() writes the renditions (Image.attach).
            image = Image(alt_text=f"Portrait de {personality.name}"[:250])
            image.attach(processed)
            image.save()
            personality.portrait_id = image.pk
            personality.save(update_fields=["portrait"])
        if default_storage.exists(name):
            default_storage.delete(name)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0014_tag_slugs"),
        ("images", "0002_roles"),
    ]

    operations = [
        migrations.RenameField("personality", "portrait", "old_portrait"),
        migrations.AddField(
            model_name="personality",
            name="portrait",
            field=models.ForeignKey(
                blank=True,
                help_text="Une image de la photothèque (ajoutez-la d’abord dans « Images »), recadrée carrée de préférence.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="images.image",
                verbose_name="portrait",
            ),
        ),
        migrations.RunPython(portraits_into_the_library, migrations.RunPython.noop),
        migrations.RemoveField("personality", "old_portrait"),
    ]
