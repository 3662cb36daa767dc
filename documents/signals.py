"""File clean-up: a deleted document takes its file with it."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from images.models import delete_stored_files

from .models import Document


@receiver(post_delete, sender=Document, dispatch_uid="documents_delete_file")
def delete_file_of_deleted_document(sender, instance: Document, **kwargs):
    # A signal rather than Document.delete(), which bulk deletions (the admin action) never call.
    # After the commit, so that a rolled-back deletion still finds its file.
    if instance.file.name:
        storage, name = instance.file.storage, instance.file.name
        transaction.on_commit(lambda: delete_stored_files(storage, [name]))
