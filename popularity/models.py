"""Readings of articles, one row per article and hour: all « Les plus lus » keeps in the database."""

from datetime import timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ArticleReadings(models.Model):
    """How many readers read an article during one hour (each reader counted once per article and hour).

    Written only by ``flush_readings``, which raises ``count`` to the hour's total kept in Redis and
    never lowers it. No address, user agent nor anything else about the readers is stored.
    """

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="readings", verbose_name=_("article")
    )
    hour = models.DateTimeField(_("heure"), help_text=_("Début de l’heure (UTC) des lectures comptées."))
    count = models.PositiveIntegerField(_("lectures"), default=0)

    class Meta:
        verbose_name = _("lectures d’un article en une heure")
        verbose_name_plural = _("lectures des articles par heure")
        constraints = [models.UniqueConstraint(fields=["article", "hour"], name="popularity_one_row_per_article_hour")]
        indexes = [models.Index(fields=["hour"], name="popularity_readings_hour")]

    def __str__(self):
        return f"{self.article_id} @ {self.hour:%Y-%m-%d %H h}: {self.count}"

    @staticmethod
    def last_hours_start(window: timedelta):
        """The first hour row of the last ``window``, the current hour being its last one (24 rows for a day)."""
        return timezone.now().replace(minute=0, second=0, microsecond=0) - window + timedelta(hours=1)
