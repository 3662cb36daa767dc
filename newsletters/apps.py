from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewslettersConfig(AppConfig):
    """Newsletters (« La lettre du matin », « Alerte info », a territory's letter): subscribing with
    double opt-in, editions built from the front page, sending by the task worker exactly once."""

    name = "newsletters"
    verbose_name = _("Lettres d’information")

    def ready(self):
        # The providers' webhooks (anymail's signals) and a person's data (common.personal_data).
        from . import personal_data, webhooks  # noqa: F401
