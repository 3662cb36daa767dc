"""Rectificatifs and updates: the dated notes readers see on a published article."""

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _


class Correction(models.Model):
    """A dated note readers see on a published article: a « Rectificatif » (an error put right) or a « Mise à jour »."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Rectificatif")
        UPDATE = "update", _("Mise à jour")

    article = models.ForeignKey(
        "Article", verbose_name=_("article"), on_delete=models.CASCADE, related_name="corrections"
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.CORRECTION)
    text = models.TextField(
        _("texte"),
        max_length=2000,
        help_text=_(
            "Pour un rectificatif : ce qui était inexact et ce qui est juste. "
            "Pour une mise à jour : ce qui a changé depuis la publication."
        ),
    )
    published_at = models.DateTimeField(_("date"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("rectificatif ou mise à jour")
        verbose_name_plural = _("rectificatifs et mises à jour")
        ordering = ["published_at", "pk"]
        indexes = [models.Index(fields=["article", "published_at"], name="correction_article_idx")]

    def __str__(self):
        # Without the article's title: it is shown on the article's form, and needs no query.
        when = date_format(timezone.localtime(self.published_at), "DATETIME_FORMAT") if self.published_at else ""
        return _("%(kind)s du %(date)s") % {"kind": self.get_kind_display(), "date": when}

    def save(self, *args, **kwargs):
        """Save, and date the article's last update with it (``Article.mark_updated``)."""
        with transaction.atomic():
            super().save(*args, **kwargs)
            self.article.mark_updated(self.published_at)

    @property
    def is_correction(self) -> bool:
        """A « Rectificatif » (an error put right), which structured data declares as a schema.org ``correction``."""
        return self.kind == self.Kind.CORRECTION

    def clean(self):
        # By name: the article's module imports this one (the article page reads its corrections).
        Article = apps.get_model("articles", "Article")
        # Readers never saw a draft or a scheduled article: its text is simply corrected.
        if self._state.adding and not Article.objects.published().filter(pk=self.article_id).exists():
            raise ValidationError(
                _(
                    "Un rectificatif ou une mise à jour ne s’ajoute qu’à un article publié. "
                    "Tant que les lecteurs ne l’ont pas lu, corrigez directement son texte."
                )
            )
