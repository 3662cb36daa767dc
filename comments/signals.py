"""Cross-cutting effects of comment changes: the pages that show approved comments, the blocklist's version."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

import pagecache
from articles.caching import article_tag
from articles.changes import stored_values

from .blocklist import blocklist_changed
from .models import BlockedTerm, Comment


@receiver(pre_save, sender=Comment)
def comment_about_to_change(sender, instance, raw=False, **kwargs):
    if not raw:
        instance._stored_before = stored_values(instance, "status")


@receiver(post_save, sender=Comment)
@receiver(post_delete, sender=Comment)
def comment_changed(sender, instance, raw=False, signal=None, **kwargs):
    # Held, rejected and spam comments are on no public page: a flood of them purges nothing.
    before = instance.__dict__.pop("_stored_before", None) or {}
    if raw or Comment.Status.APPROVED not in {before.get("status"), instance.status}:
        return
    was_public = before.get("status") == Comment.Status.APPROVED
    if signal is post_delete or (was_public and instance.status != Comment.Status.APPROVED):
        # Withdrawn from public view: never served again, not even while its pages are rendered anew.
        pagecache.purge(article_tag(instance.article_id), at_once=True)
    else:
        pagecache.purge(article_tag(instance.article_id))


@receiver(post_save, sender=BlockedTerm)
@receiver(post_delete, sender=BlockedTerm)
def blocked_terms_changed(sender, **kwargs):
    # At once, so that this process's next check sees its own change; and again once committed,
    # so that no server keeps a list it read before the commit under the new version.
    blocklist_changed()
    transaction.on_commit(blocklist_changed)
