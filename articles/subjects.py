"""The subjects of articles — sections, dossiers, places, people, topic tags, authors — each declared once.

A subject is something readers browse articles by: it has a page listing the published
articles about it (``/rubrique/<slug>/``…), an RSS feed of them, a sitemap of the pages,
page-cache tags, and maybe a name the search indexes. One view
(``views.SubjectArticlesView``), one feed (``feeds.SubjectFeed``), one sitemap
(``sitemaps.SubjectSitemap``) and the dates it reads (``subject_dates``), the URLs, the page
cache's receivers (``caching``) and the search indexer (``search.indexing``) read these
declarations; none of them names a subject. The staff side reads them too: the article form,
its versions and their restore, the article page's data query and its foot, and
``tests/test_subjects.py`` checks every subject against all of them. Adding one is a checklist
in ``docs/subjects.md``.
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import OuterRef
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from .models import Article, ArticleQuerySet, Personality, Section, TaggedArticle, Territory, slug_address
from .models.dossiers import Dossier
from .people import public_name
from .revisions import Kept


@dataclass(frozen=True)
class ArticleLink:
    """Where the pairs (article, subject) are stored: a link table, or the article's own foreign key."""

    table: type[models.Model]
    article_field: str
    subject_field: str

    @property
    def article_column(self) -> str:
        return "pk" if self.table is Article else f"{self.article_field}_id"

    @property
    def subject_column(self) -> str:
        return f"{self.subject_field}_id"

    @property
    def is_link_table(self) -> bool:
        return self.table is not Article

    def pairs(self, article_ids) -> list[tuple[int, int]]:
        """(article id, subject id) for these articles, in one query."""
        rows = self.table.objects.filter(**{f"{self.article_column}__in": article_ids})
        return list(rows.values_list(self.article_column, self.subject_column))

    def articles_linked(self, articles: ArticleQuerySet, subject) -> ArticleQuerySet:
        """The articles linked to ``subject``: the subject, its id, or ``OuterRef("pk")`` from a
        query over subjects (a link table is one query deeper, so the reference goes one level out)."""
        if isinstance(subject, OuterRef):
            value = OuterRef(subject) if self.is_link_table else subject
        else:
            value = subject.pk if isinstance(subject, models.Model) else subject
        if not self.is_link_table:
            return articles.filter(**{self.subject_column: value})
        links = self.table.objects.filter(**{self.subject_column: value})
        return articles.filter(pk__in=links.values(self.article_column))

    def article_ids(self, subject_ids) -> set[int]:
        rows = self.table.objects.filter(**{f"{self.subject_column}__in": subject_ids})
        return set(rows.values_list(self.article_column, flat=True))


@dataclass(frozen=True, eq=False)
class Subject:
    """What the code needs to know of one kind of subject. See the module's docstring."""

    kind: str  # URL names (articles:<kind>, articles:<kind>_feed), templates, page-cache tags
    path: str  # the address of its pages: /<path>/<slug>/
    model: type[models.Model]
    article_field: str  # Article's field for it: the form's, the versions', the key of Article.page_data
    link: ArticleLink
    # The RSS channel's description: %(site)s the site's name, %(name)s the subject's.
    feed_description: Promise
    sitemap_key: str  # /sitemap-<key>.xml
    # The ArticleQuerySet method giving the articles about one (the subject, its id or an OuterRef);
    # without one, the articles its link names (``ArticleLink.articles_linked``).
    filter_method: str = ""
    sitemap_priority: float = 0.5
    sitemap_changefreq: str = "daily"
    ordering: tuple[str, ...] = ("name", "pk")
    lookup: str = "slug"  # the field its address names it by
    # A tag, a person or an author exists for readers only through the published articles
    # about it: its page and feed answer 404 until there is one, so that nothing a journalist
    # adds reaches readers before an editor publishes it. Sections and places are the editors'
    # own (journalists pick them): their page exists, even empty.
    exists_through_articles: bool = False
    # Its name is indexed with the articles about it (search finds « Metz » articles).
    name_is_searched: bool = False
    # Its own saves purge the pages that name it (caching.subject_changed); the territories
    # and authors have receivers of their own (containment, name fields).
    purged_on_save: bool = True
    select_related: tuple[str, ...] = field(default=())
    # On the article page, the heading of its list in the footer; None where the page shows it
    # elsewhere (the section above the title, the authors in the byline).
    footer_heading: Promise | None = None
    # The columns of its model that the article page's data query reads (``Article.page_data``):
    # its name, its address, one more ("" for none). See ``from_page_row``.
    page_columns: tuple[str, str, str] = ("name", "slug", "")
    # Its objects are the editors' to add, change and delete in the admin (their role holds the
    # permissions, tests/test_subjects.py checks it); people's accounts are the administrators'.
    managed_by_editors: bool = True
    # The article form finds it as one types (its admin has ``search_fields``).
    autocompleted: bool = False
    # Versions keep an article's value of it by name rather than by id (topic tags: typed, not picked).
    kept_by_name: bool = False

    @property
    def kept_as(self) -> Kept:
        """How a version keeps an article's value of it (``revisions.kept_as``)."""
        if not self.link.is_link_table:
            return Kept.ONE
        return Kept.NAMES if self.kept_by_name else Kept.MANY

    def articles_about(self, articles: ArticleQuerySet, subject) -> ArticleQuerySet:
        """The one filter, for its page, its feed, its sitemap and the search form alike."""
        if not self.filter_method:
            return self.link.articles_linked(articles, subject)
        return getattr(articles, self.filter_method)(subject)

    def queryset(self):
        objects = self.model.objects.all()
        return objects.select_related(*self.select_related) if self.select_related else objects

    def get_object(self, **url_kwargs):
        return get_object_or_404(self.queryset(), **{self.lookup: url_kwargs[self.lookup]})

    def url(self, subject) -> str:
        if self.lookup == "slug":
            return slug_address(f"articles:{self.kind}", subject.slug)
        return reverse(f"articles:{self.kind}", kwargs={self.lookup: getattr(subject, self.lookup)})

    def feed_url(self, subject) -> str:
        return reverse(f"articles:{self.kind}_feed", kwargs={self.lookup: getattr(subject, self.lookup)})

    def name(self, subject) -> str:
        """How readers see it named (in feeds, titles)."""
        return str(subject)

    @property
    def url_pattern(self) -> str:
        converter = "slug" if self.lookup == "slug" else "int"
        return f"{self.path}/<{converter}:{self.lookup}>/"

    def page_context(self, subject) -> dict:
        """What its page shows besides the list and the subject itself (``SubjectArticlesView``)."""
        return {}

    def listing_links_to(self, ids) -> set[int]:
        """The subjects whose page lists the articles linked to these: themselves (``subject_dates``)."""
        return {pk for pk in ids if pk is not None}

    def from_page_row(self, pk, name, slug, extra):
        """One of an article's subjects as its page's data query reads it (``page_columns``)."""
        return self.model(pk=pk, name=name, slug=slug)

    def page_order(self, subject):
        """How the article page lists them: by name."""
        return (subject.name.casefold(), subject.pk)


class SectionSubject(Subject):
    def page_context(self, section) -> dict:
        return {"current_section_slug": section.slug}  # the menu marks it


class TerritorySubject(Subject):
    """A place's page lists the articles about it or about any place inside it."""

    def queryset(self):
        # With the ids of the places inside it, in the same query: see about_territory().
        return super().queryset().with_places_inside()

    def page_context(self, territory) -> dict:
        return {"places_inside": list(territory.places_directly_inside())}

    def listing_links_to(self, ids) -> set[int]:
        """The places and every place containing one of them."""
        ids = super().listing_links_to(ids)
        containers = Territory.containers.through.objects.filter(from_territory_id__in=ids)
        return ids | set(containers.values_list("to_territory_id", flat=True)) if ids else ids


class AuthorSubject(Subject):
    def name(self, author) -> str:
        return public_name(author)  # never a login that is an email address

    def from_page_row(self, pk, first_name, username, last_name):
        return self.model(pk=pk, first_name=first_name, last_name=last_name, **{self.model.USERNAME_FIELD: username})

    def page_order(self, author):
        return (author.last_name, author.first_name)  # byline order


SECTIONS = SectionSubject(
    kind="section",
    path="rubrique",
    model=Section,
    filter_method="in_section",
    article_field="section",
    link=ArticleLink(Article, "id", "section"),
    feed_description=_("%(site)s : les derniers articles de la rubrique « %(name)s »."),
    sitemap_key="rubriques",
    sitemap_priority=0.7,
    sitemap_changefreq="hourly",
)
DOSSIERS = Subject(
    kind="dossier",
    path="dossier",
    model=Dossier,
    article_field="dossiers",
    link=ArticleLink(Article.dossiers.through, "article", "dossier"),
    feed_description=_("%(site)s : les derniers articles du dossier « %(name)s »."),
    sitemap_key="dossiers",
    sitemap_priority=0.6,
    exists_through_articles=True,
    name_is_searched=True,
    footer_heading=_("Dossiers"),
    autocompleted=True,
)
TERRITORIES = TerritorySubject(
    kind="territory",
    path="territoire",
    model=Territory,
    filter_method="about_territory",
    article_field="territories",
    link=ArticleLink(Article.territories.through, "article", "territory"),
    feed_description=_("%(site)s : l’actualité de %(name)s et des lieux qui en font partie."),
    sitemap_key="territoires",
    name_is_searched=True,
    purged_on_save=False,
    select_related=("parent",),
    footer_heading=_("Territoires"),
    autocompleted=True,
)
PERSONALITIES = Subject(
    kind="personality",
    path="personnalite",
    model=Personality,
    filter_method="about_personality",
    article_field="personalities",
    link=ArticleLink(Article.personalities.through, "article", "personality"),
    feed_description=_("%(site)s : les derniers articles sur %(name)s."),
    sitemap_key="personnalites",
    exists_through_articles=True,
    name_is_searched=True,
    select_related=("portrait",),
    footer_heading=_("Personnalités"),
    autocompleted=True,
)
TAGS = Subject(
    kind="tag",
    path="mot-cle",
    model=Tag,
    filter_method="tagged",
    article_field="tags",
    link=ArticleLink(TaggedArticle, "content_object", "tag"),
    feed_description=_("%(site)s : les derniers articles sur le thème « %(name)s »."),
    sitemap_key="mots-cles",
    sitemap_priority=0.4,
    exists_through_articles=True,
    name_is_searched=True,
    footer_heading=_("Mots-clés"),
    kept_by_name=True,
)
AUTHORS = AuthorSubject(
    kind="author",
    path="auteur",
    model=get_user_model(),
    filter_method="signed_by",
    article_field="authors",
    link=ArticleLink(Article.authors.through, "article", Article.authors.field.m2m_reverse_field_name()),
    feed_description=_("%(site)s : les derniers articles de %(name)s."),
    sitemap_key="auteurs",
    ordering=("last_name", "first_name", "pk"),
    lookup="pk",
    exists_through_articles=True,
    purged_on_save=False,
    managed_by_editors=False,
    page_columns=("first_name", get_user_model().USERNAME_FIELD, "last_name"),
)


def listed_at_foot(article) -> list[tuple[Promise, list[tuple[str, str]]]]:
    """The article's subjects listed at the foot of its page: (heading, [(name, address), …]),
    from what its page data holds (``Article.page_data``), without a query."""
    found = []
    for subject in SUBJECTS:
        things = article.page_data.get(subject.article_field) if subject.footer_heading else None
        if things:
            found.append((subject.footer_heading, [(subject.name(thing), subject.url(thing)) for thing in things]))
    return found


# In the order of the sitemap index.
SUBJECTS: tuple[Subject, ...] = (AUTHORS, SECTIONS, DOSSIERS, TERRITORIES, PERSONALITIES, TAGS)
BY_MODEL = {subject.model: subject for subject in SUBJECTS}
# The link tables (not the section's foreign key), for receivers of m2m_changed.
BY_LINK_TABLE = {subject.link.table: subject for subject in SUBJECTS if subject.link.is_link_table}
