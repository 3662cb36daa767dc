"""Reader comments: held until a moderator approves them; the author's email is never published."""

import contextlib
import ipaddress
import unicodedata

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.db.models import Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Lower
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from common.ratelimit import sender

from .text import render_comment_text
from .thread import build_tree, page_of, page_url


class CommentQuerySet(models.QuerySet):
    def with_status(self, status: str):
        """Comments in this status, erased ones left out: nobody reads or moderates those."""
        return self.filter(status=status, erased_at__isnull=True)

    def approved(self):
        return self.with_status(Comment.Status.APPROVED)

    def pending(self):
        return self.with_status(Comment.Status.PENDING)

    def visible(self):
        """What every reader sees: approved comments that readers' reports have not hidden."""
        return self.approved().filter(hidden_by_reports=False)

    def in_moderation(self):
        """The moderators' queue: waiting comments, newest first; spam stays out of it."""
        return self.pending().order_by("-created_at")

    def for_thread(self, article: Article, held_ids=()):
        """What the article page shows: approved comments not hidden by readers' reports, erased
        ones kept as placeholders so their replies stay in place, and this browser's own held
        comments, in one query."""
        shown = Q(status=Comment.Status.APPROVED, hidden_by_reports=False)
        if held_ids:
            shown |= Q(pk__in=held_ids, status__in=Comment.HELD_STATUSES)
        return self.filter(shown, article=article).order_by("created_at", "pk")

    def by_email(self, email: str):
        """A commenter's comments, the address's case ignored: compared as ``lower()`` on both sides,
        the expression ``comment_author_email_idx`` indexes (``iexact`` compares ``UPPER``, which it
        does not)."""
        return self.filter(Exact(Lower("author_email"), Lower(Value(email.strip()))))

    # State changes: each keeps the articles' public counts in step, once per article.

    def set_status(self, status: str, *, by) -> int:
        """Approve, reject or mark as spam these comments, as moderator ``by``; how many there were."""
        comments = list(self)
        _set_status(comments, status, by)
        return len(comments)

    set_status.alters_data = True
    set_status.queryset_only = True  # never on the manager: Comment.objects.set_status() would take them all

    def erase(self) -> int:
        """Erase these comments' personal data (see ``Comment.erase``); how many there were."""
        comments = list(self)
        _erase(comments)
        return len(comments)

    erase.alters_data = True
    erase.queryset_only = True

    def delete(self):
        with transaction.atomic():
            article_ids = set(self.values_list("article_id", flat=True))
            deleted = super().delete()
            refresh_comment_count(*article_ids)
        return deleted

    delete.alters_data = True
    delete.queryset_only = True


class Comment(models.Model):
    """A reader's comment on an article, possibly a reply to another comment."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        APPROVED = "approved", _("Approuvé")
        REJECTED = "rejected", _("Rejeté")
        SPAM = "spam", _("Indésirable")

    # What its author's browser still shows as « en attente de modération » (spam too: a bot learns nothing).
    HELD_STATUSES = (Status.PENDING, Status.SPAM)

    article = models.ForeignKey(Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("en réponse à"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
    )
    depth = models.PositiveSmallIntegerField(_("profondeur"), default=1, editable=False)
    author_name = models.CharField(_("nom"), max_length=80)
    author_email = models.EmailField(_("e-mail"), max_length=254, help_text=_("Jamais publiée."))
    author_url = models.URLField(_("site web"), max_length=200, blank=True)
    body = models.TextField(_("commentaire"))
    # The body as readers get it, rendered once when saved (see save()); NULL for rows written
    # behind the model's back (bulk inserts, COPY), which the page renders on the fly until
    # ``manage.py rerender_comments`` fills them. NULL, not "": an erased comment renders as "".
    body_html = models.TextField(null=True, blank=True, editable=False)  # noqa: DJ001
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    held_reason = models.CharField(_("motif de mise à l’écart"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("envoyé le"), default=timezone.now, db_index=True)
    ip_address = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("modéré par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("modéré le"), null=True, blank=True)
    erased_at = models.DateTimeField(
        _("effacé le"), null=True, blank=True, help_text=_("Données personnelles effacées à la demande de l’auteur.")
    )
    is_featured = models.BooleanField(
        _("choix de la rédaction"),
        default=False,
        help_text=_("Montré en premier, et signalé comme tel, sous l’article."),
    )
    # Set when readers' reports pass NEWSROOM_COMMENTS_REPORTS_TO_HIDE: out of readers' sight
    # until a moderator dismisses the reports or rejects the comment.
    hidden_by_reports = models.BooleanField(_("masqué après signalements"), default=False)
    # What makes a sent form this comment and no other: a hash of the form's signed token with the
    # address and the text (``CommentPolicy.submission_key``). Unique, so that the same form sent
    # twice (a double click, a replay) is stored once, by the database, whatever the caches do.
    submission_key = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("commentaire")
        verbose_name_plural = _("commentaires")
        ordering = ["-created_at"]
        permissions = [("moderate_comment", _("Peut modérer les commentaires"))]
        indexes = [
            models.Index(fields=["article", "status", "created_at"], name="comment_thread_idx"),
            # The moderation desk's tabs at any number of comments: the waiting queue newest
            # first, the decided ones most recently decided first (comments.desk.Tab).
            models.Index(fields=["status", "-created_at"], name="comment_status_recent_idx"),
            models.Index(fields=["status", "-moderated_at", "-created_at"], name="comment_decided_recent_idx"),
            # A commenter's history by address, case ignored (the desk's cards).
            models.Index(Lower("author_email"), name="comment_author_email_idx"),
        ]

    def __str__(self):
        # No name or text here: this string is kept in the admin's history, which erasure must not miss.
        return _("Commentaire n° %(number)s") % {"number": self.pk}

    def save(self, *args, **kwargs):
        """Its status is given once, when it is first saved (``CommentPolicy``); ``set_status`` changes it later."""
        adding = self._state.adding
        self.depth = self.parent.depth + 1 if self.parent_id else 1
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "body" in update_fields:
            self.body_html = self.render_body()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "body_html"}
        if not (adding and self.status == self.Status.APPROVED):
            return super().save(*args, **kwargs)
        with transaction.atomic():  # an approved new comment counts at once
            super().save(*args, **kwargs)
            refresh_comment_count(self.article_id)

    def get_absolute_url(self):
        """Its anchor on the page of the thread where it appears (one query, the thread's shape)."""
        shape = Comment.objects.for_thread(self.article, held_ids=[self.pk]).only(
            "pk", "parent_id", "erased_at", "status"
        )
        page = page_of(self, build_tree(list(shape)))
        return f"{page_url(self.article.get_absolute_url(), page)}#{self.anchor}"

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            deleted = super().delete(*args, **kwargs)
            refresh_comment_count(self.article_id)
        return deleted

    delete.alters_data = True

    @property
    def is_held(self) -> bool:
        """Shown to its author's browser only, with a notice, until a moderator approves it."""
        return self.status != self.Status.APPROVED

    @property
    def accepts_replies(self) -> bool:
        """Readers may answer it: approved, not erased, and not yet at ``COMMENTS_MAX_DEPTH``.

        The one rule behind the « Répondre » links, the reply form and the check of a posted reply.
        """
        return (
            self.status == self.Status.APPROVED
            and not self.erased_at
            and not self.hidden_by_reports
            and self.depth < settings.COMMENTS_MAX_DEPTH
        )

    def render_body(self) -> str:
        """The body as readers get it: escaped text, paragraphs, nofollow links (``comments.text``)."""
        return render_comment_text(self.body)

    @property
    def html(self) -> SafeString:
        """The stored rendering, or a fresh one for a row that has none yet."""
        return mark_safe(self.body_html if self.body_html is not None else self.render_body())

    @property
    def excerpt(self) -> str:
        return Truncator(self.body).chars(80)

    @property
    def anchor(self) -> str:
        return f"c{self.pk}"

    # Moderation ---------------------------------------------------------------

    @staticmethod
    def can_moderate(user) -> bool:
        return user.has_perm("comments.moderate_comment")

    def moderate(self, status: str, by) -> None:
        """Approve, reject or mark as spam, recording who did it and when."""
        _set_status([self], status, by)

    def approve(self, by) -> None:
        self.moderate(self.Status.APPROVED, by)

    def reject(self, by) -> None:
        self.moderate(self.Status.REJECTED, by)

    def mark_spam(self, by) -> None:
        self.moderate(self.Status.SPAM, by)

    def erase(self) -> None:
        """Remove the author's personal data for good; replies keep a « commentaire supprimé » placeholder."""
        _erase([self])

    # Readers' reports and the newsroom's choice ----------------------------------------------

    @property
    def is_reportable(self) -> bool:
        """Readers may report it: what they all see (approved, not erased, not already hidden)."""
        return self.status == self.Status.APPROVED and not self.erased_at and not self.hidden_by_reports

    def report(self, reason: str, details: str, reporter_key: str) -> "CommentReport | None":
        """A reader's report, or None when this reader (``reporter_key``) already reported it.

        Past ``COMMENTS_REPORTS_TO_HIDE`` open reports the comment leaves readers' sight
        (its page is purged by ``comments.signals``) until a moderator decides.
        """
        if not self.is_reportable:
            raise PermissionDenied("Seuls les commentaires publiés peuvent être signalés.")
        try:
            with transaction.atomic():
                report = CommentReport.objects.create(
                    comment=self, reason=reason, details=details, reporter_key=reporter_key
                )
        except IntegrityError:  # the same reader, twice (perhaps two clicks at once)
            return None
        self.hide_if_reported()
        return report

    report.alters_data = True

    def dismiss_reports(self, by) -> int:
        """A moderator keeps the comment: its open reports are closed and it shows again; how many there were."""
        if not Comment.can_moderate(by):
            raise PermissionDenied("Seuls les modérateurs peuvent classer les signalements.")
        with transaction.atomic():
            closed = self.reports.open().update(closed_at=timezone.now(), closed_by=by)
            if self.hidden_by_reports:
                self._set_hidden_by_reports(False)
        return closed

    dismiss_reports.alters_data = True

    def hide_if_reported(self) -> None:
        """Out of readers' sight if it is approved and its open reports reach ``COMMENTS_REPORTS_TO_HIDE``."""
        threshold = settings.COMMENTS_REPORTS_TO_HIDE
        if (
            threshold
            and self.status == self.Status.APPROVED
            and not self.hidden_by_reports
            and self.reports.open().count() >= threshold
        ):
            self._set_hidden_by_reports(True)

    def _set_hidden_by_reports(self, hidden: bool) -> None:
        with transaction.atomic():
            self.hidden_by_reports = hidden
            self.save(update_fields=["hidden_by_reports"])  # an approved comment: its page is purged
            refresh_comment_count(self.article_id)

    def set_featured(self, value: bool, by) -> None:
        """Mark (or unmark) it « Choix de la rédaction », shown first under the article."""
        if not Comment.can_moderate(by):
            raise PermissionDenied("Seuls les modérateurs peuvent choisir les commentaires mis en avant.")
        if value and (self.status != self.Status.APPROVED or self.erased_at):
            raise ValidationError(_("Seul un commentaire approuvé peut être un choix de la rédaction."))
        self.is_featured = value
        self.save(update_fields=["is_featured"])

    set_featured.alters_data = True


def _set_status(comments: list[Comment], status: str, by) -> None:
    # The one way a comment's status changes once posted. Saved one by one, so that the
    # page-cache receivers (comments.signals) see each change; counted once per article.
    # Each change is logged (the status before is what « Annuler » restores) and settles the
    # readers' reports: a moderator has now looked at the comment.
    if not Comment.can_moderate(by):
        raise PermissionDenied("Seuls les modérateurs peuvent modérer les commentaires.")
    now = timezone.now()
    with transaction.atomic():
        decisions = []
        for comment in comments:
            decisions.append(
                ModerationDecision(
                    comment=comment, previous_status=comment.status, status=status, decided_by=by, decided_at=now
                )
            )
            comment.status, comment.moderated_by, comment.moderated_at = status, by, now
            comment.hidden_by_reports = False
            comment.save(update_fields=["status", "moderated_by", "moderated_at", "hidden_by_reports"])
        ModerationDecision.objects.bulk_create(decisions)
        CommentReport.objects.open().filter(comment__in=comments).update(closed_at=now, closed_by=by)
        refresh_comment_count(*{comment.article_id for comment in comments})


def _erase(comments: list[Comment]) -> None:
    now = timezone.now()
    with transaction.atomic():
        for comment in comments:
            comment.author_name = comment.author_email = comment.author_url = comment.body = ""
            comment.ip_address = comment.submission_key = None  # the key is made from the address too
            comment.erased_at = now
            comment.save(
                update_fields=[
                    "author_name",
                    "author_email",
                    "author_url",
                    "body",
                    "ip_address",
                    "submission_key",
                    "erased_at",
                ]
            )
        refresh_comment_count(*{comment.article_id for comment in comments})


def refresh_comment_count(*article_ids: int) -> None:
    """Count these articles' visible comments (approved, not hidden by reports) again, in one query:
    the one place ``Article.comment_count`` (shown on lists without a query) is written.

    The operations above call it; so must code that writes comments behind the model's back (``bulk_create``).
    """
    if not article_ids:
        return
    visible = (
        Comment.objects.visible()
        .filter(article=OuterRef("pk"))
        .order_by()
        .values("article")
        .annotate(total=Count("pk"))
        .values("total")
    )
    Article.objects.filter(pk__in=article_ids).update(comment_count=Coalesce(Subquery(visible), 0))


def visible_count(comments) -> int:
    """How many of these comments, in memory, readers see: what ``refresh_comment_count`` counts, for
    comments not yet written (an import gives a new article its count in the same insert)."""
    return sum(
        1
        for comment in comments
        if comment.status == Comment.Status.APPROVED and not comment.hidden_by_reports and comment.erased_at is None
    )


def rerender_comment_bodies(comments=None, batch_size: int = 2000) -> int:
    """Render the stored HTML of these comments (all by default) again, e.g. after the rendering rules changed.

    In batches by primary key (not one long cursor, which SQLite cannot keep open while writing).
    """
    comments = (Comment.objects.all() if comments is None else comments).only("pk", "body").order_by("pk")
    count, last_pk = 0, 0
    while batch := list(comments.filter(pk__gt=last_pk)[:batch_size]):
        for comment in batch:
            comment.body_html = comment.render_body()
        Comment.objects.bulk_update(batch, ["body_html"])
        count += len(batch)
        last_pk = batch[-1].pk
    return count


class ModerationDecision(models.Model):
    """One moderator's decision on one comment: who, when, from which status to which.

    The log behind « annuler » (the status before), the moderators' figures (time from
    posting to decision, decisions per moderator) and a commenter's history.
    """

    comment = models.ForeignKey(
        Comment, verbose_name=_("commentaire"), on_delete=models.CASCADE, related_name="decisions"
    )
    previous_status = models.CharField(_("statut précédent"), max_length=10, choices=Comment.Status.choices)
    status = models.CharField(_("statut"), max_length=10, choices=Comment.Status.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("le"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("décision de modération")
        verbose_name_plural = _("décisions de modération")
        ordering = ["-decided_at", "-pk"]

    def __str__(self):
        return f"{self.get_previous_status_display()} → {self.get_status_display()}"


class CommentReportQuerySet(models.QuerySet):
    def open(self):
        """Reports no moderator has dealt with yet."""
        return self.filter(closed_at__isnull=True)


def reporter_key(address: str | None) -> str:
    """Who reported, as the model keeps it: a digest keyed with SECRET_KEY, never the address itself.

    Readers whose address is unknown share one key: they may report each comment once between them.
    """
    return salted_hmac("comments.reporter", sender(address) or "inconnue", algorithm="sha256").hexdigest()


class CommentReport(models.Model):
    """A reader's report of an approved comment, with a reason; open until a moderator decides."""

    class Reason(models.TextChoices):
        ABUSE = "abuse", _("Injure ou harcèlement")
        HATE = "hate", _("Propos haineux")
        SPAM = "spam", _("Spam ou publicité")
        PERSONAL_DATA = "personal_data", _("Données personnelles")
        OFF_TOPIC = "off_topic", _("Hors sujet")
        OTHER = "other", _("Autre")

    comment = models.ForeignKey(
        Comment, verbose_name=_("commentaire"), on_delete=models.CASCADE, related_name="reports"
    )
    reason = models.CharField(_("motif"), max_length=20, choices=Reason.choices)
    details = models.TextField(_("précisions"), max_length=500, blank=True)
    # Who reported, as a keyed digest (of the address, or the browser's session): enough to
    # refuse a second report from the same reader, never their address itself.
    reporter_key = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("signalé le"), default=timezone.now)
    # When a moderator dismissed the reports or rejected the comment: the report is then closed.
    closed_at = models.DateTimeField(_("traité le"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("traité par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = CommentReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("signalement")
        verbose_name_plural = _("signalements")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter_key"], name="comment_report_once_per_reader")
        ]
        indexes = [
            models.Index(fields=["comment"], condition=Q(closed_at__isnull=True), name="comment_report_open_idx")
        ]

    def __str__(self):
        return f"{self.get_reason_display()} — {self.comment}"


class InvalidDomain(ValueError):
    """A text that cannot be a domain name; its message says why, in French, for moderators."""


# Dots other than « . » that IDNA reads as one, once compatibility forms are folded (« ． » → « . »).
_OTHER_DOTS = str.maketrans({"\u3002": ".", "\uff61": ".", "\uff0e": "."})
_ACE_PREFIX = "xn--"
_MAX_LABEL, _MAX_DOMAIN = 63, 253  # in the punycode spelling, as DNS counts them


def canonical_domain(domain: str) -> str:
    """A domain written the one way rules store it and addresses are compared in: lower case, in Unicode.

    « XN--BCHER-KVA.DE. », « Bücher.de » and « bücher.de » are all « bücher.de ». Written close
    to IDNA 2008, as registries do, rather than with Python's « idna » codec (IDNA 2003), which
    turns « straße.de » into « strasse.de », someone else's domain, and cannot read
    « xn--strae-oqa.de » at all: compatibility forms folded (full-width letters), lower case,
    NFC, each « xn-- » label decoded, and every label checked. A trailing dot is dropped.

    Raises ``InvalidDomain`` for what cannot be a domain, or is only a top-level one (« fr »,
    which would ban a whole country by one slip).
    """
    text = unicodedata.normalize("NFKC", domain.strip()).translate(_OTHER_DOTS).lower()
    labels = [_unicode_label(label) for label in text.removesuffix(".").split(".")]
    if len(labels) < 2:
        raise InvalidDomain(_("une extension seule, comme « fr », bannirait tout un pays"))
    top = labels[-1]
    if len(top) < 2 or any(char == "-" or unicodedata.category(char) == "Nd" for char in top):
        raise InvalidDomain(_("l’extension « %(label)s » s’écrit en lettres, deux au moins") % {"label": top})
    if len(".".join(map(_ascii_label, labels))) > _MAX_DOMAIN:
        raise InvalidDomain(_("ce domaine est trop long : %(limit)d caractères au plus") % {"limit": _MAX_DOMAIN})
    return ".".join(labels)


def _unicode_label(label: str) -> str:
    """One label of a domain, lower case and in Unicode, once checked."""
    if not label:
        raise InvalidDomain(_("une partie vide entre deux points"))
    if label.startswith(_ACE_PREFIX):
        try:
            decoded = unicodedata.normalize("NFC", label[len(_ACE_PREFIX) :].encode("ascii").decode("punycode"))
        except UnicodeError:
            decoded = ""
        # A real punycode label spells non-ASCII letters and is what they encode to, once lower case.
        if decoded.isascii() or _ascii_label(decoded.lower()) != label:
            raise InvalidDomain(_("« %(label)s » n’est pas un nom punycode valide") % {"label": label})
        label = decoded.lower()
    else:
        label = unicodedata.normalize("NFC", label)
    for position, char in enumerate(label):
        if char.isspace():
            raise InvalidDomain(_("un domaine s’écrit sans espace"))
        # Catalan's « l·l » (col·legi.cat) is the one punctuation IDNA 2008 lets in, between two « l ».
        catalan_dot = char == "·" and label[position - 1 : position + 2] == "l·l"
        if not (char == "-" or char.isascii() and char.isalnum() or _is_idn_letter(char) or catalan_dot):
            raise InvalidDomain(_("le caractère « %(char)s » n’est pas permis dans un domaine") % {"char": char})
    if label.startswith("-") or label.endswith("-"):
        raise InvalidDomain(_("« %(label)s » commence ou finit par un tiret") % {"label": label})
    if unicodedata.category(label[0]).startswith("M"):
        raise InvalidDomain(_("« %(label)s » commence par un accent seul") % {"label": label})
    if len(_ascii_label(label)) > _MAX_LABEL:
        raise InvalidDomain(_("%(limit)d caractères au plus entre deux points") % {"limit": _MAX_LABEL})
    return label


def _is_idn_letter(char: str) -> bool:
    """A letter, a combining mark or a digit beyond ASCII: what the world's scripts write domains with."""
    category = unicodedata.category(char)
    return not char.isascii() and (category[0] in "LM" or category == "Nd")


def _ascii_label(label: str) -> str:
    """A label as DNS carries it: as is in ASCII, « xn--… » otherwise."""
    return label if label.isascii() else _ACE_PREFIX + label.encode("punycode").decode("ascii")


def email_domains(email: str) -> list[str]:
    """The domain of an address and every domain above it but the last, in their stored spelling
    (``canonical_domain``): « lecteur@mail.XN--BCHER-KVA.de » → « mail.bücher.de », « bücher.de ».
    A domain ban covers its subdomains, which whoever holds the domain makes at will. An address
    whose domain cannot be one has none."""
    try:
        labels = canonical_domain(email.rpartition("@")[2]).split(".")
    except InvalidDomain:
        return []
    return [".".join(labels[start:]) for start in range(len(labels) - 1)]


def canonical_email(email: str) -> str:
    """An address written the one way address rules store it and commenters are compared in: the
    part before « @ » in lower case, the domain in its stored spelling (``canonical_domain``):
    « Jo@XN--BCHER-KVA.DE » and « jo@Bücher.de » are both « jo@bücher.de ». A domain that cannot
    be one is only put in lower case (``CommenterRule.clean`` refuses such an address)."""
    local, at, domain = (email or "").strip().rpartition("@")
    if at:
        with contextlib.suppress(InvalidDomain):
            domain = canonical_domain(domain)
    return f"{local.lower()}{at}{domain.lower()}"


class CommenterRuleQuerySet(models.QuerySet):
    def active(self):
        """Rules in force: not lifted. Lifted ones stay, as the history of who decided what."""
        return self.filter(lifted_at__isnull=True)

    def applying_to(self, email: str, ip_address: str | None):
        """The active rules about one commenter, in one query: their address, its domain or a
        domain above it, their IP address."""
        wanted = Q(kind=CommenterRule.Kind.EMAIL, value=canonical_email(email))
        if domains := email_domains(email):
            wanted |= Q(kind=CommenterRule.Kind.DOMAIN, value__in=domains)
        if ip_address:
            wanted |= Q(kind=CommenterRule.Kind.IP, value=tidy_rule_value(CommenterRule.Kind.IP, ip_address))
        return self.active().filter(wanted)

    def lift(self, *, by) -> int:
        """Lift these rules, as moderator ``by``; how many were still active."""
        if not CommenterRule.can_keep(by):
            raise PermissionDenied("Seuls les modérateurs peuvent lever une règle.")
        return self.active().update(lifted_at=timezone.now(), lifted_by=by)

    lift.alters_data = True
    lift.queryset_only = True


def tidy_rule_value(kind: str, value: str) -> str:
    """A rule's value written one way: lower case, no spaces around, an address with its domain in
    Unicode (``canonical_email``), a domain without « @ » and in Unicode (``canonical_domain``), an
    IP address in its standard form (« 2001:DB8:0::1 » → « 2001:db8::1 »)."""
    if kind == CommenterRule.Kind.EMAIL:
        return canonical_email(value)  # the very function that matches commenters (``applying_to``)
    value = (value or "").strip().lower()
    if kind == CommenterRule.Kind.DOMAIN:
        value = value.lstrip("@")
        with contextlib.suppress(InvalidDomain):  # clean() refuses it, saying why
            value = canonical_domain(value)
    elif kind == CommenterRule.Kind.IP:
        with contextlib.suppress(ValueError):  # not an address: clean() refuses it, with its message
            value = str(ipaddress.ip_address(value))
    return value


class CommenterRule(models.Model):
    """A moderators' rule about a commenter: banned (email, domain or address) or trusted (email)."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("adresse e-mail")
        DOMAIN = "domain", _("domaine d’e-mail")
        IP = "ip", _("adresse IP")

    class Action(models.TextChoices):
        BAN = "ban", _("Bannir : ses commentaires vont aux indésirables")
        TRUST = "trust", _("Faire confiance : ses commentaires sont approuvés aussitôt")

    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    value = models.CharField(_("valeur"), max_length=254)
    action = models.CharField(_("règle"), max_length=10, choices=Action.choices)
    reason = models.TextField(_("motif"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créée par"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now, editable=False)
    lifted_at = models.DateTimeField(_("levée le"), null=True, blank=True, editable=False)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("levée par"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = CommenterRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("règle sur un commentateur")
        verbose_name_plural = _("règles sur les commentateurs")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "value"], condition=Q(lifted_at__isnull=True), name="commenter_rule_active_once"
            )
        ]

    def __str__(self):
        return f"{self.get_action_display()} — {self.value}"

    def save(self, *args, **kwargs):
        # Rules made in code (the desk's « Bannir cet auteur », the shell) are written one way too.
        self.value = tidy_rule_value(self.kind, self.value)
        super().save(*args, **kwargs)

    def clean(self):
        """The value written one way (``tidy_rule_value``) and checked for its kind; French messages
        next to the field."""
        self.value = tidy_rule_value(self.kind, self.value)
        if not self.value or self.kind not in self.Kind.values:
            return  # the fields' own « obligatoire » messages say it
        if self.kind == self.Kind.EMAIL:
            try:
                validate_email(self.value)
            except ValidationError:
                raise ValidationError(
                    {"value": _("Saisissez une adresse e-mail valide, par exemple nom@exemple.fr.")}
                ) from None
        elif self.kind == self.Kind.DOMAIN:
            if "@" in self.value:
                message = _("Un domaine s’écrit sans la partie avant « @ » : par exemple exemple.fr.")
                raise ValidationError({"value": message})
            try:
                canonical_domain(self.value)
            except InvalidDomain as error:
                message = _("Saisissez un domaine valide, par exemple exemple.fr ou bücher.de : %(why)s.")
                raise ValidationError({"value": message % {"why": error}}) from None
        elif self.kind == self.Kind.IP:
            try:
                ipaddress.ip_address(self.value)
            except ValueError:
                raise ValidationError(
                    {"value": _("Saisissez une adresse IPv4 ou IPv6 valide, par exemple 192.0.2.1.")}
                ) from None
        if self.action == self.Action.TRUST and self.kind != self.Kind.EMAIL:
            message = _("Seule une adresse e-mail peut recevoir la confiance : un domaine ou une IP sont partagés.")
            raise ValidationError({"action": message})
        others = CommenterRule.objects.active().filter(kind=self.kind, value=self.value).exclude(pk=self.pk)
        if self._state.adding and others.exists():
            message = _("Une règle est déjà active pour « %(value)s » : levez-la avant d’en créer une autre.")
            raise ValidationError({"value": message % {"value": self.value}})

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None

    @staticmethod
    def can_keep(user) -> bool:
        """Moderators make and lift rules (journalists do not)."""
        return user.has_perm("comments.change_commenterrule")

    def lift(self, *, by) -> None:
        """Lift this rule, as moderator ``by``: the commenter is treated as anyone again; the rule stays listed."""
        CommenterRule.objects.filter(pk=self.pk).lift(by=by)
        self.refresh_from_db(fields=["lifted_at", "lifted_by"])


class BlockedTerm(models.Model):
    """A word or phrase that sends a comment straight to spam; moderators keep the list."""

    term = models.CharField(_("mot ou expression"), max_length=100, unique=True)
    created_at = models.DateTimeField(_("ajouté le"), auto_now_add=True)

    class Meta:
        verbose_name = _("mot interdit")
        verbose_name_plural = _("mots interdits")
        ordering = ["term"]

    def __str__(self):
        return self.term
