"""Reader comments: held until a moderator approves them; the author's email is never published."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from articles.models import Article


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
            shown |= Q(pk__in=held_ids, status__in=[Comment.Status.PENDING, Comment.Status.SPAM])
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
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#{self.anchor}"

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
