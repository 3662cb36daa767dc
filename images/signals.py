"""File clean-up: a deleted image takes its master and renditions with it."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import Image, delete_stored_files


@receiver(post_delete, sender=Image, dispatch_uid="images_delete_files")
def delete_files_of_deleted_image(sender, instance: Image, **kwargs):
    # A signal rather than Image.delete(), which bulk deletions (the admin action) never call.
    # After the commit, so that a rolled-back deletion still finds its files.
    names = instance.file_names()
    storage = instance.file.storage
    transaction.on_commit(lambda: delete_stored_files(storage, names))
