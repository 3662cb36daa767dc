from django.conf import settings
from django.utils.functional import SimpleLazyObject

from articles.navigation import menu_sections


def site(request):
    """What every page's frame needs: the site's name and the section menu (lazily, cached)."""
    return {"site_name": settings.SITE_NAME, "menu_sections": SimpleLazyObject(menu_sections)}
