"""Cross-cutting effects of content changes: derived data and caches that must follow them."""

from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from taggit.models import Tag

from .models import Article, Personality, Section, Territory
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


# Search data ----------------------------------------------------------------------
# Refreshed at once, inside the caller's transaction, like the containers above: the
# next search already sees the change, and a rollback undoes both.

SEARCHED_ARTICLE_FIELDS = {"title", "standfirst", "body"}


@receiver(post_save, sender=Article)
def article_saved_refresh_search(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields is not None and not SEARCHED_ARTICLE_FIELDS & set(update_fields)):
        return
    instance.refresh_search_data()


def _articles_naming(thing):
    """The articles whose search data holds the name of this tag, territory or personality."""
    if isinstance(thing, Territory):
        return Article.objects.filter(territories=thing)
    if isinstance(thing, Personality):
        return Article.objects.filter(personalities=thing)
    return Article.objects.filter(tagged_items__tag=thing)


@receiver(m2m_changed, sender=Article.tags.through)
@receiver(m2m_changed, sender=Article.territories.through)
@receiver(m2m_changed, sender=Article.personalities.through)
def article_links_changed_refresh_search(sender, instance, action, reverse, pk_set, **kwargs):
    if reverse and action == "pre_clear":
        # From a territory's or a person's side, clear() does not say which articles lose them.
        instance._search_cleared_articles = list(_articles_naming(instance).values_list("pk", flat=True))
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        instance.refresh_search_data()
    else:
        pks = instance.__dict__.pop("_search_cleared_articles", []) if action == "post_clear" else pk_set
        Article.objects.filter(pk__in=pks or []).refresh_search_data()


@receiver(pre_save, sender=Tag)
@receiver(pre_save, sender=Territory)
@receiver(pre_save, sender=Personality)
def name_may_change(sender, instance, raw=False, **kwargs):
    if not raw and instance.pk is not None:
        instance._search_previous_name = sender.objects.filter(pk=instance.pk).values_list("name", flat=True).first()


@receiver(post_save, sender=Tag)
@receiver(post_save, sender=Territory)
@receiver(post_save, sender=Personality)
def renamed_refresh_search(sender, instance, created, raw=False, **kwargs):
    previous = instance.__dict__.pop("_search_previous_name", None)
    if not raw and not created and previous is not None and previous != instance.name:
        _articles_naming(instance).refresh_search_data()


@receiver(pre_delete, sender=Tag)
@receiver(pre_delete, sender=Territory)
@receiver(pre_delete, sender=Personality)
def named_thing_deleted(sender, instance, **kwargs):
    # Its links to articles go without signals: remember the articles to refresh after.
    instance._search_articles_to_refresh = list(_articles_naming(instance).values_list("pk", flat=True))


@receiver(post_delete, sender=Tag)
@receiver(post_delete, sender=Territory)
@receiver(post_delete, sender=Personality)
def named_thing_deleted_refresh_search(sender, instance, **kwargs):
    Article.objects.filter(pk__in=instance.__dict__.pop("_search_articles_to_refresh", [])).refresh_search_data()
