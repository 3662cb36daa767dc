from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PopularityConfig(AppConfig):
    """« Les plus lus »: readings counted without cookies nor third parties, behind the page cache."""

    name = "popularity"
    verbose_name = _("Les plus lus")

    def ready(self):
        from articles import admin_columns, page_parts

        from . import demo  # noqa: F401 (the demo's readings, on « demo articles loaded »)
        from .admin_column import READINGS_COLUMN
        from .page_part import ReadingBeaconPart

        # The beacon on every article page, and the readings in the desk's list: articles never imports popularity.
        page_parts.register(ReadingBeaconPart())
        admin_columns.register(READINGS_COLUMN)
