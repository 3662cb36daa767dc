from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiveConfig(AppConfig):
    """Live coverage (« Direct »): entries posted on an article while an event unfolds."""

    name = "live"
    verbose_name = _("Directs")

    def ready(self):
        from articles import page_parts

        from . import demo, signals  # noqa: F401
        from .page_part import LivePart

        # The live above the comments of its article's page (INSTALLED_APPS' order): articles never imports live.
        page_parts.register(LivePart())
