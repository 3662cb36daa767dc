"""Live coverage (« Direct »): an article made live, and the short entries journalists post on it.

Entries are written in the article body's stored formats (``articles.body``: paragraphs, links,
library images, embeds…), checked by the same rules, and rendered once when saved, as articles
are: readers' pages and the shared polling address never run the body's parser.
"""

import re

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from articles import embeds
from articles.body import References, clean_body, outline, render_body
from articles.models import Article, BodyReference
from documents.models import Document
from images.models import Image


def may_post(user) -> bool:
    """Who may make an article live and post on it: whoever may edit articles (journalists, editors)."""
    return user.has_perm("articles.change_article") and user.has_perm("live.add_liveentry")


def may_end(user) -> bool:
    """Who may end a live: the « Rédaction en chef » (whoever may publish articles)."""
    return Article.can_publish(user)


def check_may_post(user) -> None:
    if not may_post(user):
        raise PermissionDenied(_("Seuls les journalistes et la rédaction en chef peuvent écrire dans un direct."))


def typed_line(line: str) -> str:
    """One line of the desk's field in the body's stored format: a paragraph; a line that is only the
    address of a post or a video of a site the articles embed (YouTube, X, Bluesky…), that embed, as
    the editor's « Intégrer » stores it; a line that is only another web address, a link to it."""
    if not _ADDRESS.fullmatch(line):
        return f"<p>{escape(line)}</p>"
    try:
        provider, embed_id = embeds.recognise(line)
    except ValidationError:
        return f'<p><a href="{escape(line)}">{escape(line)}</a></p>'
    return f'<figure data-embed="{provider.key}" data-embed-id="{escape(embed_id)}"><figcaption></figcaption></figure>'


# A line that is one web address and nothing else (a journalist pasting a source, or a post to show).
_ADDRESS = re.compile(r"https?://\S+", re.IGNORECASE)


def clean_entry_body(text: str) -> str:
    """The entry's text in the article body's stored format, checked by the body's rules; refused when empty.

    Plain text (the desk's field without the editor) gives a paragraph per line: an entry is
    typed fast, and a journalist pressing Entrée means a new paragraph; a line that is only an
    address, an embed or a link (``typed_line``). HTML is taken as the
    article editor writes it (links, library images, embeds…).
    """
    text = (text or "").strip()
    if text and not text.startswith("<"):
        text = "".join(typed_line(line.strip()) for line in re.split(r"\n+", text) if line.strip())
    try:
        cleaned = clean_body(text)
    except ValidationError as error:
        raise ValidationError({"body": error.error_list}) from None
    if not cleaned:
        message = _("L’entrée est vide : écrivez son texte avant de la publier.")
        raise ValidationError({"body": ValidationError(message, code="empty")})
    return cleaned


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
        ordering = ["-started_at", "-pk"]

    def __str__(self):
        return str(self.article)

    @property
    def is_ongoing(self) -> bool:
        return self.ended_at is None

    # Operations: the only writers of a live (the desk calls them; each checks its rule here, once).

    @classmethod
    def start(cls, article: Article, by) -> "LiveCoverage":
        """Make ``article`` live (« Passer en direct »); starting a live already under way changes nothing."""
        check_may_post(by)
        with transaction.atomic():
            coverage, created = cls.objects.select_for_update().get_or_create(
                article=article, defaults={"started_by": by}
            )
        if not created and not coverage.is_ongoing:
            raise ValidationError(
                _("Le direct de cet article est terminé : il ne peut pas reprendre. Ouvrez un nouvel article."),
                code="ended",
            )
        return coverage

    def post(self, body: str, by, *, pinned: bool = False, key_moment: bool = False) -> "LiveEntry":
        """Publish an entry now, signed by ``by``; refused once the live is over."""
        check_may_post(by)
        self.check_ongoing()
        entry = LiveEntry(coverage=self, body=clean_entry_body(body), author=by)
        entry.is_pinned, entry.is_key_moment = bool(pinned), bool(key_moment)
        entry.save()
        return entry

    def end(self, by) -> None:
        """« Ce direct est terminé »: no more entries; the page becomes an ordinary cached article."""
        if not may_end(by):
            raise PermissionDenied(_("Seule la rédaction en chef peut terminer un direct."))
        if self.is_ongoing:
            self.ended_at = timezone.now()
            self.save(update_fields=["ended_at"])

    def check_ongoing(self) -> None:
        if not self.is_ongoing:
            raise ValidationError(_("Ce direct est terminé : on ne peut plus y publier d’entrée."), code="ended")


class LiveEntryQuerySet(models.QuerySet):
    def shown(self) -> "LiveEntryQuerySet":
        """What readers see: every entry not withdrawn."""
        return self.filter(withdrawn_at__isnull=True)

    def for_readers(self) -> "LiveEntryQuerySet":
        """Shown entries in the page's order: pinned first, then the newest first."""
        return self.shown().order_by("-is_pinned", "-published_at", "-pk")

    def tally(self) -> dict[str, int]:
        """The desk's header in one query: entries readers see, withdrawn ones, key moments, pinned ones."""
        shown = models.Q(withdrawn_at__isnull=True)
        return self.aggregate(
            shown=models.Count("pk", filter=shown),
            withdrawn=models.Count("pk", filter=~shown),
            key_moments=models.Count("pk", filter=shown & models.Q(is_key_moment=True)),
            pinned=models.Count("pk", filter=shown & models.Q(is_pinned=True)),
        )

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

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "body" in update_fields:
            # Rendered for readers now, once: their pages and the polling address never parse the body.
            self.body_html = render_entry_body(self.body, self.coverage.article)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "body_html"}
        super().save(*args, **kwargs)

    @property
    def rendered_body(self) -> SafeString:
        return mark_safe(self.body_html)

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    # Operations (the desk's « Corriger », « Retirer », « Épingler », « Temps fort »).

    def correct(self, body: str, by) -> None:
        """Replace the text; readers see « modifié à 14 h 32 »."""
        check_may_post(by)
        self._check_shown()
        cleaned = clean_entry_body(body)
        if cleaned == self.body:
            return
        self.body, self.edited_at = cleaned, timezone.now()
        self.save(update_fields=["body", "edited_at"])

    def withdraw(self, by) -> None:
        """Take the entry away from readers at once; it stays here, for the record."""
        check_may_post(by)
        if self.is_withdrawn:
            return
        self.withdrawn_at, self.withdrawn_by = timezone.now(), by
        self.save(update_fields=["withdrawn_at", "withdrawn_by"])

    def set_pinned(self, pinned: bool, by) -> None:
        """Keep the entry at the top of the live (or put it back in its place in time)."""
        self._set_flag("is_pinned", pinned, by)

    def set_key_moment(self, key_moment: bool, by) -> None:
        """List the entry in the « Temps forts » summary, or take it out."""
        self._set_flag("is_key_moment", key_moment, by)

    def _set_flag(self, name: str, value: bool, by) -> None:
        check_may_post(by)
        self._check_shown()
        if getattr(self, name) != bool(value):
            setattr(self, name, bool(value))
            self.save(update_fields=[name])

    def _check_shown(self) -> None:
        if self.is_withdrawn:
            raise ValidationError(_("Cette entrée a été retirée : elle ne peut plus être modifiée."), code="withdrawn")


def render_entry_body(body: str, article: Article) -> SafeString:
    """An entry's text as readers get it, with its images, media, embeds and links resolved (as an article's)."""
    found = outline(body)
    references = References(
        images=Image.objects.in_bulk(found.image_ids) if found.image_ids else {},
        articles=BodyReference.objects.targets_of(found.linked_slugs, article),
        documents=Document.objects.select_related("poster").in_bulk(found.library_ids) if found.library_ids else {},
    )
    return render_body(body, references, lazy_after=0)
