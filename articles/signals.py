"""Cross-cutting effects of content changes: derived data and caches that must follow them.

The search data has its own receivers, in ``search.signals``.
"""

from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from taggit.models import Tag

from documents.models import Document
from images.models import Image

from .models import Article, BodyReference, Section, Territory
from .navigation import MENU_CACHE_KEY
from .tags import is_usable_slug, unique_tag_slug


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


@receiver(pre_save, sender=Tag)
def tag_gets_a_usable_slug(sender, instance, raw=False, **kwargs):
    # taggit slugifies « Москва » or « !!! » to "" (articles.tags says why): an address readers can follow.
    if not raw and not is_usable_slug(instance.slug):
        instance.slug = unique_tag_slug(instance.name, sender.objects.all(), instance.pk)


@receiver(post_save, sender=Section)
@receiver(post_delete, sender=Section)
def section_changed(sender, **kwargs):
    cache.delete(MENU_CACHE_KEY)


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


@receiver(post_save, sender=Article)
def new_article_rerender_bodies_expecting_it(sender, instance, created, raw=False, **kwargs):
    # Bodies may link to an article before it exists (an import writes a post linking to a later
    # one): their references learn of it now, and their links come alive when it is visible.
    if raw or not created:
        return
    waiting = BodyReference.objects.filter(linked_slug=instance.slug, target_article=None).exclude(article=instance)
    pks = set(waiting.values_list("article_id", flat=True))
    if pks:
        waiting.update(target_article=instance)
        Article.objects.filter(pk__in=pks).rerender_bodies()


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


@receiver(post_save, sender=Document)
def document_saved_rerender_bodies(sender, instance, created, raw=False, **kwargs):
    # Its title, type, size, poster or transcript, as the bodies linking to or playing it show them.
    if not raw and not created:
        Article.objects.showing_document(instance).rerender_bodies()


@receiver(pre_delete, sender=Document)
def document_deleted_remember_bodies(sender, instance, **kwargs):
    instance._bodies_to_rerender = list(Article.objects.showing_document(instance).values_list("pk", flat=True))


@receiver(post_delete, sender=Document)
def document_deleted_rerender_bodies(sender, instance, **kwargs):
    Article.objects.filter(pk__in=instance.__dict__.pop("_bodies_to_rerender", [])).rerender_bodies()
