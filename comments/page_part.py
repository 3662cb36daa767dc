"""The comments on the article page: its thread and form, plugged into ``articles.page_parts``.

Also this browser's own comment cookies: the comments it sent that still wait, and the
details it asked us to remember. Signed, set only in the commenter's browser; a page that
shows what they hold is that reader's alone, never stored in a shared cache.
"""

import functools
import json
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connections
from django.db.models.sql import Query
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language

import pagecache
from articles.models import Article
from articles.page_parts import ArticlePagePart
from common.inputs import plain_number

from .forms import CommentForm
from .models import Comment
from .moderation import CommentPolicy, make_form_token
from .thread import PAGE_PARAMETER, THREAD_FIELDS, build_tree, page_of, page_url, paginate

HELD_COOKIE = "commentaires_en_attente"
AUTHOR_COOKIE = "commentaire_auteur"
COOKIE_SALT = "comments.cookies"
MAX_HELD_IDS = 20


def held_comment_ids(request) -> list[int]:
    raw = request.get_signed_cookie(HELD_COOKIE, default="", salt=COOKIE_SALT)
    ids = (plain_number(part) for part in raw.split(","))
    return [pk for pk in ids if pk is not None][-MAX_HELD_IDS:]


def forget_held_comments(response) -> None:
    """Drop the held-comments cookie once all it named are moderated, so the reader gets cached pages again."""
    response.delete_cookie(HELD_COOKIE, samesite="Lax")


def remembered_author(request) -> dict:
    """The details this browser asked us to remember, or nothing."""
    raw = request.get_signed_cookie(AUTHOR_COOKIE, default="", salt=COOKIE_SALT)
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        return {}
    details = {key: str(data.get(key) or "") for key in ("name", "email", "url")}
    return details if any(details.values()) else {}


# Stands for the article in the thread's query compiled once (``_shared_thread_query``): no article has it.
_ANY_ARTICLE = -1
# The threads this process keeps (``_kept_threads``): at most this many comments in all, about 2 MB.
KEPT_COMMENTS = 2000


@dataclass
class Thread:
    """An article's thread as its page uses it: the comments oldest first, by id, the top-level
    ones with their replies, and the markup of its pages once written (``thread.page_markup``)."""

    comments: list[Comment]
    by_id: dict[int, Comment] = field(init=False)
    roots: list[Comment] = field(init=False)
    markup: dict | None = None

    def __post_init__(self):
        self.by_id = {comment.pk: comment for comment in self.comments}
        self.roots = build_tree(self.comments)


@functools.cache
def _shared_thread_query(alias: str) -> tuple[str, tuple, Query, tuple]:
    """The SQL of the thread every reader gets (no held comments of theirs), compiled once per
    process, its parameters, the query it was compiled from and the columns it selects.

    Compiling this query took longer than running it (0.27 ms, and as much again to build the
    instances through the queryset): the page runs the same SQL with its article's id.
    """
    thread = Comment.objects.using(alias).for_thread(Article(pk=_ANY_ARTICLE)).only(*THREAD_FIELDS)
    compiler = thread.query.get_compiler(alias)
    sql, params = compiler.as_sql()
    return sql, params, thread.query, tuple(column for column, _sql, _alias in compiler.select)


# What the thread of the rows read was built into, by those rows: see shared_thread(). The lock:
# a threaded server's requests would otherwise change the order while another one walks it.
_kept_threads: OrderedDict[tuple, tuple[Thread, int]] = OrderedDict()
_kept_threads_lock = threading.Lock()


def shared_thread(article: Article) -> Thread:
    """The thread every reader gets, built once in this process for the rows its query returns.

    The query runs for every page, and its rows are the key: a comment approved, edited, erased,
    hidden or featured returns other rows, so a thread is never shown as it was. What the rows
    do not say and the markup depends on (the article's address, the thread's settings, the
    language and time zone) is in the key too. Only the instances, the tree and the pages'
    markup are spared, which were most of the thread's cost (1.3 ms of 1.5 at 50 comments).
    """
    alias = article._state.db or "default"
    connection = connections[alias]
    sql, params, query, columns = _shared_thread_query(alias)
    with connection.cursor() as cursor:
        cursor.execute(sql, [article.pk if value == _ANY_ARTICLE else value for value in params])
        rows = tuple(cursor.fetchall())
    key = (
        rows,
        article.get_absolute_url(),
        settings.COMMENTS_PER_PAGE,
        settings.COMMENTS_MAX_DEPTH,
        get_language(),
        timezone.get_current_timezone_name(),
        get_script_prefix(),
    )
    with _kept_threads_lock:
        kept = _kept_threads.pop(key, None)
    if kept is None:
        # The rows as the queryset would give them (SQLite returns dates as text, booleans as numbers),
        # by Django's own converters, with this thread's connection.
        compiler = query.get_compiler(alias)
        converted = compiler.apply_converters(rows, compiler.get_converters(columns))
        names = [column.target.attname for column in columns]
        comments = [Comment.from_db(alias, names, row) for row in converted]
        kept = (Thread(comments, markup={}), len(rows))
    if len(rows) > KEPT_COMMENTS:
        return kept[0]  # a thread longer than all the others together: built for each page, never kept
    with _kept_threads_lock:
        _kept_threads[key] = kept  # the most recently used last
        while sum(size for _thread, size in _kept_threads.values()) > KEPT_COMMENTS:
            _kept_threads.popitem(last=False)
    return kept[0]


def load_thread(article: Article, held_ids: list[int]) -> Thread:
    """The article's thread; with this browser's held comments in it, built for this page alone."""
    if held_ids:
        return Thread(list(Comment.objects.for_thread(article, held_ids).only(*THREAD_FIELDS)))
    return shared_thread(article)


def featured_comments(comments: list[Comment], roots: list, article: Article) -> list[tuple[Comment, str]]:
    """The newsroom's choices among the thread's comments, oldest first, each with its address
    in the discussion: taken from the thread already loaded, without another query."""
    article_url = article.get_absolute_url()
    return [
        (comment, f"{page_url(article_url, page_of(comment, roots))}#{comment.anchor}")
        for comment in comments
        if comment.is_featured and not comment.is_held and not comment.erased_at
    ]


def thread_context(request, article: Article, form: CommentForm | None = None, message: str = "") -> dict:
    """The article's comment thread and form, built from one query.

    ``form`` is a refused comment's, shown again with its errors and ``message``.
    ``comments_personal`` says that the page holds this browser's own held comments,
    remembered details or typed text, so it must never be served from a shared cache.
    """
    held_ids = held_comment_ids(request)
    # The whole thread in one query, whatever its length; only one page of it is shown.
    thread = load_thread(article, held_ids) if article.pk else Thread([])
    comments, by_id, roots = thread.comments, thread.by_id, thread.roots
    page = paginate(roots, plain_number(request.GET.get(PAGE_PARAMETER)), article_url=article.get_absolute_url())
    page.markup = thread.markup
    still_held = any(comment.is_held for comment in comments)
    accepted = CommentPolicy().accepts_comments(article)
    author = remembered_author(request)
    sent_again = form is not None
    reply_to = None
    if accepted and form is None:
        requested = by_id.get(plain_number(request.GET.get("repondre")))
        if requested is not None and requested.accepts_replies:
            reply_to = requested
        # ?repondre=12 answering comment 12 is a page of its own; ?repondre=x1 or a comment that
        # takes no reply shows the plain form, and is not kept as a copy of its own.
        pagecache.canonical_query(repondre=reply_to.pk if reply_to else None)
        form = CommentForm(
            article=article,
            initial={**author, "remember": bool(author), "parent": reply_to.pk if reply_to else None},
        )
    elif form is not None and form.is_bound and "parent" not in form.errors:
        reply_to = by_id.get(plain_number(form.data.get("parent")))
    if form is not None:
        form.fields["token"].initial = make_form_token(article)
        if form.is_bound:
            form.data = form.data.copy()
            # The typed text kept, and the token too while it is good: the form's clock keeps running
            # from when the reader opened it, so a corrected comment sent at once is not « too fast ».
            if CommentPolicy().token_problem(form.token_sent, article) not in {None, "too_fast"}:
                form.data["token"] = form.fields["token"].initial
            if "parent" in form.errors:
                form.data["parent"] = ""  # the next attempt becomes a new comment, not a failing reply
    return {
        "comment_page": page,
        "featured_comments": featured_comments(comments, roots, article) if page.number == 1 else [],
        "comments_accepted": accepted,
        "comment_form": form,
        "comment_message": message,
        "reply_to": reply_to,
        "comments_personal": bool(still_held or author or sent_again),
        # Every comment it names, on any article, has been moderated: the cookie would only keep
        # this browser off the cache. (One more query, for these few readers only.)
        "held_cookie_spent": bool(held_ids)
        and not still_held
        and not Comment.objects.filter(pk__in=held_ids, status__in=Comment.HELD_STATUSES).exists(),
    }


class CommentThreadPart(ArticlePagePart):
    """The comments below the article: registered by ``CommentsConfig.ready()``."""

    name = "comments"
    template_name = "comments/thread.html"

    def get_context(self, request, article, *, form: CommentForm | None = None, message: str = "") -> dict:
        return thread_context(request, article, form=form, message=message)

    def cache_until(self, article) -> float:
        # The page changes by itself when its comments close, and its form's token must stay
        # usable: whichever comes first of what is still ahead.
        policy = CommentPolicy()
        token_half_life = time.time() + policy.form_max_age_seconds / 2
        closing = policy.closes_at(article)
        if closing is not None and time.time() < closing.timestamp() < token_half_life:
            return closing.timestamp()
        return token_half_life

    def finish_response(self, request, response, context) -> None:
        # No Vary: Cookie: the page is the same for every reader but those who carry our comment
        # cookies, and the page cache never stores nor serves theirs (see pagecache.core).
        if context.get("comments_personal"):
            # This browser's own held comments, saved details or text: never for anyone else.
            patch_cache_control(response, private=True, no_store=True)
        if context.get("held_cookie_spent"):
            forget_held_comments(response)
