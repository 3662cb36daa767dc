"""The comment policy: one object that decides what becomes of a comment sent from an article page.

In the spirit of django-contrib-comments' ``CommentModerator``: the rules are data, read
from settings (documented in docs/configuration.md) so that a newsroom tunes them without touching
code, and ``CommentPolicy.review()`` applies them in one order. It answers with a
``Decision``; the view only turns that answer into a response.
"""

import enum
import hashlib
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from common.ratelimit import over_limit, sender

from .blocklist import blocked_term_in
from .forms import CommentForm
from .models import Comment, CommenterRule
from .text import count_links

FORM_TOKEN_SALT = "comments.form-token"
# A double click from the same browser within this time is the same comment.
DUPLICATE_WINDOW = timedelta(minutes=10)

# Said above the form of an article reserved to trusted commenters, and next to the address of
# anybody else who sends it anyway.
TRUSTED_ONLY_NOTICE = _("Les commentaires de cet article sont réservés aux lecteurs de confiance.")

# Why a banned commenter's comment is in spam, as moderators read it (``Comment.held_reason``).
BAN_REASONS = {
    CommenterRule.Kind.EMAIL: "adresse bannie",
    CommenterRule.Kind.DOMAIN: "domaine banni",
    CommenterRule.Kind.IP: "adresse IP bannie",
}


# The signed timestamp: a bot that posts straight away, or replays an old form, is spotted
# without CAPTCHA. The token names the article so that it cannot be reused elsewhere.


def make_form_token(article: Article) -> str:
    # Milliseconds: whole seconds would shorten the minimum writing time by up to one.
    issued = int(time.time() * 1000)
    return signing.dumps({"article": article.pk, "issued_ms": issued}, salt=FORM_TOKEN_SALT, compress=True)


class Outcome(enum.Enum):
    """What becomes of a comment sent from the form; the view has one answer for each."""

    CLOSED = "closed"  # comments are closed: the page again, with the text given back (403)
    BOT = "bot"  # honeypot filled in or token forged: the usual redirect, nothing stored
    EXPIRED = "expired"  # a form left open too long: the form again, with a fresh token (400)
    TOO_FAST = "too_fast"  # sent sooner than a person writes: the form again, its text and clock kept (400)
    INVALID = "invalid"  # the form's own errors, or an untrusted address where only trusted ones may post (400)
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
        """Whether this article takes new comments: its mode is not « fermés », it is published,
        and ``close_after_days`` have not passed since its publication. (« Réservés aux
        commentateurs de confiance » takes them, from trusted addresses only: see ``review``.)"""
        if article.comments_mode == Article.CommentsMode.CLOSED or not article.is_visible:
            return False
        closing = self.closes_at(article)
        return closing is None or (now or timezone.now()) < closing

    def closes_at(self, article: Article) -> datetime | None:
        """When the comments of this article close by themselves, or None if they never do."""
        closed = article.comments_mode == Article.CommentsMode.CLOSED
        if not self.close_after_days or closed or article.published_at is None:
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
        # Only what no person does gets the silent answer: a filled trap, a token we never signed.
        if form.is_bot or token_problem == "invalid":
            return Decision(Outcome.BOT)
        if token_problem == "expired":
            return Decision(Outcome.EXPIRED)
        # A person resending at once after an error, or a very fast typist: told, never dropped.
        if token_problem == "too_fast":
            return Decision(Outcome.TOO_FAST)
        if not form.is_valid():
            return Decision(Outcome.INVALID)
        if self.rate_limited(ip_address):
            return Decision(Outcome.RATE_LIMITED)
        comment = form.build_comment(ip_address)
        rules = self.rules_for(comment)
        # After the rate limit: a refusal tells whether an address is trusted, so guesses are rationed.
        if article.comments_mode == Article.CommentsMode.TRUSTED_ONLY and not self.trusted(rules):
            form.add_error("email", TRUSTED_ONLY_NOTICE)
            return Decision(Outcome.INVALID)
        comment.submission_key = self.submission_key(form.token_sent, comment)
        earlier = self.earlier_copy(comment, held_ids)
        if earlier is not None:
            return Decision(Outcome.DUPLICATE, earlier)
        comment.status, comment.held_reason = self.initial_status(comment, rules)
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

    @staticmethod
    def submission_key(token: str, comment: Comment) -> str:
        """What makes a sent form one comment: its signed token, the address and the text, hashed.

        Every reader of a cached article page gets the same token, so the token alone cannot
        tell one reader's comment from another's (docs/decisions/comment-form-token.md). With the
        address and the text it tells a second send of the same comment (a double click, the
        browser's back button, a replay), which ``Comment.submission_key`` stores once.
        """
        parts = [token, comment.author_email.strip().casefold(), comment.body.strip()]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()

    def rate_limited(self, ip_address: str | None) -> bool:
        """Count this address's posts in a sliding-ish window held in the shared cache."""
        if not ip_address or not self.rate_limit:
            return False
        return over_limit(f"comments:rate:{sender(ip_address)}", self.rate_limit, self.rate_window_seconds)

    def earlier_copy(self, comment: Comment, held_ids) -> Comment | None:
        """The same comment sent before: the same form sent again (its submission key), or the same
        text sent a moment ago from another form by this very browser (only its held comments match)."""
        same_form = Comment.objects.filter(submission_key=comment.submission_key).first()
        if same_form is not None or not held_ids:
            return same_form
        return Comment.objects.filter(
            pk__in=held_ids,
            article=comment.article,
            author_email__iexact=comment.author_email,
            body=comment.body,
            created_at__gte=timezone.now() - DUPLICATE_WINDOW,
        ).first()

    def rules_for(self, comment: Comment) -> list[CommenterRule]:
        """The moderators' active rules about this commenter (address, domain, IP), in one query."""
        return list(CommenterRule.objects.applying_to(comment.author_email, comment.ip_address))

    @staticmethod
    def trusted(rules: list[CommenterRule]) -> bool:
        """Trusted, and not banned by another rule (a banned domain or IP outweighs a trusted address)."""
        actions = {rule.action for rule in rules}
        return CommenterRule.Action.TRUST in actions and CommenterRule.Action.BAN not in actions

    def initial_status(self, comment: Comment, rules: list[CommenterRule] | None = None) -> tuple[str, str]:
        """The status of a new comment and why, the first rule that answers deciding:

        1. a ban (its address, its domain or a domain above, its IP): spam, silently — the
           author gets the usual « en attente » answer, as for any spam;
        2. the spam rules: too many links, a blocked term — for trusted commenters too: trust
           goes to a typed address, which anybody may type, and the blocklist is the newsroom's
           line for everyone (a moderator can still approve it from « Indésirables »);
        3. a trusted address: approved at once;
        4. if the newsroom wants it, authors already approved: approved at once;
        5. otherwise it waits for a moderator.

        ``rules`` are ``rules_for(comment)`` when the caller has them already.
        """
        rules = self.rules_for(comment) if rules is None else rules
        ban = next((rule for rule in rules if rule.action == CommenterRule.Action.BAN), None)
        if ban is not None:
            return Comment.Status.SPAM, f"{BAN_REASONS[ban.kind]} : {ban.value}"[:200]
        links = count_links(comment.body) + (1 if comment.author_url else 0)
        if links > self.max_links:
            return Comment.Status.SPAM, f"{links} liens (maximum {self.max_links})"
        term = blocked_term_in(f"{comment.author_name}\n{comment.author_url}\n{comment.body}")
        if term is not None:
            return Comment.Status.SPAM, f"mot interdit : {term}"
        if self.trusted(rules):
            return Comment.Status.APPROVED, "commentateur de confiance"
        if self.auto_approve_known_authors and Comment.objects.approved().by_email(comment.author_email).exists():
            return Comment.Status.APPROVED, "auteur déjà approuvé"
        return Comment.Status.PENDING, ""
