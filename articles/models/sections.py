"""Sections (rubriques): the site's menu, and the one place every article is filed in."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .addresses import slug_address


class Section(models.Model):
    """A rubrique of the site (« Économie & emploi », « Sport »…); every article is filed in one."""

    name = models.CharField(_("nom"), max_length=100, unique=True)
    slug = models.SlugField(_("adresse"), max_length=100, unique=True)
    description = models.TextField(
        _("description"), blank=True, help_text=_("Présentée aux lecteurs en tête de la page de la rubrique.")
    )
    menu_position = models.PositiveSmallIntegerField(
        _("position dans le menu"), default=0, help_text=_("Les rubriques sont affichées par position croissante.")
    )

    class Meta:
        verbose_name = _("rubrique")
        verbose_name_plural = _("rubriques")
        ordering = ["menu_position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_address("articles:section", self.slug)
