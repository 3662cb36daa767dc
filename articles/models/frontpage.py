"""The front page the editors compose: the lead story and the top slots, now or from a chosen time.

A composition is an ordered list of articles (position 1 is the lead) that takes effect at a
moment; the one in force is the latest whose moment has come, so « à 6 h, mettre en tête … » is
a composition saved the evening before, and nothing runs at 6 h. Earlier compositions stay, as
a record of what led when.
"""

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FrontPageCompositionQuerySet(models.QuerySet):
    def in_force(self, at=None):
        """The compositions whose time has come, the one in force first."""
        return self.filter(takes_effect_at__lte=at or timezone.now()).order_by("-takes_effect_at", "-pk")

    def scheduled(self, after=None):
        """The compositions still to come, soonest first."""
        return self.filter(takes_effect_at__gt=after or timezone.now()).order_by("takes_effect_at", "pk")


class FrontPageCompositionManager(models.Manager.from_queryset(FrontPageCompositionQuerySet)):
    @transaction.atomic
    def compose(self, articles, *, by=None, takes_effect_at=None) -> "FrontPageComposition":
        """Save this order of articles (the lead first) as the front page, now or from ``takes_effect_at``."""
        composition = self.create(takes_effect_at=takes_effect_at or timezone.now(), created_by=by)
        composition.slots.bulk_create(
            FrontPageSlot(composition=composition, article_id=getattr(article, "pk", article), position=number)
            for number, article in enumerate(articles, start=1)
        )
        return composition


class FrontPageComposition(models.Model):
    """The articles at the top of the front page, in the editors' order, from ``takes_effect_at`` on.

    Readers see the visible ones among them (published, their date come) in that order, with no
    hole for the others (articles.frontpage).
    """

    takes_effect_at = models.DateTimeField(
        _("en une à partir du"),
        default=timezone.now,
        help_text=_("La une composée remplace la précédente à cette date et cette heure (heure de Paris)."),
    )
    created_at = models.DateTimeField(_("composée le"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = FrontPageCompositionManager()

    class Meta:
        verbose_name = _("une composée")
        verbose_name_plural = _("unes composées")
        ordering = ["-takes_effect_at", "-pk"]
        indexes = [models.Index(fields=["takes_effect_at"], name="frontpage_takes_effect_idx")]

    def __str__(self):
        when = timezone.localtime(self.takes_effect_at).strftime("%d/%m/%Y %H:%M")
        return _("Une du %(when)s") % {"when": when}

    @property
    def is_scheduled(self) -> bool:
        return self.takes_effect_at > timezone.now()


class FrontPageSlot(models.Model):
    """One place at the top of the front page: position 1 is the lead story."""

    composition = models.ForeignKey(
        FrontPageComposition, verbose_name=_("une"), on_delete=models.CASCADE, related_name="slots"
    )
    # An article deleted leaves its place: the ones after it move up (articles.frontpage).
    article = models.ForeignKey(
        "Article", verbose_name=_("article"), on_delete=models.CASCADE, related_name="front_page_slots"
    )
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        verbose_name = _("place en une")
        verbose_name_plural = _("places en une")
        ordering = ["composition", "position"]
        constraints = [
            models.UniqueConstraint(fields=["composition", "position"], name="frontpage_slot_position_unique"),
            models.UniqueConstraint(fields=["composition", "article"], name="frontpage_slot_article_unique"),
        ]

    def __str__(self):
        return f"{self.position}. {self.article_id}"
