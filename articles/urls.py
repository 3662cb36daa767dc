from django.urls import path

from . import feeds, views
from .subjects import SUBJECTS

app_name = "articles"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("rss/", feeds.LatestArticlesFeed(), name="feed"),
    path("article/<slug:slug>/", views.ArticleView.as_view(), name="article"),
    path("apercu/<int:pk>/", views.ArticlePreviewView.as_view(), name="preview"),
]
# /rubrique/<slug>/, /territoire/<slug>/, /personnalite/<slug>/, /mot-cle/<slug>/, /auteur/<pk>/ and their rss/.
for subject in SUBJECTS:
    urlpatterns += [
        path(subject.url_pattern, views.SubjectArticlesView.as_view(subject=subject), name=subject.kind),
        path(f"{subject.url_pattern}rss/", feeds.SubjectFeed(subject), name=f"{subject.kind}_feed"),
    ]
