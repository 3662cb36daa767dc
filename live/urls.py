"""URLs of the live app (included at the site root by newsroom/urls.py)."""

urlpatterns = []
