"""Cross-cutting effects of content changes: derived data and caches that must follow them."""

from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from taggit.models import Tag

from images.models import Image

from .changes import has_changed, stored_values
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
    if not raw:
        instance._search_previous = stored_values(instance, "name")


@receiver(post_save, sender=Tag)
@receiver(post_save, sender=Territory)
@receiver(post_save, sender=Personality)
def renamed_refresh_search(sender, instance, created, raw=False, **kwargs):
    previous = instance.__dict__.pop("_search_previous", None)
    if not raw and not created and previous is not None and has_changed(previous, instance, ["name"]):
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


# Stored bodies ----------------------------------------------------------------------
# An article's body is rendered when the article is saved (Article.save()). What it shows
# of other articles (their address, whether readers may see them) and of library images
# (alt text, caption, credit, renditions) is rendered again here when those change, at
# once, inside the caller's transaction. Scheduled links need no write: see
# Article.body_html_expires_at.


@receiver(post_save, sender=Article)
def linked_article_saved_rerender_bodies(sender, instance, created, raw=False, **kwargs):
    if raw or created or not instance.link_target_changed():
        return
    Article.objects.linking_to(instance).exclude(pk=instance.pk).rerender_bodies()


@receiver(pre_delete, sender=Article)
def linked_article_deleted_remember_bodies(sender, instance, **kwargs):
    # Their references lose the article on deletion: remember who linked here before.
    instance._bodies_to_rerender = list(Article.objects.linking_to(instance).values_list("pk", flat=True))


@receiver(post_delete, sender=Article)
def linked_article_deleted_rerender_bodies(sender, instance, **kwargs):
    pks = instance.__dict__.pop("_bodies_to_rerender", [])
    Article.objects.filter(pk__in=pks).exclude(pk=instance.pk).rerender_bodies()


@receiver(post_save, sender=Image)
def image_saved_rerender_bodies(sender, instance, created, raw=False, **kwargs):
    if not raw and not created:
        Article.objects.showing_image(instance).rerender_bodies()


@receiver(pre_delete, sender=Image)
def image_deleted_remember_bodies(sender, instance, **kwargs):
    instance._bodies_to_rerender = list(Article.objects.showing_image(instance).values_list("pk", flat=True))


@receiver(post_delete, sender=Image)
def image_deleted_rerender_bodies(sender, instance, **kwargs):
    Article.objects.filter(pk__in=instance.__dict__.pop("_bodies_to_rerender", [])).rerender_bodies()
