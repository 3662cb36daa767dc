from django.urls import path, register_converter

from . import archives, feeds, views
from .subjects import SUBJECTS

register_converter(archives.FourDigits, "yyyy")
register_converter(archives.TwoDigits, "nn")

app_name = "articles"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("rss/", feeds.LatestArticlesFeed(), name="feed"),
    path("article/<slug:slug>/", views.ArticleView.as_view(), name="article"),
    path("apercu/<int:pk>/", views.ArticlePreviewView.as_view(), name="preview"),
    # Date archives (articles.archives): /archives/2024/, /archives/2024/05/, /archives/2024/05/14/.
    path("archives/<yyyy:year>/", views.ArchiveView.as_view(), name="archive_year"),
    path("archives/<yyyy:year>/<nn:month>/", views.ArchiveView.as_view(), name="archive_month"),
    path("archives/<yyyy:year>/<nn:month>/<nn:day>/", views.ArchiveView.as_view(), name="archive_day"),
]
# /rubrique/<slug>/, /territoire/<slug>/, /personnalite/<slug>/, /mot-cle/<slug>/, /auteur/<pk>/ and their rss/.
for subject in SUBJECTS:
    urlpatterns += [
        path(subject.url_pattern, views.SubjectArticlesView.as_view(subject=subject), name=subject.kind),
        path(f"{subject.url_pattern}rss/", feeds.SubjectFeed(subject), name=f"{subject.kind}_feed"),
    ]
