"""The comment policy: when comments are open, and what a new comment's status is.

Every rule reads its threshold from settings (documented in the README), so a
newsroom tunes the policy without touching code.
"""

import re
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils import timezone

from articles.models import Article

from .models import BlockedTerm, Comment
from .text import count_links

FORM_TOKEN_SALT = "comments.form-token"


def comments_open(article: Article, now=None) -> bool:
    """Open while the article's flag is on and, if set, for COMMENTS_CLOSE_AFTER_DAYS after publication."""
    if not article.comments_open or not article.is_visible:
        return False
    closing = comments_close_at(article)
    return closing is None or (now or timezone.now()) < closing


def comments_close_at(article: Article):
    """When the comments of this article close by themselves, or None if they never do."""
    days = settings.COMMENTS_CLOSE_AFTER_DAYS
    if not days or not article.comments_open or article.published_at is None:
        return None
    return article.published_at + timedelta(days=days)


# The signed timestamp: a bot that posts straight away, or replays an old form, is spotted
# without CAPTCHA. The token names the article so that it cannot be reused elsewhere.


def make_form_token(article: Article) -> str:
    # Milliseconds: whole seconds would shorten the minimum writing time by up to one.
    issued = int(time.time() * 1000)
    return signing.dumps({"article": article.pk, "issued_ms": issued}, salt=FORM_TOKEN_SALT, compress=True)


class TokenProblem(Exception):
    """Why a form token is refused: 'invalid', 'too_fast' or 'expired'."""


def check_form_token(token: str, article: Article) -> None:
    try:
        payload = signing.loads(token or "", salt=FORM_TOKEN_SALT)
        article_id, issued_ms = int(payload["article"]), int(payload["issued_ms"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise TokenProblem("invalid") from None
    if article_id != article.pk:
        raise TokenProblem("invalid")
    age = time.time() - issued_ms / 1000
    if age < settings.COMMENTS_MIN_SECONDS_TO_WRITE:
        raise TokenProblem("too_fast")
    if age > settings.COMMENTS_FORM_MAX_AGE_SECONDS:
        raise TokenProblem("expired")


def rate_limited(ip_address: str | None) -> bool:
    """Count this address's posts in a sliding-ish window held in the shared cache."""
    if not ip_address or not settings.COMMENTS_RATE_LIMIT:
        return False
    key = f"comments:rate:{ip_address}"
    cache.add(key, 0, settings.COMMENTS_RATE_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, settings.COMMENTS_RATE_WINDOW_SECONDS)
        count = 1
    return count > settings.COMMENTS_RATE_LIMIT


@dataclass
class Verdict:
    status: str
    reason: str = ""


def initial_verdict(comment: Comment) -> Verdict:
    """Spam rules first; then, if the newsroom wants it, trust authors already approved."""
    text = f"{comment.author_name}\n{comment.author_url}\n{comment.body}"
    links = count_links(comment.body) + (1 if comment.author_url else 0)
    if links > settings.COMMENTS_MAX_LINKS:
        return Verdict(Comment.Status.SPAM, f"{links} liens (maximum {settings.COMMENTS_MAX_LINKS})")
    folded = text.casefold()
    for term in BlockedTerm.objects.values_list("term", flat=True):
        if re.search(rf"(?<!\w){re.escape(term.casefold())}(?!\w)", folded):
            return Verdict(Comment.Status.SPAM, f"mot interdit : {term}")
    if (
        settings.COMMENTS_AUTO_APPROVE_KNOWN_AUTHORS
        and Comment.objects.approved().by_email(comment.author_email).exists()
    ):
        return Verdict(Comment.Status.APPROVED, "auteur déjà approuvé")
    return Verdict(Comment.Status.PENDING)
