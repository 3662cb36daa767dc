"""The site menu, read on every page: cached so that it costs no query once warm."""

from django.core.cache import cache

from .models import Section

MENU_CACHE_KEY = "articles:menu-sections"
MENU_CACHE_SECONDS = 300


def menu_sections():
    sections = cache.get(MENU_CACHE_KEY)
    if sections is None:
        sections = list(Section.objects.only("name", "slug", "menu_position"))
        cache.set(MENU_CACHE_KEY, sections, MENU_CACHE_SECONDS)
    return sections
