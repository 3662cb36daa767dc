"""What the editor's link dialog finds on the site, and what a pasted address of it means.

The article form's link dialog (static/articles/editor/links.js) asks ``links/?q=…`` as the
journalist types and lists what it finds by title, grouped by kind; a bare address of an
article pasted into the body is sent as ``links/?address=…`` so that it becomes a link
whose text is the article's title. Both answers say whether readers could follow the link:
an article that is not published (a draft, one submitted or unpublished) is listed, flagged, and
refused by the dialog with a message, never inserted; a scheduled one is offered, noted as such
(readers follow the link from its publication on). What a saved body may link to is the server's
rule, not this one: ``articles.body.clean_body`` and the form's warning (``editor_admin``).

Links are given as the body stores them (docs/article-body.md): ``/article/<slug>/`` for an
article, the subject's own address for the others.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import JsonResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .body import article_slug_in, canonical_article_href, is_staff_only_link
from .models import Article, ArticleSlugRedirect
from .subjects import DOSSIERS, PERSONALITIES, SECTIONS, TERRITORIES, Subject

# Per kind: enough to pick from while typing, few enough to read at a glance.
RESULTS_PER_KIND = 6
MAX_QUERY_LENGTH = 200
MAX_WORDS = 8


def not_published_message() -> str:
    return _("Cet article n’est pas publié : les lecteurs ne pourraient pas suivre ce lien.")


@dataclass(frozen=True)
class Found:
    title: str
    href: str
    published: bool = True
    note: str = ""  # what the list says beside the title (« brouillon », the place's kind…)

    def as_json(self) -> dict:
        answer = {"title": self.title, "href": self.href, "published": self.published, "note": self.note}
        if not self.published:
            answer["message"] = not_published_message()
        return answer


def _title_matches(field: str, words: list[str]) -> Q:
    condition = Q()
    for word in words:
        condition &= Q(**{f"{field}__icontains": word})
    return condition


def _article_found(article: Article) -> Found:
    href = reverse("articles:article", kwargs={"slug": article.slug})
    if article.is_scheduled:
        # Readers follow it from its publication date on, as the body's renderer does (BodyReference).
        when = formats.date_format(timezone.localtime(article.published_at), "j F Y")
        return Found(article.title, href, note=_("programmé le %(date)s") % {"date": when})
    if article.status == Article.Status.PUBLISHED:
        return Found(article.title, href)
    return Found(article.title, href, published=False, note=article.get_status_display().lower())


def _articles(words: list[str]) -> list[Found]:
    matching = Article.objects.filter(_title_matches("title", words)).only("title", "slug", "status", "published_at")
    # What readers see first, newest first (what a journalist links to most); then the others, flagged.
    published = list(
        matching.filter(status=Article.Status.PUBLISHED).order_by("-published_at", "-pk")[:RESULTS_PER_KIND]
    )
    others = []
    if len(published) < RESULTS_PER_KIND:
        hidden = matching.exclude(pk__in=[article.pk for article in published]).order_by("-pk")
        others = list(hidden[: RESULTS_PER_KIND - len(published)])
    return [_article_found(article) for article in published + others]


def _subjects(subject: Subject, note: Callable[[object], str] | None = None) -> Callable[[list[str]], list[Found]]:
    """The subjects of one kind named so; those readers see only through articles, once they have one."""

    def search(words: list[str]) -> list[Found]:
        found = subject.queryset().filter(_title_matches("name", words))
        if subject.exists_through_articles:
            # From the link table to the article, joined: the planner starts from the few subjects named so.
            link = subject.link
            published = link.table.objects.filter(
                **{
                    link.subject_column: OuterRef("pk"),
                    f"{link.article_field}__status": Article.Status.PUBLISHED,
                    f"{link.article_field}__published_at__lte": timezone.now(),
                }
            )
            found = found.filter(Exists(published))
        found = found.order_by(*subject.ordering)[:RESULTS_PER_KIND]
        return [Found(subject.name(thing), subject.url(thing), note=note(thing) if note else "") for thing in found]

    return search


def _documents(words: list[str]) -> list[Found]:
    # By name: the document library may not be installed (the lower app is looked up, never imported here).
    document_model = apps.get_model("documents", "Document")
    found = document_model.objects.filter(_title_matches("title", words)).order_by("-pk")[:RESULTS_PER_KIND]
    return [Found(document.title, document.get_absolute_url()) for document in found]


@dataclass(frozen=True)
class LinkKind:
    """One kind of thing the dialog finds: its group's heading and how it is searched."""

    key: str
    label: str
    search: Callable[[list[str]], list[Found]]
    installed: Callable[[], bool] = lambda: True


KINDS: tuple[LinkKind, ...] = (
    LinkKind("article", gettext_lazy("Articles"), _articles),
    LinkKind("dossier", gettext_lazy("Dossiers"), _subjects(DOSSIERS)),
    LinkKind("section", gettext_lazy("Rubriques"), _subjects(SECTIONS)),
    LinkKind("territory", gettext_lazy("Lieux"), _subjects(TERRITORIES, lambda place: place.get_kind_display())),
    LinkKind("personality", gettext_lazy("Personnalités"), _subjects(PERSONALITIES, lambda person: person.role)),
    LinkKind("document", gettext_lazy("Documents"), _documents, lambda: apps.is_installed("documents")),
)


def search(query: str) -> list[dict]:
    """The groups of things whose title holds every word of ``query``, in the dialog's order."""
    words = query[:MAX_QUERY_LENGTH].split()[:MAX_WORDS]
    if not words:
        return []
    groups = []
    for kind in KINDS:
        if not kind.installed():
            continue
        results = kind.search(words)
        if results:
            groups.append({"kind": kind.key, "label": str(kind.label), "results": [r.as_json() for r in results]})
    return groups


def _article_at(href: str) -> Article | None:
    canonical = canonical_article_href(href)
    slug = article_slug_in(canonical) if canonical else None
    if not slug:
        return None
    article = Article.objects.filter(slug=slug).only("title", "slug", "status", "published_at").first()
    if article is None:
        former = ArticleSlugRedirect.objects.filter(old_slug=slug).select_related("article").first()
        article = former.article if former else None
    return article


def resolve_address(address: str) -> dict:
    """What a pasted address means: an article of this site (its title, its stored address), or nothing known."""
    address = address.strip()[: MAX_QUERY_LENGTH * 5]
    article = _article_at(address)
    if article is None and is_staff_only_link(address):
        # A preview of no article (deleted, or a typo): kept as typed, it would lead readers to a staff page.
        message = _("Cette adresse d’aperçu ne mène à aucun article : les lecteurs ne pourraient pas la suivre.")
        return {"found": True, "kind": "article", "title": "", "href": "", "published": False, "message": message}
    if article is None:
        return {"found": False}
    return {"found": True, "kind": "article", **_article_found(article).as_json()}


class LinkSearchMixin:
    """For ArticleAdmin: the endpoint of the editor's link dialog (staff who may write articles)."""

    def get_urls(self):
        links = path("links/", self.admin_site.admin_view(self.link_search_view), name="articles_article_links")
        return [links, *super().get_urls()]

    def link_search_view(self, request):
        if request.method != "GET":
            return JsonResponse({"error": _("Requête invalide.")}, status=405)
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        address = request.GET.get("address", "")
        if address:
            return JsonResponse(resolve_address(address))
        # admin_view already marks the answer never to be cached: unpublished titles are the staff's.
        return JsonResponse({"groups": search(request.GET.get("q", ""))})
