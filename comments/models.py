"""Reader comments: held until a moderator approves them; the author's email is never published."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from articles.models import Article

from .text import render_comment_text
from .thread import build_tree, page_of, page_url


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Comment.Status.APPROVED, erased_at__isnull=True)

    def pending(self):
        return self.filter(status=Comment.Status.PENDING, erased_at__isnull=True)

    def in_moderation(self):
        """The moderators' queue: waiting comments, newest first; spam stays out of it."""
        return self.pending().order_by("-created_at")

    def for_thread(self, article: Article, held_ids=()):
        """What the article page shows: approved comments, erased ones kept as placeholders so
        their replies stay in place, and this browser's own held comments, in one query."""
        shown = Q(status=Comment.Status.APPROVED)
        if held_ids:
            shown |= Q(pk__in=held_ids, status__in=Comment.HELD_STATUSES)
        return self.filter(shown, article=article).order_by("created_at", "pk")

    def by_email(self, email: str):
        return self.filter(author_email__iexact=email.strip())


class Comment(models.Model):
    """A reader's comment on an article, possibly a reply to another comment."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        APPROVED = "approved", _("Approuvé")
        REJECTED = "rejected", _("Rejeté")
        SPAM = "spam", _("Indésirable")

    # What its author's browser still shows as « en attente de modération » (spam too: a bot learns nothing).
    HELD_STATUSES = (Status.PENDING, Status.SPAM)

    article = models.ForeignKey(Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("en réponse à"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
    )
    depth = models.PositiveSmallIntegerField(_("profondeur"), default=1, editable=False)
    author_name = models.CharField(_("nom"), max_length=80)
    author_email = models.EmailField(_("e-mail"), max_length=254, help_text=_("Jamais publiée."))
    author_url = models.URLField(_("site web"), max_length=200, blank=True)
    body = models.TextField(_("commentaire"))
    # The body as readers get it, rendered once when saved (see save()); NULL for rows written
    # behind the model's back (bulk inserts, COPY), which the page renders on the fly until
    # ``manage.py rerender_comments`` fills them. NULL, not "": an erased comment renders as "".
    body_html = models.TextField(null=True, blank=True, editable=False)  # noqa: DJ001
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    held_reason = models.CharField(_("motif de mise à l’écart"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("envoyé le"), default=timezone.now, db_index=True)
    ip_address = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("modéré par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("modéré le"), null=True, blank=True)
    erased_at = models.DateTimeField(
        _("effacé le"), null=True, blank=True, help_text=_("Données personnelles effacées à la demande de l’auteur.")
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("commentaire")
        verbose_name_plural = _("commentaires")
        ordering = ["-created_at"]
        permissions = [("moderate_comment", _("Peut modérer les commentaires"))]
        indexes = [models.Index(fields=["article", "status", "created_at"], name="comment_thread_idx")]

    def __str__(self):
        # No name or text here: this string is kept in the admin's history, which erasure must not miss.
        return _("Commentaire n° %(number)s") % {"number": self.pk}

    def save(self, *args, **kwargs):
        self.depth = self.parent.depth + 1 if self.parent_id else 1
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "body" in update_fields:
            self.body_html = self.render_body()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "body_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        """Its anchor on the page of the thread where it appears (one query, the thread's shape)."""
        shape = Comment.objects.for_thread(self.article, held_ids=[self.pk]).only(
            "pk", "parent_id", "erased_at", "status"
        )
        page = page_of(self, build_tree(list(shape)))
        return f"{page_url(self.article.get_absolute_url(), page)}#{self.anchor}"

    @property
    def is_held(self) -> bool:
        """Shown to its author's browser only, with a notice, until a moderator approves it."""
        return self.status != self.Status.APPROVED

    def render_body(self) -> str:
        """The body as readers get it: escaped text, paragraphs, nofollow links (``comments.text``)."""
        return render_comment_text(self.body)

    @property
    def html(self) -> SafeString:
        """The stored rendering, or a fresh one for a row that has none yet."""
        return mark_safe(self.body_html if self.body_html is not None else self.render_body())

    @property
    def excerpt(self) -> str:
        return Truncator(self.body).chars(80)

    @property
    def anchor(self) -> str:
        return f"c{self.pk}"

    # Moderation ---------------------------------------------------------------

    @staticmethod
    def can_moderate(user) -> bool:
        return user.has_perm("comments.moderate_comment")

    def moderate(self, status: str, by) -> None:
        """Approve, reject or mark as spam, recording who did it and when."""
        if not self.can_moderate(by):
            raise PermissionDenied("Seuls les modérateurs peuvent modérer les commentaires.")
        self.status = status
        self.moderated_by = by
        self.moderated_at = timezone.now()
        with transaction.atomic():
            self.save(update_fields=["status", "moderated_by", "moderated_at"])
            refresh_comment_count(self.article_id)

    def approve(self, by) -> None:
        self.moderate(self.Status.APPROVED, by)

    def reject(self, by) -> None:
        self.moderate(self.Status.REJECTED, by)

    def mark_spam(self, by) -> None:
        self.moderate(self.Status.SPAM, by)

    def erase(self) -> None:
        """Remove the author's personal data for good; replies keep a « commentaire supprimé » placeholder."""
        self.author_name = ""
        self.author_email = ""
        self.author_url = ""
        self.body = ""
        self.ip_address = None
        self.erased_at = timezone.now()
        with transaction.atomic():
            self.save(update_fields=["author_name", "author_email", "author_url", "body", "ip_address", "erased_at"])
            refresh_comment_count(self.article_id)


def refresh_comment_count(article_id: int) -> None:
    """Keep the article's public comment count, shown on lists without a query, in step."""
    count = Comment.objects.approved().filter(article_id=article_id).count()
    Article.objects.filter(pk=article_id).update(comment_count=count)


def rerender_comment_bodies(comments=None, batch_size: int = 2000) -> int:
    """Render the stored HTML of these comments (all by default) again, e.g. after the rendering rules changed.

    In batches by primary key (not one long cursor, which SQLite cannot keep open while writing).
    """
    comments = (Comment.objects.all() if comments is None else comments).only("pk", "body").order_by("pk")
    count, last_pk = 0, 0
    while batch := list(comments.filter(pk__gt=last_pk)[:batch_size]):
        for comment in batch:
            comment.body_html = comment.render_body()
        Comment.objects.bulk_update(batch, ["body_html"])
        count += len(batch)
        last_pk = batch[-1].pk
    return count


class BlockedTerm(models.Model):
    """A word or phrase that sends a comment straight to spam; moderators keep the list."""

    term = models.CharField(_("mot ou expression"), max_length=100, unique=True)
    created_at = models.DateTimeField(_("ajouté le"), auto_now_add=True)

    class Meta:
        verbose_name = _("mot interdit")
        verbose_name_plural = _("mots interdits")
        ordering = ["term"]

    def __str__(self):
        return self.term
