"""Cross-cutting effects of live changes: the cached pages that show a live's entries (see ``caching``)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .caching import purge_coverage, purge_entry
from .models import LiveCoverage, LiveEntry


@receiver(post_save, sender=LiveEntry)
@receiver(post_delete, sender=LiveEntry)
def live_entry_changed(sender, instance, raw=False, signal=None, **kwargs):
    if raw:
        return
    # A withdrawn entry is saved again only to be withdrawn or restored for the record: purging it
    # at once each time costs nothing more, and spares a query to know whether it just left readers.
    purge_entry(instance, withdrawn=signal is post_delete or instance.withdrawn_at is not None)


@receiver(post_save, sender=LiveCoverage)
@receiver(post_delete, sender=LiveCoverage)
def live_coverage_changed(sender, instance, raw=False, signal=None, **kwargs):
    if not raw:
        purge_coverage(instance, withdrawn=signal is post_delete)
