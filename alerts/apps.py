from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    """Breaking news (« Alerte info »): one banner on every reader page while it lasts."""

    name = "alerts"
    verbose_name = _("Alertes info")

    def ready(self):
        from . import caching, demo  # noqa: F401
