"""``check --deploy`` says when production would print its mail instead of sending it."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def mail_host_configured(app_configs, **kwargs):
    if settings.DEBUG or not settings.EMAIL_NOT_CONFIGURED:
        return []
    return [
        Warning(
            "No mail server: DJANGO_EMAIL_HOST is not set, so every email (review notices, comments "
            "waiting for moderation) is written to the console instead of being sent.",
            hint="Set DJANGO_EMAIL_HOST (and DJANGO_EMAIL_PORT, DJANGO_EMAIL_USER, DJANGO_EMAIL_PASSWORD, "
            "DJANGO_EMAIL_USE_TLS), or DJANGO_EMAIL_BACKEND for another backend.",
            id="outbox.W001",
        )
    ]
