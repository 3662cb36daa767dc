"""What crawlers read besides the pages: robots.txt, the sitemap index and the Google News sitemap."""

from django.conf import settings
from django.contrib.sitemaps import views as sitemap_views
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import reverse

import pagecache
from common.inputs import plain_number

from . import caching
from .sitemaps import INDEX_TEMPLATE, SITEMAPS, URLSET_TEMPLATE, NewsSitemap

# Staff pages, the search results (endless combinations of queries) and staff previews.
DISALLOWED_PATHS = ("/admin/", "/recherche/", "/apercu/")


def _tag_sitemap():
    pagecache.tag(caching.SITEMAPS, caching.SUBJECT_PAGES)


def sitemap_index(request):
    """Django's index of the sitemaps in SITEMAPS (each page of each), plus the Google News sitemap."""
    _tag_sitemap()
    response = sitemap_views.index(request, sitemaps=SITEMAPS, template_name=INDEX_TEMPLATE)
    # A TemplateResponse: its context can still change before it is rendered.
    response.context_data["sitemaps"].append(
        sitemap_views.SitemapIndexItem(request.build_absolute_uri(reverse("news_sitemap")))
    )
    return response


def news_sitemap(request):
    """The articles of the last 48 hours with their Google News details (publication, date, title)."""
    _tag_sitemap()
    response = sitemap_views.sitemap(request, sitemaps={"news": NewsSitemap}, template_name="sitemaps/news.xml")
    response.context_data.update(publication_name=settings.SITE_NAME, publication_language="fr")
    return response


def sitemap_section(request, section):
    """One sitemap of SITEMAPS (/sitemap-<section>.xml), one page of it with ?p=N."""
    _tag_sitemap()
    response = sitemap_views.sitemap(request, sitemaps=SITEMAPS, section=section, template_name=URLSET_TEMPLATE)
    # Django's view refuses (404) a page that does not exist, but also reads ?p=02 or ?p=1 as
    # pages: they are kept only as the index writes them, ?p=2 and no ?p= for the first.
    number = plain_number(request.GET.get("p"))
    pagecache.canonical_query(p=number if number and number > 1 else None)
    return response


def robots_txt(request):
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOWED_PATHS), ""]
    lines += [f"Sitemap: {request.build_absolute_uri(reverse(name))}" for name in ("sitemap_index", "news_sitemap")]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def favicon(request):
    """/favicon.ico, which browsers and feed readers ask for whatever a page links: the site's icon."""
    # At request time: the fingerprinted name comes from the manifest collectstatic writes.
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
