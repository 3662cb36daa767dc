"""Former addresses of published articles, so that a renamed article keeps its links and its readers."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ArticleSlugRedirect(models.Model):
    """A former address of a published article, answered with a permanent redirect forever."""

    old_slug = models.SlugField(_("ancienne adresse"), max_length=200, unique=True)
    article = models.ForeignKey(
        "Article", verbose_name=_("article"), on_delete=models.CASCADE, related_name="slug_redirects"
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("ancienne adresse")
        verbose_name_plural = _("anciennes adresses")

    def __str__(self):
        return f"{self.old_slug} → {self.article.slug}"
