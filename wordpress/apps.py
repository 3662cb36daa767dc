from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WordPressConfig(AppConfig):
    """Bring a WordPress site over: its export imported once or again, its old addresses kept alive."""

    name = "wordpress"
    verbose_name = _("Import WordPress")
