"""The old addresses of imported WordPress sites answer 301 to their new pages.

A WordPress site's links live on in search engines, other sites and readers' bookmarks:
``/?p=12``, ``/2016/07/14/mon-article/``, ``/category/economie/``, ``/tag/fintech/feed/``…
``/wp-content/uploads/2024/05/photo-1024x683.jpg``, ``/?attachment_id=20``, ``/2024/05/``…
``OldAddressMiddleware`` sends each to what the item became here (``ImportedItem``), at its
current address, and only if readers may see it there: a draft's old address stays a 404, and
so does WordPress's number of one (``/?p=13``), never answered with the home page. When the
host asked for is an imported site's own, only that site's items answer.

It costs nothing on the site's own pages. The address is read without any query; the
database is asked only for the home page with WordPress's query parameters (``?p=``,
``?cat=``…), and for an address that found nothing (a 404) and has the shape of a
WordPress one — then one query for the imported items, and one more when the page
exists only through its published articles (a tag, an author), for an attachment's page
(the post it belongs to) and for a date archive (whether it lists anything).
"""

import re
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.core.exceptions import DisallowedHost
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.http import Http404, HttpResponsePermanentRedirect
from django.http.request import split_domain_port
from django.urls import reverse
from taggit.models import Tag

from articles.archives import Period, period_or_none
from articles.models import Article
from articles.subjects import BY_MODEL
from common.inputs import plain_number
from documents import visibility
from pages.models import Page

from .models import ImportedItem

Kind = ImportedItem.Kind

# The query parameters WordPress answers on its home page. Any other query string is ours.
QUERY_KEYS = frozenset(
    {"p", "page_id", "attachment_id", "attachment", "cat", "tag", "feed", "s", "author", "author_name"}
)
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
# A WordPress slug, percent-decoded: ASCII letters, digits, « - » and « _ », and any other character
# but spaces (WordPress keeps accents and emoji in slugs: a tag « 🚲 » is /tag/%f0%9f%9a%b2/).
SLUG = re.compile(r"(?:[A-Za-z0-9_-]|[^\x00-\x7f\s]){1,200}")
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
# Loaded with the items, for their address and whether readers may see them; never the text. Only those
# of the kinds an address may name are joined: each join costs PostgreSQL's planner more than the lookup.
TARGETS = {
    Kind.POST: ("article",),
    Kind.PAGE: ("page",),
    Kind.TERM: ("section", "tag", "territory", "personality"),
    Kind.AUTHOR: ("user",),
    Kind.ATTACHMENT: ("image", "document"),
}
UNUSED_ARTICLE_FIELDS = tuple(f"article__{name}" for name in ("body", "body_html", *Article.SEARCH_FIELDS))
UNUSED_PAGE_FIELDS = tuple(f"page__{name}" for name in ("body", "body_html", "body_references", "description"))
# What a post's address may be under: its categories (/economie/industrie/slug/), its parent pages.
CONTAINER = Q(kind=Kind.TERM, taxonomy="category") | Q(kind__in=(Kind.POST, Kind.PAGE))
# Posts and pages share WordPress's numbers and its addresses (/?p=, /?page_id=, /<slug>/).
POSTS = (Kind.POST, Kind.PAGE)
UPLOADS = "wp-content/uploads/"
# A resized copy WordPress made of an upload (« photo-1024x683.jpg »), and the names it gives the file
# it keeps when the upload was too large or turned (« photo-scaled.jpg », WordPress 5.3 and later).
RESIZED = re.compile(r"-([0-9]{1,5})x[0-9]{1,5}(?=\.\w{1,5}$)")
KEPT_AS = ("-scaled", "-rotated")
# A multisite's uploads are under sites/<n>/, where the attachment's own path starts after it.
MULTISITE = re.compile(r"sites/[0-9]{1,6}/")


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
    """What an old address asks for: the ways it may name an item, best first, and whether its feed.

    ``file``: an uploaded file (``/wp-content/uploads/…``) rather than a page; ``width``, the width of
    the resized copy asked for (``-1024x683``), None for the file itself.
    """

    ways: tuple[Wanted, ...]
    feed: bool = False
    file: bool = False
    width: int | None = None


@dataclass(frozen=True)
class DateArchive:
    """WordPress's archive of a year, a month or a day (/2024/05/): ours, when it lists something."""

    period: Period

    def address(self) -> str | None:
        """The archive page, or None while no published article is in the period (its page is a 404)."""
        start, end = self.period.bounds
        if not Article.objects.published().filter(published_at__gte=start, published_at__lt=end).exists():
            return None
        return self.period.get_absolute_url()


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
    if path.startswith("/" + UPLOADS):
        return read_upload(path.removeprefix("/" + UPLOADS))
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
    if not feed and any(pattern.fullmatch("/".join(segments)) for pattern in DATE_PREFIXES):
        period = period_or_none(*segments)
        return DateArchive(period) if period is not None else None

    ways = [Wanted((*POSTS, Kind.TERM), "old_path", _old_paths(segments))]
    first, last, prefix = segments[0], segments[-1], segments[:-1]
    if not all(SLUG.fullmatch(segment) for segment in segments):
        return OldAddress(tuple(ways), feed)  # a path of its own (/2016/mon-article.html): only as imported
    slug = _slugs(last)
    post = POSTS
    # An attachment's page: /<slug>/, or under its post's address (/2024/05/post/<slug>/, …/attachment/<slug>/).
    attachment = Wanted((Kind.ATTACHMENT,), "wordpress_slug", slug)
    if prefix[-1:] == ["attachment"]:
        return OldAddress((attachment,), feed)
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
    if first not in ("tag", "author"):
        ways.append(attachment)
    return OldAddress(tuple(ways), feed)


def read_upload(path: str) -> OldAddress | None:
    """What an address of WordPress's uploads folder names: an attachment by its file (« 2024/05/photo.jpg »,
    as ``_wp_attached_file`` holds it), and the width of the resized copy asked for, if one was."""
    path = MULTISITE.sub("", path, count=1)
    if not path or path.endswith("/") or ".." in path.split("/") or len(path) > MAX_PATH_LENGTH:
        return None
    resized = RESIZED.search(path)
    width = int(resized.group(1)) if resized else None
    whole = RESIZED.sub("", path)
    stem, dot, extension = whole.rpartition(".")
    # The file WordPress kept may be the « -scaled » one; its resized copies are named after the upload.
    candidates = {path, whole, *(f"{stem}{kept}{dot}{extension}" for kept in KEPT_AS if stem)}
    return OldAddress((Wanted((Kind.ATTACHMENT,), "old_path", tuple(sorted(candidates))),), file=True, width=width)


def read_query(query) -> OldAddress | str | None:
    """What WordPress's query parameters on its home page ask for (``?p=12``, ``?cat=3&feed=rss2``…)."""
    if "s" in query:
        return f"{reverse('search:results')}?{urlencode({'q': query['s']})}"  # the search form cleans it
    feed = "feed" in query
    if "p" in query or "page_id" in query:
        number = plain_number(query.get("p") or query.get("page_id"))
        # A post's comment feed (?p=12&feed=rss2) leads to the post: its comments are on its page.
        # WordPress answers an attachment's number too, with the attachment's page.
        ways = (
            Wanted(POSTS, "wordpress_id", (str(number),)),
            Wanted((Kind.ATTACHMENT,), "wordpress_id", (str(number),)),
        )
        return None if number is None else OldAddress(ways)
    if "attachment_id" in query:
        number = plain_number(query["attachment_id"])
        return None if number is None else OldAddress((Wanted((Kind.ATTACHMENT,), "wordpress_id", (str(number),)),))
    if "attachment" in query:
        name = query["attachment"]
        if not SLUG.fullmatch(name):
            return None
        return OldAddress((Wanted((Kind.ATTACHMENT,), "wordpress_slug", _slugs(name)),))
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
    if isinstance(target, Page):
        return target.get_absolute_url() if target.is_published else None
    subject = BY_MODEL.get(type(target))
    if subject is None:
        return None
    # A tag or an author has a page only while a published article is about them.
    if subject.exists_through_articles and not subject.articles_about(Article.objects.published(), target).exists():
        return None
    return subject.feed_url(target) if feed else subject.url(target)


def document_address(item: ImportedItem) -> str | None:
    """A document's stable address, once something readers see shows it (documents.visibility)."""
    if item.document is None or visibility.hidden_from_readers(item.document):
        return None
    return item.document.get_absolute_url()


def file_address(item: ImportedItem, width: int | None) -> str | None:
    """An uploaded file's new address: the document's, or the library image's file of the width
    nearest the copy asked for (the image itself, its largest, when none was)."""
    if item.document_id:
        return document_address(item)
    image = item.image
    if image is None:
        return None
    storage = image.file.storage
    # The old address named a JPEG or a PNG: the renditions in that format, never WebP, which some
    # of the pages that hot-link the file would not show.
    files = [
        (rendition["width"], storage.url(rendition["name"])) for rendition in image.renditions_in(image.fallback_format)
    ]
    if image.file:
        files.append((image.width, image.file.url))
    if not files:
        return None
    wanted = image.width if width is None else width
    # The nearest width, the larger one when two are as near: a copy a little too big rather than blurred.
    return min(files, key=lambda file: (abs(file[0] - wanted), -file[0]))[1]


def attachment_page_address(item: ImportedItem) -> str | None:
    """An attachment's page on WordPress: the document, else the post or page it was uploaded to, else a
    published article showing the image as its main one; None when no reader may see any (one query more)."""
    if item.document_id:
        return document_address(item)
    if item.parent_post and item.parent_post != "0":
        parent = (
            ImportedItem.objects.filter(source=item.source, kind__in=POSTS, wordpress_id=item.parent_post)
            .select_related("article", "page")
            .defer(*UNUSED_ARTICLE_FIELDS, *UNUSED_PAGE_FIELDS)
            .first()
        )
        url = public_address(parent) if parent is not None else None
        if url:
            return url
    if item.image_id:
        shown = Article.objects.published().filter(main_image_id=item.image_id).order_by("-published_at").first()
        return shown.get_absolute_url() if shown is not None else None
    return None


def host_sources(host: str) -> list[str]:
    """The ``source`` an imported site has when its address was this host (with or without www., http or https)."""
    bare = host.lower().removeprefix("www.")
    return [f"{scheme}://{www}{bare}" for scheme in ("http", "https") for www in ("", "www.")] if bare else []


def host_source(sources: list[str]) -> RawSQL:
    """Whether the host is an imported site's (its source, else NULL), asked in the lookup's own query and
    computed once there. MIN rather than EXISTS: PostgreSQL reads a MIN from the index on ``source`` (a few
    probes), where an EXISTS on a source of many rows may be planned as a scan of the table until its
    first row (15 ms at 240,000 rows)."""
    table = ImportedItem._meta.db_table
    placeholders = ", ".join(["%s"] * len(sources))
    return RawSQL(f"SELECT MIN(source) FROM {table} WHERE source IN ({placeholders})", sources)


def find(address: OldAddress, host: str = "") -> str | None:
    """The current address of what ``address`` named, in one query (two for a tag, an author or an
    attachment's page).

    When the request's ``host`` is one of the imported sites' (several sites pointed at this one), only
    that site's items are looked at: ``/?p=23`` of one never leads to another's post. On any other host
    (the site's new one), where several items match, the best way of naming wins (the exact old address
    first), then the most recently imported; one that readers may not see is passed over.
    """
    condition = Q()
    for way in address.ways:
        condition |= way.condition()
    within = {segment for way in address.ways for segment in way.within}
    if within:
        # The categories and pages an address names its post under, read in the same query.
        condition |= CONTAINER & Q(wordpress_slug__in=sorted(within))
    sources = host_sources(host)
    rows = ImportedItem.objects.filter(condition)
    if sources:
        rows = rows.annotate(host_source=host_source(sources))
    targets = dict.fromkeys(target for way in address.ways for kind in way.kinds for target in TARGETS[kind])
    if not address.file:
        # An attachment's page is rarely what a path names: its library item is read when it is (a query more).
        targets = {target: None for target in targets if target not in TARGETS[Kind.ATTACHMENT]}
    if targets:  # select_related() without names would join every relation
        rows = rows.select_related(*targets).defer(
            *(UNUSED_ARTICLE_FIELDS if "article" in targets else ()), *(UNUSED_PAGE_FIELDS if "page" in targets else ())
        )
    items = list(rows.order_by("-imported_at", "-pk")[:MAX_ROWS])
    if items and sources and items[0].host_source is not None:
        items = [item for item in items if item.source in sources]
    containers: dict[str, set[str]] = {}
    for item in items:
        if item.kind in POSTS or (item.kind, item.taxonomy) == (Kind.TERM, "category"):
            containers.setdefault(item.source, set()).add(item.wordpress_slug)
    ranked = []
    for position, item in enumerate(items):
        rank = next((rank for rank, way in enumerate(address.ways) if way.matches(item, containers)), None)
        if rank is not None:
            ranked.append((rank, position, item))
    seen, checks = set(), 0
    for _rank, _position, item in sorted(ranked, key=lambda entry: entry[:2]):
        if item.kind == Kind.ATTACHMENT:
            # Known by its library item's id, not loaded for that (an attachment's page does not need it).
            key = (Kind.ATTACHMENT, item.image_id, item.document_id)
            if not (item.image_id or item.document_id) or key in seen:
                continue
            seen.add(key)
            if address.file:
                url = file_address(item, address.width)
            else:
                if checks == MAX_EXISTENCE_CHECKS:
                    continue
                checks += 1
                url = attachment_page_address(item)
            if url:
                return url
            continue
        target = item.target
        if target is None or (type(target), target.pk) in seen:
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


def resolve(address: OldAddress | DateArchive | str | None, host: str = "") -> str | None:
    """The address to redirect to, looking it up only if it needs to be."""
    if isinstance(address, OldAddress):
        return find(address, host)
    if isinstance(address, DateArchive):
        return address.address()
    return address


def request_host(request) -> str:
    """The host the reader asked for, without its port; "" when Django refuses it."""
    try:
        return split_domain_port(request.get_host())[0]
    except DisallowedHost:
        return ""


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
        # Read now: the canonical host's middleware, inside this one, puts the site's own in its place.
        host = request_host(request)
        asks_wordpress = (
            request.path_info in HOME_PATHS
            and request.META.get("QUERY_STRING")
            and not QUERY_KEYS.isdisjoint(request.GET.keys())
        )
        if asks_wordpress:
            address = read_query(request.GET)
            url = resolve(address, host)
            if url:
                return HttpResponsePermanentRedirect(url)
            if isinstance(address, OldAddress):
                # WordPress's number or name of something no reader may see here (a draft, a protected
                # post, nothing): « page introuvable », not the home page answering 200 (a soft 404).
                raise Http404
        response = self.get_response(request)
        # Only an address none of our views took (django.contrib.redirects does the same): a
        # view's own 404, /article/unknown/, is ours and stays.
        if response.status_code != 404 or request.resolver_match is not None or asks_wordpress:
            return response
        url = resolve(read_path(request.path_info), host)
        return HttpResponsePermanentRedirect(url) if url else response
