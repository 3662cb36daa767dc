"""The comment thread of an article: its tree, its pages, and the markup readers get.

A long thread is cut into pages of about ``settings.COMMENTS_PER_PAGE`` comments, whole
conversations at a time (``?commentaires=2``), which keeps the article page within its weight
budget whatever the shape of the thread (see ``page_numbers``).

The markup is built here in Python rather than by a recursive ``{% include %}``: with fifty
comments, the template engine's per-node work was most of the page's rendering time.
"""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

import pagecache
from articles.templatetags.newsroom import french_dates

PAGE_PARAMETER = "commentaires"
# Any number: the report link's address is reversed once per thread with it, then split around it.
REPORT_ADDRESS_NUMBER = 987654321
# What the thread shows of each comment: never the email or IP address, which stay unread.
THREAD_FIELDS = (
    "article_id",
    "parent_id",
    "depth",
    "author_name",
    "author_url",
    "body",
    "body_html",
    "status",
    "created_at",
    "erased_at",
    "hidden_by_reports",
    "is_featured",
)


def build_tree(comments: list) -> list:
    """The top-level comments, each with ``thread_replies``; ``comments`` come oldest first.

    An erased comment only stays, as a placeholder, when replies hang below it.
    """
    by_id = {comment.pk: comment for comment in comments}
    roots = []
    for comment in comments:
        comment.thread_replies = []
    for comment in comments:
        parent = by_id.get(comment.parent_id)
        (parent.thread_replies if parent else roots).append(comment)

    def prune(nodes):
        kept = []
        for node in nodes:
            node.thread_replies = prune(node.thread_replies)
            if not node.erased_at or node.thread_replies:
                kept.append(node)
        return kept

    return prune(roots)


def page_numbers(roots: list, per_page: int) -> list[int]:
    """The page of each top-level comment, pages holding about ``per_page`` comments.

    A page takes whole conversations (a top-level comment and all its replies) until the next
    one would take it past ``per_page``; a longer conversation gets a page of its own. Only
    approved comments are counted, so pages are the same for every reader: a browser's own
    held comment shows on the page of the conversation before it.
    """
    pages, page, filled = [], 1, 0
    for root in roots:
        size = _shown_to_everyone(root)
        if filled and size and filled + size > per_page:
            page, filled = page + 1, 0
        filled += size
        pages.append(page)
    return pages


def _shown_to_everyone(node) -> int:
    if node.is_held:
        return 0
    return 1 + sum(_shown_to_everyone(reply) for reply in node.thread_replies)


@dataclass
class ThreadPage:
    """One page of the thread: its number, how many there are, its top-level comments."""

    number: int
    count: int
    roots: list
    article_url: str
    # The markup of the thread's pages once written, shared by the pages of a thread kept for
    # every reader (comments.page_part.shared_thread); None: written for this page alone.
    markup: dict | None = None

    @property
    def previous_url(self) -> str | None:
        return page_url(self.article_url, self.number - 1) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return page_url(self.article_url, self.number + 1) if self.number < self.count else None


def page_url(article_url: str, number: int) -> str:
    """The address of a page of comments; the first one is the article's own address."""
    return f"{article_url}?{PAGE_PARAMETER}={number}" if number > 1 else article_url


def paginate(roots: list, requested: int | None, article_url: str, per_page: int | None = None) -> ThreadPage:
    """The requested page (the first one when absent or invalid, the last one when beyond)."""
    per_page = per_page or settings.COMMENTS_PER_PAGE
    pages = page_numbers(roots, per_page)
    count = max(pages, default=1)
    number = min(max(requested or 1, 1), count)
    # The article page is kept only under the address of the page of comments it shows: not for
    # ?commentaires=1, =abc or =999 (see pagecache.canonical_query).
    pagecache.canonical_query(**{PAGE_PARAMETER: number if number > 1 else None})
    shown = [root for root, page in zip(roots, pages, strict=True) if page == number]
    return ThreadPage(number=number, count=count, roots=shown, article_url=article_url)


def page_of(comment, roots: list, per_page: int | None = None) -> int:
    """The page on which ``comment`` (or its top-level ancestor) appears in the thread ``roots``."""
    per_page = per_page or settings.COMMENTS_PER_PAGE
    for root, page in zip(roots, page_numbers(roots, per_page), strict=True):
        if root.pk == comment.pk or _contains(root, comment.pk):
            return page
    return 1


def _contains(node, pk: int) -> bool:
    return any(reply.pk == pk or _contains(reply, pk) for reply in node.thread_replies)


# Markup -------------------------------------------------------------------------------------


def page_markup(page: ThreadPage, *, can_reply: bool) -> SafeString:
    """The page's comments (``render_thread``), written once per thread kept and way of showing it."""
    if page.markup is None:
        return render_thread(page.roots, can_reply=can_reply, page_number=page.number)
    key = (page.number, can_reply)
    if key not in page.markup:
        page.markup[key] = render_thread(page.roots, can_reply=can_reply, page_number=page.number)
    return page.markup[key]


def render_thread(roots: list, *, can_reply: bool, page_number: int = 1) -> SafeString:
    """The <ol> of these comments and their replies; the text is the stored, already safe HTML.

    ``can_reply``: the article takes comments, so each comment that accepts replies gets a link.
    Every published comment gets its « Signaler » link, open or closed, a plain link that works
    from a cached page (``comments.views.report_comment``).
    """
    # Everything the same for every comment is worked out once here, not per comment: the words,
    # the time zone and the dates' words (french_dates), the report address around its number.
    report_address = reverse("comments:report", args=[REPORT_ADDRESS_NUMBER]).split(str(REPORT_ADDRESS_NUMBER))
    strings = {
        "erased": escape(_("Commentaire supprimé")),
        "held": escape(_("Votre commentaire est en attente de modération.")),
        "reply": _("Répondre à %(name)s"),
        "report": escape(_("Signaler")),
        "featured": escape(_("Choix de la rédaction")),
        "page": f"{PAGE_PARAMETER}={page_number}&amp;" if page_number > 1 else "",
        "report_before": report_address[0],
        "report_after": report_address[1],
        "zone": timezone.get_current_timezone(),
        "date": french_dates(with_time=True),
    }
    out: list[str] = []
    _render_list(out, roots, strings, can_reply, replies=False)
    return mark_safe("".join(out))


def _render_list(out, comments, strings, can_reply, replies):
    out.append('<ol class="comment-list comment-replies">' if replies else '<ol class="comment-list">')
    for comment in comments:
        _render_comment(out, comment, strings, can_reply)
    out.append("</ol>")


def _render_comment(out, comment, strings, can_reply):
    anchor = f"c{comment.pk}"
    held = comment.is_held
    featured = comment.is_featured and not held and not comment.erased_at
    css_class = ' class="held"' if held else ' class="featured"' if featured else ""
    out.append(f'<li id="{anchor}"{css_class}><article aria-labelledby="{anchor}a">')
    if comment.erased_at:
        out.append(f'<p class="comment-erased" id="{anchor}a">{strings["erased"]}</p>')
    else:
        name = escape(comment.author_name)
        if comment.author_url:
            name = f'<a href="{escape(comment.author_url)}" rel="nofollow ugc noopener">{name}</a>'
        created = comment.created_at.astimezone(strings["zone"])
        badge = f' <span class="badge">{strings["featured"]}</span>' if featured else ""
        out.append(
            f'<p class="comment-meta"><b id="{anchor}a">{name}</b>{badge} <a href="#{anchor}">'
            f'<time datetime="{created.replace(microsecond=0).isoformat()}">{strings["date"](created)}</time></a></p>'
        )
        if held:
            out.append(f'<p class="comment-held" role="status">{strings["held"]}</p>')
        out.append(f'<div class="comment-body">{comment.html}</div>')
        actions = []
        if can_reply and comment.accepts_replies:
            label = escape(strings["reply"] % {"name": comment.author_name})
            actions.append(f'<a href="?{strings["page"]}repondre={comment.pk}#laisser-un-commentaire">{label}</a>')
        if comment.is_reportable:
            # « Signaler » alone: its list item, labelled by the author's name, says whose comment it is.
            actions.append(
                f'<a href="{strings["report_before"]}{comment.pk}{strings["report_after"]}" rel="nofollow">'
                f"{strings['report']}</a>"
            )
        if actions:
            out.append(f'<p class="comment-actions">{" ".join(actions)}</p>')
    out.append("</article>")
    if comment.thread_replies:
        _render_list(out, comment.thread_replies, strings, can_reply, replies=True)
    out.append("</li>")
