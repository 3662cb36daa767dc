"""The date of the latest article published about each subject, kept as articles change, for the sitemaps."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SubjectDate(models.Model):
    """One subject (``articles.subjects``: its kind and id) and the date of its latest published article.

    Finding that date from the articles costs a scan of every link to them: 2 s for the
    sitemap index at 100,000 articles, against a few milliseconds to read it here. The
    rows are kept by ``articles.subject_dates``, inside the transaction that changes an
    article or its links; a subject without a published article has no row.

    Scheduled articles count (status published, date to come): the date stored is then in
    the future, and the sitemaps look that subject up in the articles themselves until it
    has passed, so that it appears at its publication date without any worker.
    """

    kind = models.CharField(_("type de sujet"), max_length=20)  # Subject.kind
    subject_id = models.BigIntegerField(_("identifiant du sujet"))
    latest_published_at = models.DateTimeField(_("date du dernier article publié"))

    class Meta:
        verbose_name = _("date d’un sujet")
        verbose_name_plural = _("dates des sujets")
        constraints = [models.UniqueConstraint(fields=["kind", "subject_id"], name="subject_date_unique")]

    def __str__(self):
        return f"{self.kind} {self.subject_id}: {self.latest_published_at:%Y-%m-%d %H:%M}"
