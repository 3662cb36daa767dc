"""RSS 2.0 feeds of the latest published articles: all of them, or those of a section, a place, a person, a tag.

Every feed starts from ``Article.objects.published()`` and reads its items in a
fixed number of queries. Each item carries its main image twice: as the RSS
``<enclosure>`` every reader knows, and as Media RSS ``<media:content>``, which
aggregators and partner sites use for the picture, its size and its credit. An item
updated since its publication (an editor's « mise à jour importante », a rectificatif)
carries that date as ``<atom:updated>``; its ``<pubDate>`` stays the first publication.
"""

from dataclasses import dataclass
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Rss201rev2Feed, rfc3339_date
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

import pagecache
from images.models import Image

from . import caching
from .models import Article, TaggedArticle
from .people import names_list
from .subjects import AUTHORS, TAGS, Subject
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
    credit: str


def feed_image(image: Image | None) -> FeedImage | None:
    """The JPEG (or PNG) rendition of the image closest to 1200 px (the wider on a tie): what every reader displays.

    Only that rendition's size is read from the storage: one call per item, no query.
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
        credit=image.credit,
    )


class MediaRssFeed(Rss201rev2Feed):
    """RSS 2.0 whose items may carry a picture (``image``: a FeedImage) as <enclosure> and <media:content>,
    and the date of their last update as <atom:updated>."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:media": MEDIA_RSS_NAMESPACE}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        # RSS 2.0 has no element for it; Atom's, in the atom namespace every Django RSS feed declares,
        # is what feedparser and the readers built on it take as the entry's « updated » (Blogger writes it too).
        if item["updateddate"] is not None:
            handler.addQuickElement("atom:updated", rfc3339_date(item["updateddate"]))
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
        # No <media:description>: feedparser, and the readers built on it, take it for the article's text.
        if image.credit:
            handler.addQuickElement("media:credit", escape(image.credit))
        handler.endElement("media:content")


def attach_topic_tags(articles: list[Article]) -> None:
    """Give each article its tags as ``topic_tags``, read in one plain query.

    django-taggit's prefetch builds a queryset per article even when its rows are already
    loaded: with thirty items, that was 40 % of the feed's time.
    """
    tags_by_article = {article.pk: [] for article in articles}
    links = TaggedArticle.objects.filter(content_object_id__in=tags_by_article).order_by("tag__name")
    for article_id, tag_id, name, slug in links.values_list("content_object_id", "tag_id", "tag__name", "tag__slug"):
        tags_by_article[article_id].append(Tag(pk=tag_id, name=name, slug=slug))
    for article in articles:
        article.topic_tags = tags_by_article[article.pk]


class LatestArticlesFeed(Feed):
    """The latest published articles of the whole site."""

    feed_type = MediaRssFeed
    language = "fr"
    item_guid_is_permalink = True  # the guid is the article's address, which never changes for readers

    def get_feed(self, obj, request):
        self.tag_page(obj)
        return super().get_feed(obj, request)

    def tag_page(self, subject) -> None:
        pagecache.tag(caching.LATEST)

    def filter_articles(self, articles, subject):
        return articles

    def items(self, subject):
        user = get_user_model()
        # Only what a byline needs: the email address is never even read.
        authors = user.objects.only("first_name", "last_name", user.USERNAME_FIELD).order_by("last_name", "first_name")
        articles = self.filter_articles(Article.objects.published(), subject).for_listing()
        articles = list(articles.prefetch_related(Prefetch("authors", queryset=authors))[:FEED_LENGTH])
        attach_topic_tags(articles)
        return articles

    # The channel --------------------------------------------------------------------

    # Feed readers take these texts as HTML, as item titles: every one is escaped the same way, so that a
    # section, a tag, a name or a credit written « <b>Éco</b> & co » shows as typed and never as markup.

    def title(self, subject):
        return escape(settings.SITE_NAME)

    def link(self, subject):
        return reverse("articles:home")

    def description(self, subject):
        return escape(fix_french_spacing(_("%(site)s : les derniers articles.") % {"site": settings.SITE_NAME}))

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
        # The « Mis à jour le … » of its page, which a rectificatif or an update moves (Correction.save):
        # written as <atom:updated>, and it moves the feed's Last-Modified. <pubDate> stays the first publication.
        return article.updated_at if article.show_update_date else None

    def item_author_name(self, article):
        return escape(names_list(article.authors.all())) or None

    def item_categories(self, article):
        return [escape(name) for name in [article.section.name, *sorted(tag.name for tag in article.topic_tags)]]

    def item_extra_kwargs(self, article):
        caching.tag_cards([article])
        pagecache.tag(*(caching.subject_tag(AUTHORS.kind, author.pk) for author in article.authors.all()))
        pagecache.tag(*(caching.subject_tag(TAGS.kind, topic.pk) for topic in article.topic_tags))
        return {"image": feed_image(article.main_image)}


class SubjectFeed(LatestArticlesFeed):
    """The latest published articles about one subject (articles.subjects), as on its page."""

    def __init__(self, subject: Subject):
        super().__init__()
        self.subject = subject

    def get_object(self, request, **url_kwargs):
        return self.subject.get_object(**url_kwargs)

    def tag_page(self, subject) -> None:
        caching.tag_subject_page(self.subject, subject)

    def filter_articles(self, articles, subject):
        return self.subject.articles_about(articles, subject)

    def items(self, subject):
        articles = super().items(subject)
        if not articles and self.subject.exists_through_articles:
            raise Http404("Aucun article publié")  # as its page: it does not exist for readers yet
        return articles

    def title(self, subject):
        return escape(f"{self.subject.name(subject)} – {settings.SITE_NAME}")

    def link(self, subject):
        return self.subject.url(subject)

    def description(self, subject):
        texts = {"site": settings.SITE_NAME, "name": self.subject.name(subject)}
        return escape(fix_french_spacing(self.subject.feed_description % texts))
