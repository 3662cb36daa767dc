from django.urls import path

from . import views

app_name = "articles"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("rubrique/<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("territoire/<slug:slug>/", views.TerritoryView.as_view(), name="territory"),
    path("personnalite/<slug:slug>/", views.PersonalityView.as_view(), name="personality"),
    path("mot-cle/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("article/<slug:slug>/", views.ArticleView.as_view(), name="article"),
    path("apercu/<int:pk>/", views.ArticlePreviewView.as_view(), name="preview"),
]
