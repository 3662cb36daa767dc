"""URLs of the alerts app (included at the site root by newsroom/urls.py)."""

urlpatterns = []
