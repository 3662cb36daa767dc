"""URLs of the live app (included at the site root by newsroom/urls.py)."""

from django.urls import path

from . import views
from .feeds import LiveEntriesFeed

app_name = "live"

urlpatterns = [
    # The one address every reader of a live polls: it names the live and nothing else (see views).
    path("direct/<int:coverage_pk>/entrees.json", views.entries, name="entries"),
    path("direct/<int:coverage_pk>/flux.xml", LiveEntriesFeed(), name="feed"),
]
