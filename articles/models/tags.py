"""Topic tags on articles, through a link table of our own (taggit's tags, our foreign key)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from taggit.models import TaggedItemBase


class TaggedArticle(TaggedItemBase):
    """Topic tags (FinTech, IoT…) through a real foreign key, so tag pages join instead of using generic relations."""

    content_object = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="tagged_items")

    class Meta:
        verbose_name = _("mot-clé d’article")
        verbose_name_plural = _("mots-clés d’articles")
        indexes = [
            # A tag page reads its articles' ids from the index alone; a list filtered by tag checks
            # each article against the other one.
            models.Index(fields=["tag", "content_object"], name="taggedarticle_by_tag_idx"),
            models.Index(fields=["content_object", "tag"], name="taggedarticle_by_article_idx"),
        ]
