from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from django.views.static import serve

from articles import seo_views

from . import health

# A database out of reach answers 503 with Retry-After (newsroom.errors), any other error 500.
handler500 = "newsroom.errors.server_error"

urlpatterns = [
    # The health probes' address; HealthCheckMiddleware answers it first, this names it (reverse("health")).
    path("sante/", health.health, name="health"),
    path(
        "admin/jsi18n/editeur/",
        JavaScriptCatalog.as_view(packages=["django_prose_editor"]),
        name="prose_editor_jsi18n",
    ),
    path("admin/", admin.site.urls),
    path("robots.txt", seo_views.robots_txt, name="robots_txt"),
    # Browsers and feed readers ask for /favicon.ico whatever the page says: the site's icon, not a 404.
    path("favicon.ico", seo_views.favicon, name="favicon"),
    path("sitemap.xml", seo_views.sitemap_index, name="sitemap_index"),
    path("sitemap-news.xml", seo_views.news_sitemap, name="news_sitemap"),  # before sitemap-<section>.xml
    path("sitemap-<section>.xml", seo_views.sitemap_section, name="django.contrib.sitemaps.views.sitemap"),
    # Before the articles' addresses: a section called « documents » must not hide them.
    path("", include("documents.urls")),
    path("", include("comments.urls")),
    path("", include("live.urls")),
    path("", include("popularity.urls")),
    path("", include("newsletters.urls")),
    path("", include("articles.urls")),
    path("", include("pages.urls")),
    path("", include("search.urls")),
]

if settings.SERVE_MEDIA:
    # Uploaded images on a developer's machine and under `make serve`; in production the
    # proxy serves MEDIA_ROOT. Not django.conf.urls.static.static(): it does nothing without DEBUG.
    urlpatterns.append(
        path(f"{settings.MEDIA_URL.lstrip('/')}<path:path>", serve, {"document_root": settings.MEDIA_ROOT})
    )
