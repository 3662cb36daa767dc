import re

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from articles.navigation import menu_sections


def canonical_url(request) -> str:
    """The page's one address: absolute, without query string except a page number past the first."""
    page = request.GET.get("page", "")
    # Plain ASCII digits only: « ² » is a digit to str.isdigit(), and 5,000 digits overflow int().
    suffix = f"?page={int(page)}" if re.fullmatch(r"[0-9]{1,9}", page) and int(page) > 1 else ""
    return request.build_absolute_uri(request.path) + suffix


def site(request):
    """What every page's frame needs: the site's name, the section menu (lazily, cached), its canonical URL."""
    return {
        "site_name": settings.SITE_NAME,
        "menu_sections": SimpleLazyObject(menu_sections),
        "canonical_url": SimpleLazyObject(lambda: canonical_url(request)),
    }
