"""RSS 2.0 feeds of the latest published articles: all of them, or those of a section, a place, a person, a tag.

Every feed starts from ``Article.objects.published()`` and reads its items in a
fixed number of queries. Each item carries its main image twice: as the RSS
``<enclosure>`` every reader knows, and as Media RSS ``<media:content>``, which
aggregators and partner sites use for the picture, its size and its credit.
"""

from dataclasses import dataclass
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import gettext as _
from taggit.models import Tag

from images.models import Image

from .models import Article, Personality, Section, TaggedArticle, Territory
from .templatetags.newsroom import names_list
from .typography import fix_french_spacing

FEED_LENGTH = 30
MEDIA_RSS_NAMESPACE = "http://search.yahoo.com/mrss/"
# Aggregators show pictures at about this width; the rendition nearest to it is offered.
FEED_IMAGE_WIDTH = 1200
MIME_TYPES = {"jpeg": "image/jpeg", "png": "image/png"}


@dataclass(frozen=True)
class FeedImage:
    """A picture as a feed offers it. ``url`` is the storage's, resolved against the feed's address when written."""

    url: str
    mime_type: str
    width: int
    height: int
    length: int  # in bytes; 0 when the storage cannot tell, as the RSS Best Practices Profile asks
    description: str
    credit: str


def feed_image(image: Image | None) -> FeedImage | None:
    """The JPEG (or PNG) rendition of the image closest to 1200 px: the format every feed reader displays.

    Only that rendition's size is read from the storage, once per item.
    """
    if image is None:
        return None
    renditions = image.renditions_in(image.fallback_format)
    if not renditions:
        return None
    rendition = min(renditions, key=lambda r: (abs(r["width"] - FEED_IMAGE_WIDTH), -r["width"]))
    storage = image.file.storage
    try:
        length = storage.size(rendition["name"])
    except (OSError, NotImplementedError):
        length = 0  # a missing file must not break the feed; readers take 0 as « unknown »
    return FeedImage(
        url=storage.url(rendition["name"]),
        mime_type=MIME_TYPES.get(rendition["format"], f"image/{rendition['format']}"),
        width=rendition["width"],
        height=rendition["height"],
        length=length,
        description=image.alt_text,
        credit=image.credit,
    )


class MediaRssFeed(Rss201rev2Feed):
    """RSS 2.0 whose items may carry a picture (``image``: a FeedImage) as <enclosure> and <media:content>."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:media": MEDIA_RSS_NAMESPACE}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        image = item.get("image")
        if image is None:
            return
        # Storages give /media/… addresses: feed readers need them absolute, like every link of the feed.
        url = urljoin(self.feed["link"], image.url)
        handler.addQuickElement("enclosure", "", {"url": url, "length": str(image.length), "type": image.mime_type})
        handler.startElement(
            "media:content",
            {
                "url": url,
                "type": image.mime_type,
                "medium": "image",
                "width": str(image.width),
                "height": str(image.height),
                "fileSize": str(image.length),
            },
        )
        if image.description:
            handler.addQuickElement("media:description", image.description, {"type": "plain"})
        if image.credit:
            handler.addQuickElement("media:credit", image.credit)
        handler.endElement("media:content")


def public_name(person) -> bool:
    """Whether the byline of this person can be shown: a username that is an email address never is."""
    return bool(person.get_full_name()) or "@" not in person.get_username()


class LatestArticlesFeed(Feed):
    """The latest published articles of the whole site; subclasses narrow it to one subject."""

    feed_type = MediaRssFeed
    language = "fr"
    item_guid_is_permalink = True  # the guid is the article's address, which never changes for readers

    def get_object(self, request, *args, **kwargs):
        return None

    def filter_articles(self, articles, subject):
        return articles

    def items(self, subject):
        authors = get_user_model().objects.order_by("last_name", "first_name", "pk")
        # Only what a byline needs: the email address is never even read.
        authors = authors.only("first_name", "last_name", get_user_model().USERNAME_FIELD)
        articles = self.filter_articles(Article.objects.published(), subject).for_listing()
        return articles.prefetch_related(Prefetch("authors", queryset=authors), "tags")[:FEED_LENGTH]

    # The channel --------------------------------------------------------------------

    def title(self, subject):
        return settings.SITE_NAME if subject is None else f"{subject} – {settings.SITE_NAME}"

    def link(self, subject):
        return reverse("articles:home") if subject is None else subject.get_absolute_url()

    def description(self, subject):
        return fix_french_spacing(self.describe(subject))

    def describe(self, subject) -> str:
        return _("%(site)s : les derniers articles.") % {"site": settings.SITE_NAME}

    # Each article -------------------------------------------------------------------

    def item_title(self, article):
        # Feed readers take RSS titles as HTML: escaped, « <Ville> & co » shows as typed.
        return escape(article.title)

    def item_description(self, article):
        # The standfirst is plain text; escaped for the same reason as the title.
        return escape(article.standfirst)

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        # Not written in RSS, but moves the Last-Modified header when an article is updated.
        return article.updated_at

    def item_author_name(self, article):
        return names_list([author for author in article.authors.all() if public_name(author)]) or None

    def item_categories(self, article):
        return [article.section.name, *sorted(tag.name for tag in article.tags.all())]

    def item_extra_kwargs(self, article):
        return {"image": feed_image(article.main_image)}


class SectionFeed(LatestArticlesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Section, slug=slug)

    def filter_articles(self, articles, section):
        return articles.in_section(section)

    def describe(self, section):
        return _("%(site)s : les derniers articles de la rubrique « %(name)s ».") % {
            "site": settings.SITE_NAME,
            "name": section.name,
        }


class TerritoryFeed(LatestArticlesFeed):
    """Articles about the territory or any place inside it, as on its page."""

    def get_object(self, request, slug):
        return get_object_or_404(Territory, slug=slug)

    def filter_articles(self, articles, territory):
        return articles.about_territory(territory)

    def describe(self, territory):
        return _("%(site)s : l’actualité de %(name)s et des lieux qui en font partie.") % {
            "site": settings.SITE_NAME,
            "name": territory.name,
        }


class PersonalityFeed(LatestArticlesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Personality, slug=slug)

    def filter_articles(self, articles, personality):
        return articles.about_personality(personality)

    def describe(self, personality):
        return _("%(site)s : les derniers articles sur %(name)s.") % {
            "site": settings.SITE_NAME,
            "name": personality.name,
        }


class TagFeed(LatestArticlesFeed):
    def get_object(self, request, slug):
        # As for the tag page: a tag exists for readers once a published article carries it.
        carried = TaggedArticle.objects.filter(content_object__in=Article.objects.published()).values("tag_id")
        tag = Tag.objects.filter(slug=slug, pk__in=carried).first()
        if tag is None:
            raise Http404("Mot-clé inconnu")
        return tag

    def filter_articles(self, articles, tag):
        return articles.tagged(tag.slug)

    def link(self, tag):
        return reverse("articles:tag", kwargs={"slug": tag.slug})

    def describe(self, tag):
        return _("%(site)s : les derniers articles sur le thème « %(name)s ».") % {
            "site": settings.SITE_NAME,
            "name": tag.name,
        }
