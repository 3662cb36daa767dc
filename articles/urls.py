from django.urls import path

from . import feeds, views

app_name = "articles"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("rss/", feeds.LatestArticlesFeed(), name="feed"),
    path("rubrique/<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("rubrique/<slug:slug>/rss/", feeds.SectionFeed(), name="section_feed"),
    path("territoire/<slug:slug>/", views.TerritoryView.as_view(), name="territory"),
    path("territoire/<slug:slug>/rss/", feeds.TerritoryFeed(), name="territory_feed"),
    path("personnalite/<slug:slug>/", views.PersonalityView.as_view(), name="personality"),
    path("personnalite/<slug:slug>/rss/", feeds.PersonalityFeed(), name="personality_feed"),
    path("mot-cle/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("mot-cle/<slug:slug>/rss/", feeds.TagFeed(), name="tag_feed"),
    path("auteur/<int:pk>/", views.AuthorView.as_view(), name="author"),
    path("article/<slug:slug>/", views.ArticleView.as_view(), name="article"),
    path("apercu/<int:pk>/", views.ArticlePreviewView.as_view(), name="preview"),
]
