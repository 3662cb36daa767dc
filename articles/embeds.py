"""Posts and videos of other sites in an article, without their trackers.

Each provider is declared once here (``PROVIDERS``): which addresses of its site are recognised,
what id is kept of them (never foreign HTML, never an address the journalist typed), where readers
see the content on the provider's site, and what frame their browser loads once they ask for it.
The editor asks the server to recognise a pasted address (``articles/admin_embeds.py``), so this
list is the only one; ``clean_body`` checks every stored id against its provider's ``id_pattern``.

Readers first get a facade (``templates/articles/includes/embed.html``): the provider's name, the
journalist's text and a plain link, plus a button that ``static/articles/body.js`` turns into the
frame. Nothing is asked of the provider before that click, and the page's Content-Security-Policy
opens ``frame-src`` to the origins of the providers its body shows, and to no other
(``frame_policy``). Adding a provider: docs/embeds.md.
"""

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import escape, unescape
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.csp import build_policy
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .typography import fix_french_spacing

# What a frame may do (its ``sandbox``). A player needs its own scripts and storage (its origin,
# not ours: a frame of another origin never reaches our page or cookies), and opens the provider's
# site in a new tab from its « Voir sur … » link; nothing may navigate our page.
PLAYER_SANDBOX = "allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox allow-presentation"
POST_SANDBOX = "allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox"
# A map draws itself with its scripts; its links open in a new tab. It keeps nothing, so no storage.
MAP_SANDBOX = "allow-scripts allow-popups allow-popups-to-escape-sandbox"
# What a frame may ask the browser for (its ``allow``); the site's Permissions-Policy still turns off
# camera, microphone, location… for every frame (newsroom/middleware.py).
VIDEO_ALLOW = "autoplay; encrypted-media; fullscreen; picture-in-picture"
FULLSCREEN_ALLOW = "fullscreen"

# A frame's shape on the page (a class of static/css/site.css): ``wide`` 16:9 video, ``tall`` 9:16
# vertical video, ``post`` a social post (square-ish, its height its own), ``chart``, ``map`` and
# ``audio`` a fixed height.
LAYOUTS = {"wide", "tall", "post", "chart", "map", "audio"}

MAX_ADDRESS_LENGTH = 2048
# What may end a recognised address and is dropped: a trailing slash, a query (tracking, a start
# time), a fragment. Only the parts a shape names are ever kept.
_TAIL = r"/?(?:\?[^#]*)?(?:#.*)?"


@dataclass(frozen=True)
class Shape:
    """One form of a provider's addresses: a regular expression over the address's path, query and
    fragment (``/watch?v=…#t=3``), whose named groups build the id kept (``id``, a format string)."""

    pattern: re.Pattern
    id: str = "{id}"


def shape(pattern: str, id: str = "{id}", *, tail: bool = True) -> Shape:
    return Shape(re.compile(pattern + (_TAIL if tail else "")), id)


@dataclass(frozen=True)
class Provider:
    """A site whose posts or videos an article may show. ``link`` and ``frame`` are format strings
    of the id (``{id}``, its ``/``-separated ``{parts[0]}``…, and for ``frame`` the link URL-quoted as
    ``{quoted_link}``), or functions of it; ``frame`` None: link only."""

    key: str
    name: str
    what: str  # what its addresses lead to, for the journalist's messages: « une vidéo »
    hosts: frozenset[str]
    shapes: tuple[Shape, ...]
    id_pattern: re.Pattern
    link: str | Callable[[str], str]
    frame: str | Callable[[str], str | None] | None
    frame_origin: str | None
    layout: str
    sandbox: str = POST_SANDBOX
    allow: str = FULLSCREEN_ALLOW

    @property
    def of_name(self) -> str:
        """« de YouTube », « d’Instagram »: the French elision before a vowel."""
        return ("d’" if self.name[0] in "AEIOU" else "de ") + self.name

    def link_for(self, embed_id: str) -> str:
        if callable(self.link):
            return self.link(embed_id)
        return self.link.format(id=embed_id, parts=embed_id.split("/"))

    def frame_for(self, embed_id: str) -> str | None:
        if self.frame is None:
            return None
        if callable(self.frame):
            return self.frame(embed_id)
        link = self.link_for(embed_id)
        return self.frame.format(id=embed_id, parts=embed_id.split("/"), quoted_link=quote(link, safe=""))


# Providers whose frame depends on the id's form -------------------------------------------------


def _vimeo_frame(embed_id: str) -> str:
    # An unlisted video's address carries its hash, which the player needs too. dnt=1: Vimeo's
    # player sets no cookie and sends no statistics of the viewer.
    video, _slash, unlisted = embed_id.partition("/")
    return f"https://player.vimeo.com/video/{video}?dnt=1" + (f"&h={unlisted}" if unlisted else "")


def _facebook_link(embed_id: str) -> str:
    if embed_id.startswith("watch/"):
        return "https://www.facebook.com/watch/?v=" + embed_id.removeprefix("watch/")
    return f"https://www.facebook.com/{embed_id}/"


def _facebook_frame(embed_id: str) -> str:
    plugin = "post" if "/posts/" in embed_id else "video"
    return (
        f"https://www.facebook.com/plugins/{plugin}.php?href={quote(_facebook_link(embed_id), safe='')}&show_text=true"
    )


def _bluesky_frame(embed_id: str) -> str | None:
    # Bluesky's embed names the author by their DID (did:plc:…), which the usual address, with a
    # handle (@someone.bsky.social), does not hold: finding it would take a request to Bluesky
    # from our server while the journalist saves. An address written with the DID gets the frame;
    # one with a handle stays a link, which readers follow to the post.
    actor, _slash, post = embed_id.partition("/")
    if not actor.startswith("did:"):
        return None
    return f"https://embed.bsky.app/embed/{actor}/app.bsky.feed.post/{post}"


# The map shown around an OpenStreetMap view: about the area a 640 × 400 px window shows at that zoom.
MAP_WIDTH_PX, MAP_HEIGHT_PX, TILE_PX = 640, 400, 256


def _map_view(embed_id: str) -> tuple[int, float, float]:
    zoom, lat, lon = embed_id.split("/")
    return int(zoom), float(lat), float(lon)


def _osm_link(embed_id: str) -> str:
    zoom, lat, lon = embed_id.split("/")
    return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map={zoom}/{lat}/{lon}"


def _osm_frame(embed_id: str) -> str:
    zoom, lat, lon = _map_view(embed_id)
    degrees_per_px = 360 / (TILE_PX * 2**zoom)
    half_lon = degrees_per_px * MAP_WIDTH_PX / 2
    half_lat = degrees_per_px * MAP_HEIGHT_PX / 2 * math.cos(math.radians(lat))
    west, east = max(-180.0, lon - half_lon), min(180.0, lon + half_lon)
    south, north = max(-85.0, lat - half_lat), min(85.0, lat + half_lat)
    box = "%2C".join(f"{value:.5f}" for value in (west, south, east, north))
    return f"https://www.openstreetmap.org/export/embed.html?bbox={box}&layer=mapnik&marker={lat:.5f}%2C{lon:.5f}"


# The declarations ---------------------------------------------------------------------------------

YOUTUBE_ID = r"(?P<id>[A-Za-z0-9_-]{11})"
DAILYMOTION_ID = r"(?P<id>x[0-9a-z]{4,12})"
HANDLE = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+"
DID = r"did:(?:plc:[a-z2-7]{24}|web:[A-Za-z0-9.-]{1,253})"
BLUESKY_RKEY = r"[a-z2-7]{13}"
FACEBOOK_PAGE = r"[A-Za-z0-9.\-]{1,80}"
FACEBOOK_POST = r"pfbid[A-Za-z0-9]{20,80}|[0-9]{1,20}"
SOUNDCLOUD_NAME = r"[a-z0-9_-]{1,100}"
# A profile's own pages (its tracks, likes…) and SoundCloud's: not a track.
SOUNDCLOUD_NOT_TRACK = (
    r"(?!(?:tracks|albums|sets|reposts|likes|followers|following|popular-tracks|comments)(?:[/?#]|$))"
)
SOUNDCLOUD_SITE_PAGES = r"(?!(?:discover|search|stream|upload|you|pages|charts|tags|stations|feed|messages)/)"
LATITUDE = r"-?(?:90(?:\.0{1,7})?|[0-8]?[0-9](?:\.[0-9]{1,7})?)"
LONGITUDE = r"-?(?:180(?:\.0{1,7})?|(?:1[0-7][0-9]|[0-9]{1,2})(?:\.[0-9]{1,7})?)"
ZOOM = r"(?:1[0-9]|[0-9])"
UMAP_LANGUAGE = r"[a-z]{2}(?:[-_][A-Za-z]{2,4})?"
UMAP_MAP = r"[A-Za-z0-9-]{0,100}_[0-9]{1,10}"

_PROVIDERS = [
    Provider(
        key="youtube",
        name="YouTube",
        what=gettext_lazy("une vidéo"),
        hosts=frozenset(
            {
                "youtube.com",
                "www.youtube.com",
                "m.youtube.com",
                "youtu.be",
                "www.youtube-nocookie.com",
                "youtube-nocookie.com",
            }
        ),
        shapes=(
            shape(r"/watch/?\?(?:[^#]*&)?v=" + YOUTUBE_ID + r"(?:&[^#]*)?(?:#.*)?", tail=False),
            shape(r"/(?:shorts|embed|live|v)/" + YOUTUBE_ID),
            shape(r"/" + YOUTUBE_ID),  # youtu.be/<id>
        ),
        id_pattern=re.compile(r"[A-Za-z0-9_-]{11}"),
        link="https://www.youtube.com/watch?v={id}",
        # YouTube's cookieless player: no cookie until the video plays.
        frame="https://www.youtube-nocookie.com/embed/{id}",
        frame_origin="https://www.youtube-nocookie.com",
        layout="wide",
        sandbox=PLAYER_SANDBOX,
        allow=VIDEO_ALLOW,
    ),
    Provider(
        key="dailymotion",
        name="Dailymotion",
        what=gettext_lazy("une vidéo"),
        hosts=frozenset({"dailymotion.com", "www.dailymotion.com", "dai.ly", "geo.dailymotion.com"}),
        shapes=(
            # Older addresses add the title to the id: /video/x7tgad0_le-titre.
            shape(r"/(?:embed/)?video/" + DAILYMOTION_ID + r"(?:_[^/?#]*)?"),
            shape(
                r"/player(?:/[A-Za-z0-9]{1,20})?\.html\?(?:[^#]*&)?video=" + DAILYMOTION_ID + r"(?:&[^#]*)?(?:#.*)?",
                tail=False,
            ),
            shape(r"/" + DAILYMOTION_ID),  # dai.ly/<id>
        ),
        id_pattern=re.compile(r"x[0-9a-z]{4,12}"),
        link="https://www.dailymotion.com/video/{id}",
        frame="https://geo.dailymotion.com/player.html?video={id}",
        frame_origin="https://geo.dailymotion.com",
        layout="wide",
        sandbox=PLAYER_SANDBOX,
        allow=VIDEO_ALLOW,
    ),
    Provider(
        key="vimeo",
        name="Vimeo",
        what=gettext_lazy("une vidéo"),
        hosts=frozenset({"vimeo.com", "www.vimeo.com", "player.vimeo.com"}),
        shapes=(
            shape(r"/(?P<video>[0-9]{6,12})(?:/(?P<hash>[0-9a-f]{8,20}))?", "{video}/{hash}"),
            shape(r"/(?:channels/[A-Za-z0-9_-]{1,100}|groups/[A-Za-z0-9_-]{1,100}/videos)/(?P<id>[0-9]{6,12})"),
            shape(
                r"/video/(?P<video>[0-9]{6,12})/?(?:\?(?:[^#]*&)?h=(?P<hash>[0-9a-f]{8,20})(?:&[^#]*)?|\?[^#]*)?(?:#.*)?",
                "{video}/{hash}",
                tail=False,
            ),
        ),
        id_pattern=re.compile(r"[0-9]{6,12}(?:/[0-9a-f]{8,20})?"),
        link="https://vimeo.com/{id}",
        frame=_vimeo_frame,
        frame_origin="https://player.vimeo.com",
        layout="wide",
        sandbox=PLAYER_SANDBOX,
        allow=VIDEO_ALLOW,
    ),
    Provider(
        key="x",
        name="X (Twitter)",
        what=gettext_lazy("un message"),
        hosts=frozenset({"x.com", "www.x.com", "mobile.x.com", "twitter.com", "www.twitter.com", "mobile.twitter.com"}),
        shapes=(
            shape(r"/(?:[A-Za-z0-9_]{1,15}|i/web|i)/status(?:es)?/(?P<id>[0-9]{1,20})(?:/(?:photo|video)/[0-9])?"),
        ),
        id_pattern=re.compile(r"[0-9]{1,20}"),
        link="https://x.com/i/status/{id}",
        # dnt=true: X's own embed keeps no personalisation data of the reader.
        frame="https://platform.twitter.com/embed/Tweet.html?id={id}&dnt=true",
        frame_origin="https://platform.twitter.com",
        layout="post",
    ),
    Provider(
        key="instagram",
        name="Instagram",
        what=gettext_lazy("une publication"),
        hosts=frozenset({"instagram.com", "www.instagram.com"}),
        shapes=(
            shape(r"/(?:[A-Za-z0-9_.]{1,30}/)?(?P<kind>p|reel)s?/(?P<code>[A-Za-z0-9_-]{5,40})", "{kind}/{code}"),
            shape(r"/(?:[A-Za-z0-9_.]{1,30}/)?tv/(?P<code>[A-Za-z0-9_-]{5,40})", "p/{code}"),
        ),
        id_pattern=re.compile(r"(?:p|reel)/[A-Za-z0-9_-]{5,40}"),
        link="https://www.instagram.com/{id}/",
        frame="https://www.instagram.com/{id}/embed/",
        frame_origin="https://www.instagram.com",
        layout="post",
    ),
    Provider(
        key="facebook",
        name="Facebook",
        what=gettext_lazy("une publication ou une vidéo"),
        hosts=frozenset({"facebook.com", "www.facebook.com", "m.facebook.com", "web.facebook.com"}),
        shapes=(
            shape(rf"/(?P<page>{FACEBOOK_PAGE})/posts/(?P<post>{FACEBOOK_POST})", "{page}/posts/{post}"),
            shape(
                rf"/(?P<page>{FACEBOOK_PAGE})/videos/(?:[^/?#]{{1,200}}/)?(?P<video>[0-9]{{1,20}})",
                "{page}/videos/{video}",
            ),
            shape(r"/watch/?\?(?:[^#]*&)?v=(?P<video>[0-9]{1,20})(?:&[^#]*)?(?:#.*)?", "watch/{video}", tail=False),
            shape(r"/reel/(?P<video>[0-9]{1,20})", "reel/{video}"),
        ),
        # The id is the post's or video's path on Facebook, which its plugins take as their href.
        id_pattern=re.compile(
            rf"(?!(?:watch|reel)/)(?:{FACEBOOK_PAGE})/(?:posts/(?:{FACEBOOK_POST})|videos/[0-9]{{1,20}})|(?:watch|reel)/[0-9]{{1,20}}"
        ),
        link=_facebook_link,
        frame=_facebook_frame,
        frame_origin="https://www.facebook.com",
        layout="post",
        sandbox=PLAYER_SANDBOX,
        allow=VIDEO_ALLOW,
    ),
    Provider(
        key="tiktok",
        name="TikTok",
        what=gettext_lazy("une vidéo"),
        hosts=frozenset({"tiktok.com", "www.tiktok.com", "m.tiktok.com"}),
        shapes=(
            shape(r"/@[A-Za-z0-9_.]{0,24}/video/(?P<id>[0-9]{10,20})"),
            shape(r"/embed(?:/v2)?/(?P<id>[0-9]{10,20})"),
            shape(r"/v/(?P<id>[0-9]{10,20})\.html"),
        ),
        id_pattern=re.compile(r"[0-9]{10,20}"),
        # TikTok finds the author of a video from its id alone (« @ » without a name).
        link="https://www.tiktok.com/@/video/{id}",
        frame="https://www.tiktok.com/embed/v2/{id}",
        frame_origin="https://www.tiktok.com",
        layout="tall",
        sandbox=PLAYER_SANDBOX,
        allow=VIDEO_ALLOW,
    ),
    Provider(
        key="bluesky",
        name="Bluesky",
        what=gettext_lazy("un message"),
        hosts=frozenset({"bsky.app", "www.bsky.app"}),
        shapes=(shape(rf"/profile/(?P<actor>{HANDLE}|{DID})/post/(?P<post>{BLUESKY_RKEY})", "{actor}/{post}"),),
        id_pattern=re.compile(rf"(?:{HANDLE}|{DID})/{BLUESKY_RKEY}"),
        link="https://bsky.app/profile/{parts[0]}/post/{parts[1]}",
        frame=_bluesky_frame,
        frame_origin="https://embed.bsky.app",
        layout="post",
    ),
    Provider(
        key="soundcloud",
        name="SoundCloud",
        what=gettext_lazy("un son ou une liste de sons"),
        hosts=frozenset({"soundcloud.com", "www.soundcloud.com", "m.soundcloud.com"}),
        shapes=(
            shape(
                rf"/{SOUNDCLOUD_SITE_PAGES}(?P<artist>{SOUNDCLOUD_NAME})/sets/(?P<set>{SOUNDCLOUD_NAME})",
                "{artist}/sets/{set}",
            ),
            shape(
                rf"/{SOUNDCLOUD_SITE_PAGES}(?P<artist>{SOUNDCLOUD_NAME})/{SOUNDCLOUD_NOT_TRACK}(?P<track>{SOUNDCLOUD_NAME})",
                "{artist}/{track}",
            ),
        ),
        # The id is the path of the sound on SoundCloud: its player takes the sound's address.
        id_pattern=re.compile(rf"{SOUNDCLOUD_NAME}/(?:sets/)?{SOUNDCLOUD_NAME}"),
        link="https://soundcloud.com/{id}",
        frame="https://w.soundcloud.com/player/?url={quoted_link}&visual=false&show_comments=false",
        frame_origin="https://w.soundcloud.com",
        layout="audio",
    ),
    Provider(
        key="datawrapper",
        name="Datawrapper",
        what=gettext_lazy("un graphique ou une carte"),
        hosts=frozenset({"datawrapper.dwcdn.net", "datawrapper.de", "www.datawrapper.de"}),
        shapes=(
            shape(r"/(?P<chart>[A-Za-z0-9]{5})/(?P<version>[0-9]{1,4})", "{chart}/{version}"),
            shape(r"/(?:_/|chart/)?(?P<id>[A-Za-z0-9]{5})"),
        ),
        # A chart's number with its published version (a later version keeps the article's as it was),
        # or the number alone (its latest version).
        id_pattern=re.compile(r"[A-Za-z0-9]{5}(?:/[0-9]{1,4})?"),
        link="https://datawrapper.dwcdn.net/{id}/",
        frame="https://datawrapper.dwcdn.net/{id}/",
        frame_origin="https://datawrapper.dwcdn.net",
        layout="chart",
    ),
    Provider(
        key="flourish",
        name="Flourish",
        what=gettext_lazy("une visualisation ou une histoire"),
        hosts=frozenset({"public.flourish.studio", "flo.uri.sh"}),
        shapes=(shape(r"/(?P<kind>visualisation|story)/(?P<number>[0-9]{1,10})(?:/embed)?", "{kind}/{number}"),),
        id_pattern=re.compile(r"(?:visualisation|story)/[0-9]{1,10}"),
        link="https://public.flourish.studio/{id}/",
        frame="https://flo.uri.sh/{id}/embed",
        frame_origin="https://flo.uri.sh",
        layout="chart",
    ),
    Provider(
        key="openstreetmap",
        name="OpenStreetMap",
        what=gettext_lazy("une carte"),
        hosts=frozenset({"openstreetmap.org", "www.openstreetmap.org"}),
        shapes=(
            # The view the journalist was looking at (#map=zoom/lat/lon), whatever the page under it.
            shape(
                rf"(?:/[^?#]*)?(?:\?[^#]*)?#map=(?P<zoom>{ZOOM})/(?P<lat>{LATITUDE})/(?P<lon>{LONGITUDE})(?:&.*)?",
                "{zoom}/{lat}/{lon}",
                tail=False,
            ),
        ),
        id_pattern=re.compile(rf"{ZOOM}/{LATITUDE}/{LONGITUDE}"),
        link=_osm_link,
        frame=_osm_frame,
        frame_origin="https://www.openstreetmap.org",
        layout="map",
        sandbox=MAP_SANDBOX,
    ),
    Provider(
        key="umap",
        name="uMap",
        what=gettext_lazy("une carte"),
        hosts=frozenset({"umap.openstreetmap.fr"}),
        # Only a map's public address: an « anonymous edit » address (/map/anonymous-edit/…) would
        # give every reader the right to change the map.
        shapes=(shape(rf"/(?P<language>{UMAP_LANGUAGE})/map/(?P<map>{UMAP_MAP})", "{language}/{map}"),),
        id_pattern=re.compile(rf"{UMAP_LANGUAGE}/{UMAP_MAP}"),
        link="https://umap.openstreetmap.fr/{parts[0]}/map/{parts[1]}",
        frame=(
            "https://umap.openstreetmap.fr/{parts[0]}/map/{parts[1]}?scrollWheelZoom=false&editMode=disabled"
            "&miniMap=false&captionBar=false&onLoadPanel=none"
        ),
        frame_origin="https://umap.openstreetmap.fr",
        layout="map",
        sandbox=MAP_SANDBOX,
    ),
]
PROVIDERS: dict[str, Provider] = {provider.key: provider for provider in _PROVIDERS}
BY_HOST: dict[str, Provider] = {host: provider for provider in _PROVIDERS for host in provider.hosts}


# Recognising a pasted address -------------------------------------------------------------------------

# An address pasted without its scheme (« youtu.be/… »): a host name, then a path.
_SCHEMELESS = re.compile(r"[A-Za-z0-9.-]+\.[A-Za-z]{2,}/.*")
_UNSAFE = re.compile(r"[\s\\\x00-\x1f\x7f<>\"'`]")


def provider_names() -> str:
    return ", ".join(provider.name for provider in _PROVIDERS)


def recognise(address: str) -> tuple[Provider, str]:
    """The provider and the id of a pasted address; a ValidationError with a French message when the
    address is not one we embed: another scheme than https/http, a name before an ``@``, a port, a
    host of no declared provider, or a page of a provider that is not a post or a video."""
    address = (address or "").strip()
    if not address:
        raise ValidationError(_("Collez l’adresse du contenu à intégrer."), code="empty")
    if len(address) > MAX_ADDRESS_LENGTH or _UNSAFE.search(address):
        raise ValidationError(
            _("Cette adresse contient des caractères qu’aucune adresse de contenu ne contient : copiez-la à nouveau."),
            code="unsafe",
        )
    if "://" not in address and _SCHEMELESS.fullmatch(address):
        address = "https://" + address
    parts = urlsplit(address)
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        raise ValidationError(
            _("Seule l’adresse d’une page web (https://…) peut être intégrée : collez celle du contenu."),
            code="scheme",
        )
    if "@" in parts.netloc:
        # https://youtube.com@evil.fr/ leads to evil.fr, whatever comes before the « @ ».
        raise ValidationError(
            _(
                "Cette adresse cache le site où elle mène (« %(host)s ») : copiez l’adresse affichée sur le site du contenu."
            )
            % {"host": parts.netloc},
            code="host",
        )
    if ":" in parts.netloc:
        raise ValidationError(
            _("Cette adresse passe par un port (« %(host)s ») : copiez l’adresse affichée sur le site du contenu.")
            % {"host": parts.netloc},
            code="port",
        )
    host = parts.netloc.lower()
    provider = BY_HOST.get(host)
    if provider is None:
        raise ValidationError(
            _("Nous ne savons pas intégrer les contenus de « %(host)s ». Sites possibles : %(names)s.")
            % {"host": host, "names": provider_names()},
            code="provider",
        )
    rest = (
        (parts.path or "/")
        + (f"?{parts.query}" if parts.query else "")
        + (f"#{parts.fragment}" if parts.fragment else "")
    )
    for candidate in provider.shapes:
        match = candidate.pattern.fullmatch(rest)
        if match:
            # A group the address did not have (an optional hash) leaves no trailing « / ».
            embed_id = candidate.id.format(**{name: value or "" for name, value in match.groupdict().items()}).rstrip(
                "/"
            )
            if provider.id_pattern.fullmatch(embed_id):
                return provider, embed_id
    raise ValidationError(
        _(
            "Cette adresse %(name)s ne mène pas à %(what)s que nous savons intégrer : ouvrez le contenu sur "
            "%(name)s et copiez l’adresse de sa page (ou celle de son bouton « Partager »)."
        )
        % {"name": provider.name, "what": provider.what},
        code="shape",
    )


def problem_with(provider_key: str, embed_id: str) -> str | None:
    """Why a stored embed can't be shown (a French message for the journalist), or None."""
    provider = PROVIDERS.get(provider_key)
    if provider is None:
        return _("Ce contenu intégré vient d’un site que nous ne savons pas intégrer (« %(provider)s »).") % {
            "provider": provider_key
        }
    if not provider.id_pattern.fullmatch(embed_id or ""):
        return _("L’adresse du contenu %(provider)s intégré n’est pas reconnue : collez-la à nouveau.") % {
            "provider": provider.name
        }
    return None


# Readers ---------------------------------------------------------------------------------------


def titled(provider: Provider, text: str) -> str:
    """« YouTube : the journalist's text », as the frame's title and a feed's link read."""
    return fix_french_spacing(f"{provider.name} : {text}") if text else provider.name


def render_embed(provider_key: str, embed_id: str, caption_html: str) -> str:
    """The facade readers get: the provider, the journalist's text, a link, and (with JavaScript) a
    button that loads the frame. Nothing here makes the browser ask the provider for anything."""
    provider = PROVIDERS.get(provider_key)
    if provider is None or problem_with(provider_key, embed_id):
        return ""
    text = " ".join(unescape(strip_tags(str(caption_html))).split())
    return render_to_string(
        "articles/includes/embed.html",
        {
            "provider": provider,
            "link": provider.link_for(embed_id),
            "frame": provider.frame_for(embed_id),
            "frame_title": titled(provider, text),
            "caption": caption_html,
        },
    )


# What a facade that can load a frame starts with (embed.html): the body's own text can't write it,
# its « < » being escaped, so only a rendered embed opens its provider's frame.
_FRAMED_FACADE = re.compile(r'<figure class="embed[^"]*" data-embed-provider="([a-z]+)" data-embed-frame=')


def framed_providers_in(body_html: str) -> list[Provider]:
    """The providers whose frames a rendered body's facades may load, in order of first appearance."""
    keys = dict.fromkeys(_FRAMED_FACADE.findall(body_html or ""))
    return [PROVIDERS[key] for key in keys if key in PROVIDERS]


def frame_policy(providers: Iterable[Provider]) -> str | None:
    """The readers' Content-Security-Policy with ``frame-src`` open to these providers' frames (and
    nothing else), for the page that shows them; None when none of them has a frame."""
    origins = sorted({provider.frame_origin for provider in providers if provider.frame_origin})
    if not origins or not settings.SECURE_CSP:
        return None
    return build_policy(settings.SECURE_CSP | {"frame-src": origins})


# A rendered facade (embed.html), whole: the body's own text can't write one (its « < » escaped).
_FACADE = re.compile(
    r'<figure class="embed[^"]*" data-embed-provider="(?P<key>[a-z]+)"[^>]*>(?P<inside>.*?)</figure>', re.DOTALL
)
_FACADE_LINK = re.compile(r'<a class="embed-link" href="(?P<href>[^"]*)">')
_FACADE_CAPTION = re.compile(r"<figcaption>(?P<caption>.*?)</figcaption>", re.DOTALL)


def feed_form(body_html: str) -> str:
    """A rendered body for a feed: each facade becomes one link, « YouTube : the journalist's text »
    (a feed reader runs no script and may show what the page hides, like the facade's button)."""

    def as_link(match: re.Match) -> str:
        provider = PROVIDERS.get(match["key"])
        link = _FACADE_LINK.search(match["inside"])
        if provider is None or link is None:
            return ""
        caption = _FACADE_CAPTION.search(match["inside"])
        text = " ".join(unescape(strip_tags(caption["caption"])).split()) if caption else ""
        label = escape(titled(provider, text), quote=False)
        return f'<p><a href="{link["href"]}">{label}</a></p>'

    return _FACADE.sub(as_link, body_html or "")
