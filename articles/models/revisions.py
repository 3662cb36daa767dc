"""Article versions: every saved state, the changes a journalist proposes, and what the history and the desk read."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..revisions import changed_fields, snapshot
from .articles import Article


class ArticleRevisionQuerySet(models.QuerySet):
    def latest_number(self, article: Article, *, proposals: bool = True) -> int:
        """The number of the article's last version (``proposals=False``: its last applied one);
        0 before its first (or for an unsaved article)."""
        if article.pk is None:
            return 0
        versions = self.filter(article=article)
        if not proposals:
            versions = versions.applied()
        return versions.aggregate(latest=models.Max("number"))["latest"] or 0

    def applied(self) -> "ArticleRevisionQuerySet":
        """The versions the article went through: every one but the proposals waiting beside it."""
        return self.exclude(action=ArticleRevision.Action.PROPOSED)

    def latest_applied(self, article: Article) -> "ArticleRevision | None":
        return self.filter(article=article).applied().order_by("-number").first()

    def record(
        self,
        article: Article,
        by,
        action: str = "saved",
        remark: str = "",
        related: dict | None = None,
        refers_to: int | None = None,
        content: dict | None = None,
        first: bool = False,
    ) -> "ArticleRevision":
        """Keep the article's current state (relations included, as stored) as its next version.

        ``related``: its many-to-many values as just written (``snapshot``), not read again.
        ``content``: what the version holds when it is not the article's state (a proposal).
        ``first``: the article was just created, it has no version to read (an import's, a query fewer).
        """
        latest = None if first else self.filter(article=article).order_by("-number").first()
        # What changed is told from the article as it stood, not from a proposal beside it.
        is_proposal = latest is not None and latest.action == ArticleRevision.Action.PROPOSED
        previous = self.latest_applied(article) if is_proposal else latest
        if content is None:
            content = snapshot(article, related)
        return self.create(
            article=article,
            number=(latest.number if latest else 0) + 1,
            created_by=by,
            action=action,
            remark=remark,
            refers_to=refers_to,
            changed_fields=changed_fields(previous.content if previous else None, content),
            content=content,
        )

    def propose(
        self, article: Article, by, *, related: dict | None = None, content: dict | None = None, **kwargs
    ) -> "ArticleRevision":
        """Keep a journalist's changes to a published article — ``article`` as the form left it in
        memory, unsaved, and its relations as typed (``related``), or a ``content`` — for an editor
        to publish. ``refers_to``: the published version it changes (by default the latest)."""
        if kwargs.get("refers_to") is None:
            based_on = self.latest_applied(article)
            kwargs["refers_to"] = based_on.number if based_on else None
        return self.record(article, by, ArticleRevision.Action.PROPOSED, related=related, content=content, **kwargs)

    def decisions_and_proposals(self) -> "ArticleRevisionQuerySet":
        """The versions that open or close a proposal: the latest of them says whether one waits."""
        return self.filter(action__in=ArticleRevision.PROPOSAL_STEPS)

    def pending_proposal(self, article: Article) -> "ArticleRevision | None":
        """The journalist's changes waiting for an editor, if any: a proposal not yet published,
        refused or made moot by unpublishing (then the article is edited directly again)."""
        if article.pk is None or article.status != Article.Status.PUBLISHED:
            return None
        latest = (
            self.filter(article=article).decisions_and_proposals().select_related("created_by").order_by("-number")
        ).first()
        return latest if latest is not None and latest.action == ArticleRevision.Action.PROPOSED else None

    def pending_proposals(self) -> "ArticleRevisionQuerySet":
        """Every article's waiting proposal (one per article at most), for the desk's queue."""
        later = self.model.objects.decisions_and_proposals().filter(
            article=OuterRef("article"), number__gt=OuterRef("number")
        )
        return self.filter(action=ArticleRevision.Action.PROPOSED, article__status=Article.Status.PUBLISHED).exclude(
            Exists(later)
        )


class ArticleRevision(models.Model):
    """One saved state of an article: who saved it, when, why, what changed, and the whole content.

    Written after every save by a person (``ArticleRevision.objects.record``): the
    history page lists them, compares any two and restores one; the admin form checks the
    latest number to refuse a save over somebody else's (no lost update).
    """

    class Action(models.TextChoices):
        SAVED = "saved", _("Enregistré")
        SUBMITTED = "submitted", _("Soumis à la rédaction en chef")
        SENT_BACK = "sent_back", _("Renvoyé au journaliste")
        PUBLISHED = "published", _("Publié")
        SCHEDULED = "scheduled", _("Programmé")
        UNPUBLISHED = "unpublished", _("Dépublié")
        RESTORED = "restored", _("Version restaurée")
        IMPORTED = "imported", _("Importé")
        # A journalist's changes to a published article, held until an editor decides.
        PROPOSED = "proposed", _("Modifications proposées")
        CHANGES_PUBLISHED = "changes_published", _("Modifications publiées")
        CHANGES_REFUSED = "changes_refused", _("Modifications refusées")

    article = models.ForeignKey(Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(_("enregistrée le"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices, default=Action.SAVED)
    # The remark an editor sends back with an article, or what a restore brought back.
    remark = models.TextField(_("remarque"), blank=True)
    changed_fields = models.JSONField(_("champs modifiés"), default=list, blank=True)
    content = models.JSONField(_("contenu"), default=dict)
    # For a proposal, the published version it changes; for a decision on one, the proposal.
    refers_to = models.PositiveIntegerField(_("version concernée"), null=True, blank=True)

    objects = ArticleRevisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("version d’article")
        verbose_name_plural = _("versions d’article")
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="article_revision_number_unique")]
        indexes = [
            # The desk's queue of proposals reads these few rows, never the whole history.
            models.Index(
                fields=["article", "number"],
                condition=models.Q(action__in=["proposed", "changes_published", "changes_refused", "unpublished"]),
                name="revision_proposal_steps_idx",
            )
        ]

    # The versions that open or close a proposal (``ArticleRevisionQuerySet.pending_proposal``).
    PROPOSAL_STEPS = (Action.PROPOSED, Action.CHANGES_PUBLISHED, Action.CHANGES_REFUSED, Action.UNPUBLISHED)

    def __str__(self):
        return _("%(title)s, version %(number)d") % {"title": self.article.title, "number": self.number}
