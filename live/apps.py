from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiveConfig(AppConfig):
    """Live coverage (« Direct »): entries posted on an article while an event unfolds."""

    name = "live"
    verbose_name = _("Directs")

    def ready(self):
        from . import signals  # noqa: F401
