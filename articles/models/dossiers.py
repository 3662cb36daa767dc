"""Dossiers: the running files readers follow over months, each with a page of its articles."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .addresses import slug_address


class Dossier(models.Model):
    """A running file grouping articles — « Municipales 2026 », « Le chantier du tram ».

    Its page shows its title, its presentation and its published articles, newest first
    (``articles.subjects.DOSSIERS``); readers see it once one of its articles is published.
    """

    name = models.CharField(_("titre"), max_length=150)
    slug = models.SlugField(_("adresse"), max_length=150, unique=True)
    presentation = models.TextField(
        _("présentation"), blank=True, help_text=_("Deux ou trois phrases, en tête de la page du dossier.")
    )

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_address("articles:dossier", self.slug)
