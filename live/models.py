"""Live coverage (« Direct »): an article made live, and the short entries journalists post on it.

Entries are written in the article body's stored formats (``articles.body``: paragraphs, links,
library images, embeds…), checked by the same rules, and rendered once when saved, as articles
are: readers' pages and the shared polling address never run the body's parser.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Article


class LiveCoverage(models.Model):
    """An article made live: its entries show on its page, newest first, until an editor ends it."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="live", verbose_name=_("article"))
    started_at = models.DateTimeField(_("commencé le"), default=timezone.now)
    # Set by an editor (« Ce direct est terminé »): the page then becomes an ordinary cached article.
    ended_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lancé par"),
    )

    class Meta:
        verbose_name = _("direct")
        verbose_name_plural = _("directs")

    def __str__(self):
        return str(self.article)

    @property
    def is_ongoing(self) -> bool:
        return self.ended_at is None


class LiveEntryQuerySet(models.QuerySet):
    def shown(self) -> "LiveEntryQuerySet":
        """What readers see: every entry not withdrawn."""
        return self.filter(withdrawn_at__isnull=True)

    def for_readers(self) -> "LiveEntryQuerySet":
        """Shown entries in the page's order: pinned first, then the newest first."""
        return self.shown().order_by("-is_pinned", "-published_at", "-pk")

    def key_moments(self) -> "LiveEntryQuerySet":
        """« Temps forts »: the summary at the top, oldest first, as the story unfolded."""
        return self.shown().filter(is_key_moment=True).order_by("published_at", "pk")


class LiveEntry(models.Model):
    """One entry of a live: a time, a short text, an author; pinned or a key moment; corrected or withdrawn."""

    coverage = models.ForeignKey(
        LiveCoverage, on_delete=models.CASCADE, related_name="entries", verbose_name=_("direct")
    )
    # The stored body format (articles.body.clean_body), and what readers get, rendered when saved.
    body = models.TextField(_("texte"))
    body_html = models.TextField(editable=False, default="")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("auteur"),
    )
    published_at = models.DateTimeField(_("publié à"), default=timezone.now)
    # Shown to readers as « modifié à 14 h 32 » when a journalist corrects the text.
    edited_at = models.DateTimeField(_("modifié à"), null=True, blank=True)
    # Withdrawn entries leave readers' pages at once, and stay here for the record.
    withdrawn_at = models.DateTimeField(_("retiré à"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("retiré par"),
    )
    is_pinned = models.BooleanField(_("épinglé en tête"), default=False)
    is_key_moment = models.BooleanField(_("temps fort"), default=False)

    objects = LiveEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("entrée de direct")
        verbose_name_plural = _("entrées de direct")
        indexes = [models.Index(fields=["coverage", "-published_at"], name="live_entry_newest_idx")]

    def __str__(self):
        return f"{self.coverage} — {timezone.localtime(self.published_at):%H:%M}"
