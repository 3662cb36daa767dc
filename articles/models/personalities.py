"""Public figures the newsroom writes about, each with a page of the articles naming them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .addresses import slug_address


class Personality(models.Model):
    """A public figure the newsroom writes about: an elected official, a minister, a business leader."""

    name = models.CharField(_("nom"), max_length=150)
    slug = models.SlugField(_("adresse"), max_length=150, unique=True)
    role = models.CharField(
        _("fonction"), max_length=200, blank=True, help_text=_("Par exemple « ministre de l’Économie ».")
    )
    # A library image, like every picture readers see: checked, stripped of its metadata (GPS, camera
    # serial, file name) and served as renditions, never as the file somebody uploaded.
    portrait = models.ForeignKey(
        "images.Image",
        verbose_name=_("portrait"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Une image de la photothèque (ajoutez-la d’abord dans « Images »), recadrée carrée de préférence."),
    )
    bio = models.TextField(_("biographie courte"), blank=True)

    class Meta:
        verbose_name = _("personnalité")
        verbose_name_plural = _("personnalités")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_address("articles:personality", self.slug)
