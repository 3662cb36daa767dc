"""The moderation desk's reads: its tabs, the commenters' history, highlighted text, the figures.

The admin view (``CommentAdmin.desk_view``) only arranges them; each is a fixed number of
queries whatever the number of cards on the page.
"""

import re
import statistics
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

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
    """How many comments wait and how many stand reported, in one query."""
    counts = Comment.objects.filter(erased_at__isnull=True).aggregate(
        pending=Count("pk", filter=Q(status=Comment.Status.PENDING), distinct=True),
        reported=Count("pk", filter=Q(reports__closed_at__isnull=True, reports__isnull=False), distinct=True),
    )
    return {"en-attente": counts["pending"], "signales": counts["reported"]}


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
    for comment in comments:
        last = comment.log[0] if comment.log else None
        # Only one's own decision, and only if nobody changed the comment since.
        if last and last.decided_by_id == by.pk and last.status == comment.status:
            by_previous.setdefault(last.previous_status, []).append(comment.pk)
    return sum(Comment.objects.filter(pk__in=ids).set_status(previous, by=by) for previous, ids in by_previous.items())
