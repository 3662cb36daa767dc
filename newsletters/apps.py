from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewslettersConfig(AppConfig):
    """Newsletters (« La lettre du matin », « Alerte info », a territory's letter): subscribing with
    double opt-in, editions built from the front page, sending by the task worker exactly once."""

    name = "newsletters"
    verbose_name = _("Lettres d’information")

    def ready(self):
        # The article page's registry, which the subscription form at the end of every article joins.
        from articles import page_parts

        # The providers' webhooks (anymail's signals), a person's data (common.personal_data), the demo's
        # lists, subscribers and morning edition (the « demo articles loaded » signal), and the forms'
        # lists kept current (caching's receivers).
        from . import caching, demo, personal_data, webhooks  # noqa: F401
        from .page_part import SubscribePart

        page_parts.register(SubscribePart())
