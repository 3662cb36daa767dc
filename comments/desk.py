"""The moderation desk's reads: its tabs, the commenters' history, highlighted text, the figures.

The desk's page (``desk_views.desk_page``) only arranges them; each is a fixed number of
queries whatever the number of cards on the page.
"""

import re
import statistics
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, F, Prefetch, Q, Window
from django.db.models.functions import Lower, RowNumber
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles.models import Article
from articles.people import public_name

from .blocklist import Matcher
from .models import Comment, CommentReport, ModerationDecision


@dataclass(frozen=True)
class Tab:
    slug: str
    label: str
    counted: bool  # « En attente (N) »: the queues to empty show how long they are

    def comments(self):
        """This tab's comments, newest first (the waiting queue as ``in_moderation`` orders it)."""
        if self.slug == "signales":
            return Comment.objects.filter(erased_at__isnull=True, pk__in=open_reports().values("comment")).order_by(
                "-created_at"
            )
        if self.slug == "en-attente":
            return Comment.objects.in_moderation()
        return Comment.objects.with_status(TAB_STATUSES[self.slug]).order_by("-moderated_at", "-created_at")


TAB_STATUSES = {
    "en-attente": Comment.Status.PENDING,
    "approuves": Comment.Status.APPROVED,
    "rejetes": Comment.Status.REJECTED,
    "indesirables": Comment.Status.SPAM,
}
TABS = [
    Tab("en-attente", _("En attente"), counted=True),
    Tab("signales", _("Signalés"), counted=True),
    Tab("approuves", _("Approuvés"), counted=False),
    Tab("rejetes", _("Rejetés"), counted=False),
    Tab("indesirables", _("Indésirables"), counted=False),
]
TABS_BY_SLUG = {tab.slug: tab for tab in TABS}


def open_reports():
    return CommentReport.objects.open()


def tab_counts() -> dict[str, int]:
    """How many comments wait and how many stand reported.

    Two small counts (the waiting ones through the status index, the reported ones from the
    open reports) rather than one join of every comment with its reports: 174 → 2 ms at a
    million comments on PostgreSQL.
    """
    return {
        "en-attente": Comment.objects.pending().count(),
        "signales": Comment.objects.filter(erased_at__isnull=True, pk__in=open_reports().values("comment")).count(),
    }


# The article filters list the latest articles with comments, not every one (100,000 of them).
ARTICLE_CHOICES = 200


def articles_with(comments):
    """The most recent articles among those of these comments, for a filter: ids and titles only."""
    return (
        Article.objects.filter(pk__in=comments.values("article"))
        .only("pk", "title")
        .order_by("-published_at")[:ARTICLE_CHOICES]
    )


def for_cards(comments):
    """What a card shows besides the comment: its article, the comment it answers, its open reports."""
    return comments.select_related("article", "article__section", "parent").prefetch_related(
        Prefetch("reports", queryset=open_reports().order_by("created_at"), to_attr="open_reports")
    )


def history_line(counts: dict[str, int]) -> str:
    """« 12 approuvés, 1 rejeté, 0 indésirable »."""
    approved, rejected, spam = (counts.get(status, 0) for status in ("approved", "rejected", "spam"))
    return ", ".join(
        [
            ngettext("%(count)d approuvé", "%(count)d approuvés", approved) % {"count": approved},
            ngettext("%(count)d rejeté", "%(count)d rejetés", rejected) % {"count": rejected},
            ngettext("%(count)d indésirable", "%(count)d indésirables", spam) % {"count": spam},
        ]
    )


def histories(emails) -> dict[str, str]:
    """Each commenter's past decisions by email address (case ignored), one query for all the page's cards."""
    emails = {email.strip().lower() for email in emails if email}
    if not emails:
        return {}
    rows = (
        Comment.objects.filter(erased_at__isnull=True)
        .annotate(email=Lower("author_email"))
        .filter(email__in=emails)
        .values("email")
        .annotate(
            approved=Count("pk", filter=Q(status=Comment.Status.APPROVED)),
            rejected=Count("pk", filter=Q(status=Comment.Status.REJECTED)),
            spam=Count("pk", filter=Q(status=Comment.Status.SPAM)),
        )
        .order_by()
    )
    found = {row["email"]: history_line(row) for row in rows}
    return {email: found.get(email, history_line({})) for email in emails}


# The commenter's drawer on a card: their latest comments, as Coral's history shows them.
RECENT_PER_COMMENTER = 5


def recent_comments(emails) -> dict[str, list[Comment]]:
    """Each commenter's latest comments by email address (case ignored), newest first, at most
    RECENT_PER_COMMENTER each: one query for all the page's cards, whatever their number."""
    emails = {email.strip().lower() for email in emails if email}
    if not emails:
        return {}
    newest_first = Window(
        RowNumber(), partition_by=[Lower("author_email")], order_by=[F("created_at").desc(), F("pk").desc()]
    )
    rows = (
        Comment.objects.filter(erased_at__isnull=True)
        .annotate(email=Lower("author_email"), rank=newest_first)
        .filter(email__in=emails, rank__lte=RECENT_PER_COMMENTER)
        .select_related("article")
        .only("pk", "body", "status", "created_at", "author_email", "article__title", "article__slug")
        .order_by("email", "rank")
    )
    found: dict[str, list[Comment]] = {email: [] for email in emails}
    for comment in rows:
        found[comment.email].append(comment)
    return found


# Web addresses as readers write them (what ``urlize`` would link), to be seen at a glance.
LINK = r"(?:https?://|www\.)[^\s<>\"]+"


LINK_PATTERN = re.compile(LINK, re.IGNORECASE)


def since(moment, now=None) -> str:
    """« à l’instant », « il y a 5 minutes », « il y a 2 heures, 3 minutes »."""
    if ((now or timezone.now()) - moment).total_seconds() < 60:
        return str(_("à l’instant"))
    return _("il y a %(since)s") % {"since": timesince(moment, now)}


def highlighted(text: str, blocked: Matcher) -> SafeString:
    """The comment's text, every character escaped, its links and blocked words marked, paragraphs kept.

    The blocked words are found by the policy's own matcher (``comments.blocklist``): whole
    words, whatever the case and accents, exactly those that send a comment to spam.
    """
    spans = [(found.start(), found.end(), "link") for found in LINK_PATTERN.finditer(text)]
    spans += [(start, end, "term") for start, end in blocked.spans_in(text)]
    parts, last = [], 0
    for start, end, kind in sorted(spans):
        if start < last:
            continue  # inside a span already marked (a blocked word in a link)
        parts.append(escape(text[last:start]))
        parts.append(f'<mark class="desk-{kind}">{escape(text[start:end])}</mark>')
        last = end
    parts.append(escape(text[last:]))
    html = "".join(parts).replace("\r\n", "\n")
    paragraphs = [part.strip() for part in re.split(r"\n\s*\n", html) if part.strip()]
    return mark_safe("".join(f"<p>{paragraph.replace(chr(10), '<br>')}</p>" for paragraph in paragraphs))


@dataclass
class Figures:
    waiting: int
    median_minutes: float | None  # from posting to the first decision, over the period
    decisions_by: list[tuple[str, int]]  # (public name, decisions), most first


FIGURES_PERIOD = timedelta(days=7)


def figures(waiting: int, now=None) -> Figures:
    """The moderators' figures over the last seven days, from the decisions' log (two queries)."""
    since = (now or timezone.now()) - FIGURES_PERIOD
    recent = ModerationDecision.objects.filter(decided_at__gte=since)
    # The first decision on a waiting comment: how long readers waited to see it (or not).
    delays = [
        (decided_at - posted_at).total_seconds() / 60
        for decided_at, posted_at in recent.filter(previous_status=Comment.Status.PENDING).values_list(
            "decided_at", "comment__created_at"
        )
    ]
    per_user = dict(
        recent.filter(decided_by__isnull=False)
        .values("decided_by")
        .annotate(total=Count("pk"))
        .order_by()
        .values_list("decided_by", "total")
    )
    people = get_user_model().objects.in_bulk(per_user) if per_user else {}
    decisions_by = sorted(
        ((public_name(people[pk]), total) for pk, total in per_user.items() if pk in people),
        key=lambda row: (-row[1], row[0]),
    )
    return Figures(waiting, statistics.median(delays) if delays else None, decisions_by)


def undo(comment_ids, by) -> int:
    """Give these comments back the status they had before ``by``'s last decision on each; how many."""
    comments = Comment.objects.filter(pk__in=comment_ids, erased_at__isnull=True).prefetch_related(
        Prefetch("decisions", queryset=ModerationDecision.objects.order_by("-decided_at", "-pk"), to_attr="log")
    )
    by_previous: dict[str, list[int]] = {}
    settled: list[tuple[int, object]] = []  # (comment, when): the reports the undone decision closed
    for comment in comments:
        last = comment.log[0] if comment.log else None
        # Only one's own decision, and only if nobody changed the comment since.
        if last and last.decided_by_id == by.pk and last.status == comment.status:
            by_previous.setdefault(last.previous_status, []).append(comment.pk)
            settled.append((comment.pk, last.decided_at))
    with transaction.atomic():
        count = sum(
            Comment.objects.filter(pk__in=ids).set_status(previous, by=by) for previous, ids in by_previous.items()
        )
        # Taking a decision back takes back what it settled: the readers' reports open again,
        # and a comment they had hidden is hidden again (not published unread).
        for comment_id, decided_at in settled:
            CommentReport.objects.filter(comment_id=comment_id, closed_by=by, closed_at=decided_at).update(
                closed_at=None, closed_by=None
            )
        for comment in Comment.objects.filter(pk__in=[comment_id for comment_id, _when in settled]):
            comment.hide_if_reported()
    return count
