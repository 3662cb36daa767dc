"""What each WordPress item became here.

One row per item of an export (author, term, attachment, post, comment), keyed by the
WordPress site and the item's own id: a second import of the same file finds its rows
and changes nothing, a newer export updates what changed, and the old addresses of the
site (``/?p=12``, ``/2016/07/14/slug/``, ``/category/economie/``) lead to the new pages.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from articles.models import Article, Personality, Section, Territory
from comments.models import Comment
from documents.models import Document
from images.models import Image
from pages.models import Page


class ImportedItemQuerySet(models.QuerySet):
    def of(self, source: str, kind: str, taxonomy: str = ""):
        return self.filter(source=source, kind=kind, taxonomy=taxonomy)


class ImportedItem(models.Model):
    """A WordPress item and what it became: an article, a comment, an image, a section, a tag…"""

    class Kind(models.TextChoices):
        AUTHOR = "author", _("auteur")
        TERM = "term", _("terme")
        ATTACHMENT = "attachment", _("fichier joint")
        POST = "post", _("article")
        PAGE = "page", _("page")
        COMMENT = "comment", _("commentaire")

    # The WordPress site (its wp:base_blog_url): two sites imported into one newsroom keep apart.
    source = models.CharField(_("site WordPress"), max_length=200)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    # For terms, their taxonomy (category, post_tag, ville…): WordPress numbers terms per site, not per taxonomy,
    # but items name their terms by taxonomy and slug.
    taxonomy = models.CharField(_("taxinomie"), max_length=100, blank=True)
    # The post, comment or term id; an author's login; an attachment's file path when it has no id.
    wordpress_id = models.CharField(_("identifiant WordPress"), max_length=300)
    # The slug WordPress used (decoded), and the path of the item's own address: what old links ask for.
    wordpress_slug = models.CharField(_("adresse WordPress"), max_length=200, blank=True, db_index=True)
    old_path = models.CharField(_("ancienne adresse"), max_length=500, blank=True, db_index=True)
    # A digest of the WordPress data last imported: the same digest, nothing to do.
    fingerprint = models.CharField(max_length=64, blank=True)
    # For posts, the article's version the import wrote: a later version was made here, by the newsroom,
    # and a newer export does not overwrite it.
    imported_version = models.PositiveIntegerField(null=True, blank=True)
    imported_at = models.DateTimeField(_("importé le"), auto_now=True)
    # For attachments, the post they were uploaded to (wp:post_parent) and their rank there (wp:menu_order):
    # a [gallery] without ids shows them, even when the post and its media come in separate export files.
    parent_post = models.CharField(_("article parent"), max_length=300, blank=True, db_index=True)
    menu_order = models.IntegerField(_("ordre"), default=0)
    # For a post imported without some of its media (an « Articles » export before its « Médias » one):
    # the attachment ids and upload paths it waits for, and its WordPress data to convert it again once
    # a later run brings them. Emptied once complete.
    pending = models.JSONField(_("en attente de fichiers"), null=True, blank=True)

    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # A WordPress page (post type « page »): a page of the site here (pages.Page), at /page/<slug>/.
    page = models.ForeignKey(Page, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    image = models.ForeignKey(Image, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # An attachment that is a PDF, an office file, a sound or a video: the document library's copy.
    document = models.ForeignKey(Document, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    section = models.ForeignKey(Section, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    tag = models.ForeignKey(Tag, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    territory = models.ForeignKey(Territory, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    personality = models.ForeignKey(Personality, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    objects = ImportedItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("élément importé de WordPress")
        verbose_name_plural = _("éléments importés de WordPress")
        constraints = [
            models.UniqueConstraint(fields=["source", "kind", "taxonomy", "wordpress_id"], name="wordpress_item_unique")
        ]
        indexes = [models.Index(fields=["kind", "wordpress_id"], name="wordpress_item_kind_id_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.wordpress_id} ({self.source})"

    # What the item became, whichever kind it is.
    TARGETS = ("article", "page", "comment", "image", "document", "section", "tag", "territory", "personality", "user")

    @property
    def target(self):
        return next((getattr(self, name) for name in self.TARGETS if getattr(self, f"{name}_id")), None)
