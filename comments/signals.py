"""Cross-cutting effects of comment changes: the pages that show approved comments."""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

import pagecache
from articles.caching import article_tag

from .models import Comment


@receiver(pre_save, sender=Comment)
def comment_about_to_change(sender, instance, raw=False, **kwargs):
    if not raw and instance.pk is not None:
        instance._status_before = sender.objects.filter(pk=instance.pk).values_list("status", flat=True).first()


@receiver(post_save, sender=Comment)
@receiver(post_delete, sender=Comment)
def comment_changed(sender, instance, raw=False, **kwargs):
    # Held, rejected and spam comments are on no public page: a flood of them purges nothing.
    before = instance.__dict__.pop("_status_before", None)
    if not raw and Comment.Status.APPROVED in {before, instance.status}:
        pagecache.purge(article_tag(instance.article_id))
