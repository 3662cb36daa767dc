"""The addresses in a WordPress post: the old site's own (its posts, its uploads) and the players it embedded.

``OldSite`` knows the old site's address: which links and images are its own, and how a
relative address reads. The ``Resolver`` is the importer's (wordpress/importer.py): what the
rest of the export became here, the library image of an attachment, the page of another post.
An address WordPress embedded (a video, a post on a social network) becomes our embed when
articles.embeds knows its provider (``embed_of``), else a link, to the page readers know rather
than to the player.
"""

import re
from typing import Protocol
from urllib.parse import unquote, urljoin, urlsplit

from django.core.exceptions import ValidationError

from articles import embeds


def path_of(url: str) -> str:
    """The path of an address, decoded, with a trailing slash: how old addresses are compared."""
    path = re.sub(r"/{2,}", "/", unquote(urlsplit(url or "").path or "/"))
    return path if path.endswith("/") else path + "/"


class Resolver(Protocol):
    """What the importer knows about the rest of the export, asked while a body is converted."""

    def image(self, *, attachment_id: int | None, url: str) -> int | None:
        """The library image id for a WordPress image, None when there is none.

        ``attachment_id`` comes from a ``wp-image-N`` class, a ``[caption id="attachment_N"]``
        or a ``[gallery ids=…]``; ``url`` is absolute (made so from the site's address), without
        its query string, possibly a resized variant (« photo-300x200.jpg »), or "" for a
        gallery's id alone. Every ``<img>`` is asked about, even from other hosts: only the
        importer knows the addresses its attachments had.
        """

    def article_href(self, url: str) -> str | None:
        """``/article/<slug>/`` (and any #fragment) when the absolute ``url`` of the old site is an imported post."""

    def document(self, *, attachment_id: int | None, url: str) -> tuple[int, str] | None:
        """The document library's ``(id, kind)`` for a sound, a video or a file of the old site, None when absent.

        Optional: a resolver without it has no document library to offer (every file stays a link).
        """


class OldSite:
    """The old site's address: which links and images are its own, and relative addresses made absolute."""

    def __init__(self, site: str):
        self.root = (site or "").strip().rstrip("/")
        parts = urlsplit(self.root)
        self.host = self._bare(parts.hostname or "")
        # A WordPress.com blog keeps its uploads on « <blog>.files.wordpress.com ».
        self.files_host = self.host.replace(".wordpress.com", ".files.wordpress.com") if self.host else ""

    @staticmethod
    def _bare(host: str) -> str:
        return host.lower().removeprefix("www.")

    def absolute(self, url: str) -> str:
        url = url.strip()
        if url.startswith("//"):
            return "https:" + url
        if self.root and not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", url):
            return urljoin(self.root + "/", url)
        return url

    def origin(self, url: str) -> str:
        """An image's own address when Jetpack's CDN served it (« i0.wp.com/<site>/wp-content/… »)."""
        match = re.match(r"^https?://i\d\.wp\.com/([^/]+)(/.*)$", url)
        if match and self._bare(match.group(1)) == self.host:
            return f"{urlsplit(self.root).scheme or 'https'}://{match.group(1)}{match.group(2)}"
        return url

    def is_own(self, url: str) -> bool:
        host = self._bare(urlsplit(url).hostname or "")
        return bool(self.host) and host == self.host

    def is_upload(self, url: str) -> bool:
        parts = urlsplit(url)
        host = self._bare(parts.hostname or "")
        path = parts.path
        if host == self.files_host and host.endswith(".files.wordpress.com"):
            return True
        own = host == self.host or not host
        return own and any(part in path for part in ("/wp-content/uploads/", "/wp-content/blogs.dir/", "/files/"))


# Where an address alone on its line was a video, a post or a song on WordPress, and is now a link.
EMBED_HOSTS = (
    "youtube.com",
    "youtu.be",
    "vimeo.com",
    "dailymotion.com",
    "dai.ly",
    "twitter.com",
    "x.com",
    "facebook.com",
    "instagram.com",
    "soundcloud.com",
    "spotify.com",
    "deezer.com",
    "tiktok.com",
    "flickr.com",
    "wordpress.tv",
    "slideshare.net",
    "scribd.com",
    "issuu.com",
    "reddit.com",
    "tumblr.com",
    "imgur.com",
    "ted.com",
    "mixcloud.com",
    "kickstarter.com",
    "pinterest.com",
    "giphy.com",
    "bsky.app",
)
_PLAYER_ADDRESSES = [
    (
        re.compile(r"^https?://(?:www\.)?youtube(?:-nocookie)?\.com/embed/([\w-]+)"),
        "https://www.youtube.com/watch?v={}",
    ),
    (re.compile(r"^https?://player\.vimeo\.com/video/(\d+)"), "https://vimeo.com/{}"),
    (re.compile(r"^https?://(?:www\.)?dailymotion\.com/embed/video/(\w+)"), "https://www.dailymotion.com/video/{}"),
]


def player_page(url: str) -> str:
    """A player's address (« youtube.com/embed/… ») as the page readers know (« youtube.com/watch?v=… »)."""
    for pattern, address in _PLAYER_ADDRESSES:
        match = pattern.match(url)
        if match:
            return address.format(match.group(1))
    return url


def on_embed_host(url: str) -> bool:
    """Whether the address is on one of EMBED_HOSTS, whose pages WordPress showed as a player or a card."""
    host = (urlsplit(url).hostname or "").lower()
    return any(host == known or host.endswith("." + known) for known in EMBED_HOSTS)


def embed_of(url: str) -> tuple[str, str] | None:
    """``(provider key, id)`` of articles.embeds for an address WordPress embedded, None for a provider it lacks."""
    try:
        provider, embed_id = embeds.recognise(url)
    except ValidationError:  # its French message is for journalists pasting an address: here, a link
        return None
    return provider.key, embed_id
