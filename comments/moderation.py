"""The comment policy: one object that decides what becomes of a comment sent from an article page.

In the spirit of django-contrib-comments' ``CommentModerator``: the rules are data, read
from settings (documented in the README) so that a newsroom tunes them without touching
code, and ``CommentPolicy.review()`` applies them in one order. It answers with a
``Decision``; the view only turns that answer into a response.
"""

import enum
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

from django.conf import settings
from django.core import signing
from django.utils import timezone

from articles.models import Article
from common.ratelimit import over_limit
from common.text import fold, whole_words_pattern

from .forms import CommentForm
from .models import BlockedTerm, Comment
from .text import count_links

FORM_TOKEN_SALT = "comments.form-token"
# A double click from the same browser within this time is the same comment.
DUPLICATE_WINDOW = timedelta(minutes=10)


# The signed timestamp: a bot that posts straight away, or replays an old form, is spotted
# without CAPTCHA. The token names the article so that it cannot be reused elsewhere.


def make_form_token(article: Article) -> str:
    # Milliseconds: whole seconds would shorten the minimum writing time by up to one.
    issued = int(time.time() * 1000)
    return signing.dumps({"article": article.pk, "issued_ms": issued}, salt=FORM_TOKEN_SALT, compress=True)


class Outcome(enum.Enum):
    """What becomes of a comment sent from the form; the view has one answer for each."""

    CLOSED = "closed"  # comments are closed: the page again, with the text given back (403)
    BOT = "bot"  # honeypot filled in, token forged or sent too fast: the usual redirect, nothing stored
    EXPIRED = "expired"  # a form left open too long: the form again, with a fresh token (400)
    INVALID = "invalid"  # the form's own errors (400)
    RATE_LIMITED = "rate_limited"  # too many posts from one address (429)
    DUPLICATE = "duplicate"  # a double click: the answer given to the first post, nothing stored
    ACCEPTED = "accepted"  # to be saved with the status the policy gave it


@dataclass
class Decision:
    outcome: Outcome
    # ACCEPTED: the new comment, not saved yet, its status and reason set; DUPLICATE: the first post.
    comment: Comment | None = None
    notify_moderators: bool = False


def _setting(name: str):
    # Read when a policy is made, not when this module is imported: settings may change (tests).
    return field(default_factory=lambda: getattr(settings, name))


@dataclass(frozen=True)
class CommentPolicy:
    """The newsroom's rules for reader comments, one threshold per setting (``COMMENTS_*``)."""

    close_after_days: int = _setting("COMMENTS_CLOSE_AFTER_DAYS")  # 0: never close by age
    min_seconds_to_write: int = _setting("COMMENTS_MIN_SECONDS_TO_WRITE")
    form_max_age_seconds: int = _setting("COMMENTS_FORM_MAX_AGE_SECONDS")
    rate_limit: int = _setting("COMMENTS_RATE_LIMIT")  # posts per address and window; 0: no limit
    rate_window_seconds: int = _setting("COMMENTS_RATE_WINDOW_SECONDS")
    max_links: int = _setting("COMMENTS_MAX_LINKS")
    auto_approve_known_authors: bool = _setting("COMMENTS_AUTO_APPROVE_KNOWN_AUTHORS")

    # Open or closed ----------------------------------------------------------------------------

    def accepts_comments(self, article: Article, now: datetime | None = None) -> bool:
        """Whether this article takes new comments: its ``comments_open`` switch is on, it is
        published, and ``close_after_days`` have not passed since its publication."""
        if not article.comments_open or not article.is_visible:
            return False
        closing = self.closes_at(article)
        return closing is None or (now or timezone.now()) < closing

    def closes_at(self, article: Article) -> datetime | None:
        """When the comments of this article close by themselves, or None if they never do."""
        if not self.close_after_days or not article.comments_open or article.published_at is None:
            return None
        return article.published_at + timedelta(days=self.close_after_days)

    # The decision -------------------------------------------------------------------------------

    def review(self, form: CommentForm, *, ip_address: str | None, held_ids=()) -> Decision:
        """Everything a sent comment goes through, in this order; the first rule that answers decides.

        ``held_ids`` are the comments this browser sent that still wait (its signed cookie).
        """
        article = form.article
        if not self.accepts_comments(article):
            return Decision(Outcome.CLOSED)
        token_problem = self.token_problem(form.token_sent, article)
        if form.is_bot or token_problem in {"invalid", "too_fast"}:
            return Decision(Outcome.BOT)
        if token_problem == "expired":
            return Decision(Outcome.EXPIRED)
        if not form.is_valid():
            return Decision(Outcome.INVALID)
        if self.rate_limited(ip_address):
            return Decision(Outcome.RATE_LIMITED)
        comment = form.build_comment(ip_address)
        earlier = self.earlier_copy(comment, held_ids)
        if earlier is not None:
            return Decision(Outcome.DUPLICATE, earlier)
        comment.status, comment.held_reason = self.initial_status(comment)
        return Decision(Outcome.ACCEPTED, comment, notify_moderators=comment.status == Comment.Status.PENDING)

    # The rules, one by one ------------------------------------------------------------------------

    def token_problem(self, token: str, article: Article) -> str | None:
        """Why the form's signed timestamp is refused: 'invalid', 'too_fast' or 'expired'; None if it is fine."""
        try:
            payload = signing.loads(token or "", salt=FORM_TOKEN_SALT)
            article_id, issued_ms = int(payload["article"]), int(payload["issued_ms"])
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            return "invalid"
        if article_id != article.pk:
            return "invalid"
        age = time.time() - issued_ms / 1000
        if age < self.min_seconds_to_write:
            return "too_fast"
        if age > self.form_max_age_seconds:
            return "expired"
        return None

    def rate_limited(self, ip_address: str | None) -> bool:
        """Count this address's posts in a sliding-ish window held in the shared cache."""
        if not ip_address or not self.rate_limit:
            return False
        return over_limit(f"comments:rate:{ip_address}", self.rate_limit, self.rate_window_seconds)

    def earlier_copy(self, comment: Comment, held_ids) -> Comment | None:
        """The same comment sent a moment ago by this very browser: only its own held comments can match."""
        if not held_ids:
            return None
        return Comment.objects.filter(
            pk__in=held_ids,
            article=comment.article,
            author_email__iexact=comment.author_email,
            body=comment.body,
            created_at__gte=timezone.now() - DUPLICATE_WINDOW,
        ).first()

    def initial_status(self, comment: Comment) -> tuple[str, str]:
        """The status of a new comment and why: spam rules first; then, if the newsroom wants it,
        trust authors already approved; otherwise it waits for a moderator."""
        links = count_links(comment.body) + (1 if comment.author_url else 0)
        if links > self.max_links:
            return Comment.Status.SPAM, f"{links} liens (maximum {self.max_links})"
        term = blocked_term_in(f"{comment.author_name}\n{comment.author_url}\n{comment.body}")
        if term is not None:
            return Comment.Status.SPAM, f"mot interdit : {term}"
        if self.auto_approve_known_authors and Comment.objects.approved().by_email(comment.author_email).exists():
            return Comment.Status.APPROVED, "auteur déjà approuvé"
        return Comment.Status.PENDING, ""


def blocked_term_in(text: str) -> str | None:
    """The first blocked term found in this text, compared as search compares words (``common.text``):
    whole words, whatever the case and accents, so « connard » also catches « CONNÂRD »."""
    terms = tuple(BlockedTerm.objects.values_list("term", flat=True))
    pattern = _blocklist_pattern(terms)
    found = pattern.search(fold(text)) if pattern else None
    if found is None:
        return None
    return next(term for term in terms if fold(term).strip() == found[0])


@lru_cache(maxsize=4)
def _blocklist_pattern(terms: tuple[str, ...]) -> re.Pattern | None:
    # Compiled once per list of terms: moderators rarely change it, readers post often.
    return whole_words_pattern(terms)
