"""URLs of the popularity app (included at the site root by newsroom/urls.py)."""

from django.urls import path

from . import views

app_name = "popularity"
urlpatterns = [
    # « lu » (read): the reading beacon's address, never cached.
    path("lu/<int:article_id>/", views.beacon, name="beacon"),
]
