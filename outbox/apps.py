from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "outbox"
    verbose_name = "Courriels"

    def ready(self):
        from . import checks  # noqa: F401  (registers the deployment check on the mail host)
