"""URLs of the popularity app (included at the site root by newsroom/urls.py)."""

urlpatterns = []
