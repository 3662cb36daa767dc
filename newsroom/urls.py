from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from articles import seo_views
from articles.sitemaps import SITEMAPS

urlpatterns = [
    path(
        "admin/jsi18n/editeur/",
        JavaScriptCatalog.as_view(packages=["django_prose_editor"]),
        name="prose_editor_jsi18n",
    ),
    path("admin/", admin.site.urls),
    path("robots.txt", seo_views.robots_txt, name="robots_txt"),
    path("sitemap.xml", seo_views.sitemap_index, name="sitemap_index"),
    path("sitemap-news.xml", seo_views.news_sitemap, name="news_sitemap"),  # before sitemap-<section>.xml
    path("sitemap-<section>.xml", sitemap, {"sitemaps": SITEMAPS}, name="django.contrib.sitemaps.views.sitemap"),
    path("", include("comments.urls")),
    path("", include("articles.urls")),
    path("", include("search.urls")),
]

if settings.DEBUG:
    # Uploaded images on a developer's machine; in production the proxy serves MEDIA_ROOT.
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
