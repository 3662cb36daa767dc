"""What a journalist typed and did not save yet, kept on the server for them alone."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ArticleDraft(models.Model):
    """One person's unsaved text of one article (or of the new article they are writing).

    The article form sends it every few seconds while they type
    (static/articles/editor/autosave.js, ``articles.admin_drafts``), so that the text
    follows them to another computer; it is offered back to them only, dropped once the
    article is saved or the offer ignored, and goes with the article or the person.
    It keeps the version the form was opened on: restored over an article saved since, it
    goes through the no-lost-update check like any other form.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("auteur"), on_delete=models.CASCADE, related_name="+"
    )
    # None: the article being written in the add form, not saved once yet.
    article = models.ForeignKey(
        "Article", verbose_name=_("article"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    title = models.TextField(_("titre"), blank=True)
    standfirst = models.TextField(_("chapô"), blank=True)
    body = models.TextField(_("texte"), blank=True)
    # The form's hidden base_revision and base_state (articles.admin_history.ArticleConcurrencyForm).
    base_revision = models.PositiveIntegerField(_("version de départ"), null=True, blank=True)
    base_state = models.TextField(_("état de départ"), blank=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("texte non enregistré")
        verbose_name_plural = _("textes non enregistrés")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "user"], condition=Q(article__isnull=False), name="article_draft_one_per_person"
            ),
            models.UniqueConstraint(
                fields=["user"], condition=Q(article__isnull=True), name="article_draft_one_new_per_person"
            ),
        ]

    def __str__(self):
        return f"{self.user_id} · {self.article_id or 'new'}"
