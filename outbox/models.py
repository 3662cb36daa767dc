"""The outbox: every email the site sends, kept from the moment something asks for it until it is delivered.

A mail is a row written in the same transaction as what caused it (a comment waiting, an
article submitted…): if that is rolled back, no mail; if it is saved, the mail exists, whatever
the SMTP server is doing. A background task (``outbox.tasks.deliver``, run by the task worker)
sends it and, when the server refuses or cannot be reached, tries again later with a growing
delay, so an hour-long SMTP outage delays mail and never loses it. See docs/outbox.md.
"""

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import models
from django.utils import timezone


class MailQuerySet(models.QuerySet):
    def waiting(self):
        return self.filter(status=Mail.Status.WAITING)

    def due(self, now=None):
        """Waiting mails whose next attempt time has come."""
        return self.waiting().filter(next_attempt_at__lte=now or timezone.now())


class Mail(models.Model):
    """One email: its content as it will be sent, and what became of it."""

    class Status(models.TextChoices):
        WAITING = "waiting", "En attente d’envoi"
        SENT = "sent", "Envoyé"
        FAILED = "failed", "Abandonné"

    kind = models.CharField("type", max_length=60, help_text="Ce qui a demandé ce courriel.")
    recipients = models.JSONField("destinataires")
    from_email = models.CharField("expéditeur", max_length=254)
    subject = models.CharField("objet", max_length=255)
    body = models.TextField("texte")
    html_body = models.TextField("version HTML", blank=True)
    headers = models.JSONField("en-têtes", default=dict, blank=True)
    status = models.CharField("état", max_length=10, choices=Status.choices, default=Status.WAITING)
    attempts = models.PositiveIntegerField("tentatives", default=0)
    last_error = models.TextField("dernière erreur", blank=True)
    created_at = models.DateTimeField("demandé le", default=timezone.now, db_index=True)
    next_attempt_at = models.DateTimeField("prochaine tentative", default=timezone.now)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)

    objects = MailQuerySet.as_manager()

    class Meta:
        verbose_name = "courriel"
        verbose_name_plural = "courriels"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_mail_due")]

    def __str__(self):
        return self.subject

    def as_message(self) -> EmailMultiAlternatives:
        message = EmailMultiAlternatives(
            self.subject, self.body, self.from_email, self.recipients, headers=dict(self.headers)
        )
        if self.html_body:
            message.attach_alternative(self.html_body, "text/html")
        return message

    def delay_after_failure(self) -> timedelta:
        """How long to wait after the ``attempts``-th failed attempt (``OUTBOX_RETRY_SECONDS``, its last
        value repeated once the list is used up)."""
        delays = settings.OUTBOX_RETRY_SECONDS
        return timedelta(seconds=delays[min(self.attempts, len(delays)) - 1])

    def record_failure(self, error: BaseException, now=None) -> None:
        now = now or timezone.now()
        self.attempts += 1
        self.last_error = f"{type(error).__name__}: {error}"[:2000]
        if now - self.created_at >= timedelta(hours=settings.OUTBOX_GIVE_UP_HOURS):
            self.status = self.Status.FAILED
        else:
            self.next_attempt_at = now + self.delay_after_failure()
        self.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])

    def record_sent(self, now=None) -> None:
        self.attempts += 1
        self.status = self.Status.SENT
        self.sent_at = now or timezone.now()
        self.last_error = ""
        self.save(update_fields=["attempts", "status", "sent_at", "last_error"])
