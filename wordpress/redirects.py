"""The old addresses of imported WordPress sites answer 301 to their new pages.

A WordPress site's links live on in search engines, other sites and readers' bookmarks:
``/?p=12``, ``/2016/07/14/mon-article/``, ``/category/economie/``, ``/tag/fintech/feed/``…
``OldAddressMiddleware`` sends each to what the item became here (``ImportedItem``), at its
current address, and only if readers may see it there: a draft's old address stays a 404.

It costs nothing on the site's own pages. The address is read without any query; the
database is asked only for the home page with WordPress's query parameters (``?p=``,
``?cat=``…), and for an address that found nothing (a 404) and has the shape of a
WordPress one — then one query for the imported items, and one more when the page
exists only through its published articles (a tag, an author).
"""

import re
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.db.models import Q
from django.http import HttpResponsePermanentRedirect
from django.urls import reverse
from taggit.models import Tag

from articles.models import Article
from articles.subjects import BY_MODEL
from common.inputs import plain_number

from .models import ImportedItem

Kind = ImportedItem.Kind

# The query parameters WordPress answers on its home page. Any other query string is ours.
QUERY_KEYS = frozenset({"p", "page_id", "cat", "tag", "feed", "s", "author", "author_name"})
HOME_PATHS = frozenset({"/", "/index.php"})
# /feed/rss2/, /category/x/feed/atom/…: the kinds of feed WordPress offers.
FEED_TYPES = frozenset({"rss", "rss2", "atom", "rdf", "comments-rss2", "comments-atom"})
# Whole addresses of the site's main feed in WordPress (/rss/ is already ours).
MAIN_FEED_NAMES = frozenset(
    {"rss2", "atom", "rdf", "wp-rss.php", "wp-rss2.php", "wp-atom.php", "wp-rdf.php", "wp-commentsrss2.php"}
)
# What follows an item's address and still means the item: its AMP page, a page of its
# comments, its trackback or embed address.
ITEM_SUFFIX = re.compile(r"amp|trackback|embed|comment-page-[0-9]{1,6}")
# WordPress's own folders: robots probe them on every site, and they never name an article.
NEVER_CONTENT = frozenset({"wp-admin", "wp-content", "wp-includes", "wp-json", "wp-login.php", "xmlrpc.php"})
# Programs and hidden files: robots ask for them, no WordPress permalink names one.
SCRIPTS = (".php", ".asp", ".aspx", ".cgi", ".jsp", ".env", ".ini", ".sql", ".bak", ".git")
# A WordPress slug, percent-decoded: letters of any script, digits, « - » and « _ ».
SLUG = re.compile(r"[\w-]{1,200}")
DATE_PREFIXES = (
    re.compile(r"[0-9]{4}"),
    re.compile(r"[0-9]{4}/[0-9]{2}"),
    re.compile(r"[0-9]{4}/[0-9]{2}/[0-9]{2}"),
)
# Control characters (NUL included, which PostgreSQL refuses in text) never belong to an address.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
MAX_PATH_LENGTH = ImportedItem._meta.get_field("old_path").max_length
MAX_SEGMENTS = 8
MAX_ROWS = 50
# Checks that cost a query (is there a published article with this tag, by this author?) per old address.
MAX_EXISTENCE_CHECKS = 2
# Loaded with the items, for their address and whether readers may see them; never the text.
TARGETS = ("article", "section", "tag", "territory", "personality", "user")
UNUSED_ARTICLE_FIELDS = tuple(f"article__{name}" for name in ("body", "body_html", *Article.SEARCH_FIELDS))
# What a post's address may be under: its categories (/economie/industrie/slug/), its parent pages.
CONTAINER = Q(kind=Kind.TERM, taxonomy="category") | Q(kind=Kind.POST)


@dataclass(frozen=True)
class Wanted:
    """One way an old address may name an imported item: ``field`` among ``values``.

    ``within``: the other segments of the address, each of which must be a category or a
    page of the same WordPress site (``/economie/industrie/mon-article/``).
    """

    kinds: tuple[str, ...]
    field: str
    values: tuple[str, ...]
    taxonomy: str | None = None  # for terms: the one taxonomy; None: any
    within: tuple[str, ...] = ()

    def condition(self) -> Q:
        condition = Q(kind__in=self.kinds, **{f"{self.field}__in": self.values})
        if self.taxonomy is not None:
            condition &= Q(taxonomy=self.taxonomy)
        return condition

    def matches(self, item: ImportedItem, containers: dict[str, set[str]]) -> bool:
        return (
            item.kind in self.kinds
            and getattr(item, self.field) in self.values
            and (self.taxonomy is None or item.taxonomy == self.taxonomy)
            and set(self.within) <= containers.get(item.source, set())
        )


@dataclass(frozen=True)
class OldAddress:
    """What an old address asks for: the ways it may name an item, best first, and whether its feed."""

    ways: tuple[Wanted, ...]
    feed: bool = False


def _slugs(segment: str) -> tuple[str, ...]:
    """The segment as WordPress may have stored it: WordPress lowercases only ASCII letters,
    and a link may be typed with capitals."""
    return tuple(dict.fromkeys((segment, segment.lower())))


def _old_paths(segments: list[str]) -> tuple[str, ...]:
    """The forms in which an imported ``<link>`` may hold this address: decoded or percent-encoded
    (WordPress writes lowercase hexadecimal), with or without the final slash."""
    path = "/" + "/".join(segments)
    encoded = quote(path, safe="/")
    forms = {path, encoded, re.sub(r"%[0-9A-F]{2}", lambda match: match.group().lower(), encoded)}
    return tuple(sorted({variant for form in forms for variant in (form, form + "/")}))


def read_path(path: str) -> OldAddress | str | None:
    """What an address that found nothing asks for, read from its path alone: an address to
    go to at once (the main feed, the home page), the ways to look it up, or None."""
    if len(path) > MAX_PATH_LENGTH or CONTROL.search(path):
        return None
    segments = [segment for segment in path.split("/") if segment]
    if segments[:1] == ["index.php"]:
        segments = segments[1:]  # permalinks written /index.php/2016/07/slug/
    if len(segments) > MAX_SEGMENTS or (segments and segments[0] in NEVER_CONTENT):
        return None
    if len(segments) == 1 and segments[0] in MAIN_FEED_NAMES:
        return reverse("articles:feed")
    if any(segment.startswith(".") or segment.endswith(SCRIPTS) for segment in segments):
        return None  # /.env, /admin/config.php: what robots try on any site, never a permalink

    feed = False
    while segments:
        last = segments[-1]
        if last in FEED_TYPES and segments[-2:-1] == ["feed"]:
            del segments[-2:]
            feed = True
        elif last == "feed":
            del segments[-1]
            feed = True
        elif len(segments) >= 2 and segments[-2] == "page" and plain_number(last) is not None:
            del segments[-2:]
        elif ITEM_SUFFIX.fullmatch(last):
            del segments[-1]
        else:
            break

    main_feed = reverse("articles:feed")
    if not segments or segments == ["comments"]:
        return main_feed if feed else reverse("articles:home")

    ways = [Wanted((Kind.POST, Kind.TERM), "old_path", _old_paths(segments))]
    first, last, prefix = segments[0], segments[-1], segments[:-1]
    if not all(SLUG.fullmatch(segment) for segment in segments):
        return OldAddress(tuple(ways), feed)  # a path of its own (/2016/mon-article.html): only as imported
    slug = _slugs(last)
    post = (Kind.POST,)
    if not prefix:
        ways += [Wanted(post, "wordpress_slug", slug), Wanted((Kind.TERM,), "wordpress_slug", slug, "category")]
    elif first == "category":
        ways.append(Wanted((Kind.TERM,), "wordpress_slug", slug, "category"))
        if len(prefix) >= 2:
            ways.append(Wanted(post, "wordpress_slug", slug))
    elif first == "tag":
        if len(segments) == 2:
            ways.append(Wanted((Kind.TERM,), "wordpress_slug", slug, "post_tag"))
    elif first == "author":
        if len(segments) == 2:
            ways.append(Wanted((Kind.AUTHOR,), "wordpress_id", _slugs(last)))
            ways.append(Wanted((Kind.AUTHOR,), "wordpress_slug", slug))
    else:
        # A custom taxonomy's archive (/ville/metz/), then a post under a date or under its
        # categories or parent pages, then a category whose address has no /category/.
        ways.append(Wanted((Kind.TERM,), "wordpress_slug", slug, first))
        if any(pattern.fullmatch("/".join(prefix)) for pattern in DATE_PREFIXES):
            ways.append(Wanted(post, "wordpress_slug", slug))
        else:
            within = tuple(dict.fromkeys(value for segment in prefix for value in _slugs(segment)))
            ways.append(Wanted(post, "wordpress_slug", slug, within=within))
            ways.append(Wanted((Kind.TERM,), "wordpress_slug", slug, "category", within=within))
    return OldAddress(tuple(ways), feed)


def read_query(query) -> OldAddress | str | None:
    """What WordPress's query parameters on its home page ask for (``?p=12``, ``?cat=3&feed=rss2``…)."""
    if "s" in query:
        return f"{reverse('search:results')}?{urlencode({'q': query['s']})}"  # the search form cleans it
    feed = "feed" in query
    if "p" in query or "page_id" in query:
        number = plain_number(query.get("p") or query.get("page_id"))
        # A post's comment feed (?p=12&feed=rss2) leads to the post: its comments are on its page.
        return None if number is None else OldAddress((Wanted((Kind.POST,), "wordpress_id", (str(number),)),))
    if "cat" in query:
        number = plain_number(query["cat"])
        return None if number is None else OldAddress((Wanted((Kind.TERM,), "wordpress_id", (str(number),)),), feed)
    if "tag" in query:
        tag = query["tag"]
        if not SLUG.fullmatch(tag):
            return None
        return OldAddress((Wanted((Kind.TERM,), "wordpress_slug", _slugs(tag), "post_tag"),), feed)
    if "author" in query or "author_name" in query:
        # WordPress numbers its authors and names them by login: the importer keeps the login.
        author = query.get("author_name") or query.get("author")
        if not author or len(author) > 200 or CONTROL.search(author):
            return None  # an empty name would match every author imported without a slug
        ways = (Wanted((Kind.AUTHOR,), "wordpress_id", (author,)), Wanted((Kind.AUTHOR,), "wordpress_slug", (author,)))
        return OldAddress(ways, feed)
    return reverse("articles:feed") if feed else None


def public_address(item: ImportedItem, *, feed: bool = False) -> str | None:
    """Where readers find what the item became (or its feed), or None if they may not see it."""
    target = item.target
    if isinstance(target, Article):
        # Never the address of a draft, or of an article not yet out.
        return target.get_absolute_url() if target.is_visible else None
    subject = BY_MODEL.get(type(target))
    if subject is None:
        return None
    # A tag or an author has a page only while a published article is about them.
    if subject.exists_through_articles and not subject.articles_about(Article.objects.published(), target).exists():
        return None
    return subject.feed_url(target) if feed else subject.url(target)


def find(address: OldAddress) -> str | None:
    """The current address of what ``address`` named, in one query (two for a tag or an author).

    Where several items match, the best way of naming wins (the exact old address first),
    then the most recently imported; one that readers may not see is passed over.
    """
    condition = Q()
    for way in address.ways:
        condition |= way.condition()
    within = {segment for way in address.ways for segment in way.within}
    if within:
        # The categories and pages an address names its post under, read in the same query.
        condition |= CONTAINER & Q(wordpress_slug__in=sorted(within))
    items = list(
        ImportedItem.objects.filter(condition)
        .select_related(*TARGETS)
        .defer(*UNUSED_ARTICLE_FIELDS)
        .order_by("-imported_at", "-pk")[:MAX_ROWS]
    )
    containers: dict[str, set[str]] = {}
    for item in items:
        if item.kind == Kind.POST or (item.kind, item.taxonomy) == (Kind.TERM, "category"):
            containers.setdefault(item.source, set()).add(item.wordpress_slug)
    ranked = []
    for position, item in enumerate(items):
        rank = next((rank for rank, way in enumerate(address.ways) if way.matches(item, containers)), None)
        if rank is not None:
            ranked.append((rank, position, item))
    seen, checks = set(), 0
    for _rank, _position, item in sorted(ranked, key=lambda entry: entry[:2]):
        target = item.target
        if (type(target), target.pk) in seen:
            continue  # two sites' tags « fintech » are one tag here
        seen.add((type(target), target.pk))
        if isinstance(target, Tag) or item.user_id:
            if checks == MAX_EXISTENCE_CHECKS:
                continue
            checks += 1
        url = public_address(item, feed=address.feed)
        if url:
            return url
    return None


def resolve(address: OldAddress | str | None) -> str | None:
    """The address to redirect to, looking it up only if it needs to be."""
    return find(address) if isinstance(address, OldAddress) else address


class OldAddressMiddleware:
    """Answers the old addresses of imported WordPress sites with a 301 to their new ones.

    Placed before the page cache: ``/?p=12`` is answered before the cache could serve the
    home page kept for that address, and a 404 is looked up whether or not the cache was
    asked. A redirect never goes through the page cache, which keeps only 200s.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        asks_wordpress = (
            request.path_info in HOME_PATHS
            and request.META.get("QUERY_STRING")
            and not QUERY_KEYS.isdisjoint(request.GET.keys())
        )
        if asks_wordpress:
            url = resolve(read_query(request.GET))
            if url:
                return HttpResponsePermanentRedirect(url)
        response = self.get_response(request)
        # Only an address none of our views took (django.contrib.redirects does the same): a
        # view's own 404, /article/unknown/, is ours and stays.
        if response.status_code != 404 or request.resolver_match is not None or asks_wordpress:
            return response
        url = resolve(read_path(request.path_info))
        return HttpResponsePermanentRedirect(url) if url else response
