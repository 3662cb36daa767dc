"""Cross-cutting effects of content changes: derived data and caches that must follow them."""

from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .models import Section, Territory
from .navigation import MENU_CACHE_KEY


def _rebuild_containers(**kwargs):
    # Run at once, inside the caller's transaction, so the next query already
    # sees the new containment; a full rebuild is cheap at a région's scale.
    if kwargs.get("raw"):
        return
    Territory.objects.rebuild_containers()


@receiver(post_save, sender=Territory)
def territory_saved(sender, instance, **kwargs):
    _rebuild_containers(**kwargs)


@receiver(post_delete, sender=Territory)
def territory_deleted(sender, instance, **kwargs):
    _rebuild_containers(**kwargs)


@receiver(m2m_changed, sender=Territory.groupings.through)
def territory_groupings_changed(sender, action, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"}:
        _rebuild_containers(**kwargs)


@receiver(post_save, sender=Section)
@receiver(post_delete, sender=Section)
def section_changed(sender, **kwargs):
    cache.delete(MENU_CACHE_KEY)
