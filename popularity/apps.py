from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PopularityConfig(AppConfig):
    """« Les plus lus »: readings counted without cookies nor third parties, behind the page cache."""

    name = "popularity"
    verbose_name = _("Les plus lus")
