"""Newsletters: the lists, their subscribers, the editions, and one delivery row per edition and subscriber.

A reader subscribes to lists (``Subscription``, with the consent text and dates kept as proof)
and confirms by a link mailed through the outbox (double opt-in). An ``Edition`` is one mail of
a list: its articles (``EditionItem``) in the editors' order, an optional « mot de la rédaction »,
sent when an editor says or at its scheduled time. Sending writes one ``Delivery`` per confirmed
subscriber, then the task worker sends them in batches, recording each one as it goes, so that a
worker killed and restarted resumes where it stopped and sends nobody the edition twice
(docs/newsletters.md).

A subscriber's address lives in ``Subscriber`` only: erasing it leaves the editions' figures
(deliveries keep their status, without anyone attached).
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_key() -> str:
    return secrets.token_urlsafe(32)


def normalise_email(address: str) -> str:
    """One spelling per address: « Jeanne@Exemple.FR » and « jeanne@exemple.fr » are one subscriber."""
    return address.strip().lower()


class NewsletterListQuerySet(models.QuerySet):
    def open(self):
        """The lists readers may join, in the order the forms show them."""
        return self.filter(is_open=True).order_by("position", "name")


class NewsletterList(models.Model):
    """A newsletter readers subscribe to: the daily morning letter, the breaking-news alerts, a territory's letter."""

    class Kind(models.TextChoices):
        DAILY = "daily", _("Quotidienne (la une et les rubriques)")
        ALERT = "alert", _("Alerte info")
        TERRITORY = "territory", _("Territoire")

    name = models.CharField(_("nom"), max_length=100, help_text=_("Par exemple « La lettre du matin »."))
    slug = models.SlugField(_("adresse"), max_length=100, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.DAILY)
    territory = models.ForeignKey(
        "articles.Territory",
        verbose_name=_("territoire"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Pour une lettre de territoire : ses éditions reprennent les articles de ce territoire."),
    )
    description = models.CharField(
        _("présentation"),
        max_length=300,
        blank=True,
        help_text=_("Une phrase montrée aux lecteurs dans le formulaire d’inscription."),
    )
    is_open = models.BooleanField(
        _("ouverte aux inscriptions"),
        default=True,
        help_text=_("Décochée, la lettre disparaît des formulaires ; ses abonnés restent."),
    )
    send_time = models.TimeField(
        _("heure d’envoi"),
        null=True,
        blank=True,
        help_text=_(
            "Heure de Paris à laquelle l’édition du jour est programmée (6 h 30). Vide : pas d’édition automatique."
        ),
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)

    objects = NewsletterListQuerySet.as_manager()

    class Meta:
        verbose_name = _("lettre")
        verbose_name_plural = _("lettres")
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="territory", territory__isnull=False) | ~Q(kind="territory"),
                name="newsletters_territory_list_has_territory",
            )
        ]

    def __str__(self):
        return self.name


class SubscriberQuerySet(models.QuerySet):
    def by_email(self, address: str):
        return self.filter(email=normalise_email(address))


class Subscriber(models.Model):
    """One address, whatever lists it joined. ``key`` is the secret of its links (manage, unsubscribe)."""

    email = models.EmailField(_("adresse e-mail"), max_length=254, unique=True)
    key = models.CharField(max_length=64, unique=True, default=new_key, editable=False)
    created_at = models.DateTimeField(_("inscrit le"), default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField(_("adresse confirmée le"), null=True, blank=True)
    # When the last confirmation mail was asked for: an address is not mailed again within minutes.
    confirmation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        verbose_name = _("abonné")
        verbose_name_plural = _("abonnés")
        ordering = ["-created_at", "-pk"]
        permissions = [("export_subscriber", _("Peut exporter les abonnés (CSV)"))]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)


class SubscriptionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Subscription.Status.ACTIVE)

    def pending(self):
        return self.filter(status=Subscription.Status.PENDING)


class Subscription(models.Model):
    """A subscriber on one list, with the proof of consent: the text they accepted, when, and when confirmed."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente de confirmation")
        ACTIVE = "active", _("Abonné")
        UNSUBSCRIBED = "unsubscribed", _("Désabonné")

    class Reason(models.TextChoices):
        READER = "reader", _("Par le lecteur (page de ses abonnements)")
        ONE_CLICK = "one_click", _("Lien de désinscription du courriel")
        MAILTO = "mailto", _("Courriel de désinscription")
        BOUNCE = "bounce", _("Adresse rejetée (bounce)")
        COMPLAINT = "complaint", _("Signalé comme indésirable")
        STAFF = "staff", _("Par la rédaction")

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="subscriptions")
    newsletter = models.ForeignKey(
        NewsletterList, verbose_name=_("lettre"), on_delete=models.CASCADE, related_name="subscriptions"
    )
    status = models.CharField(_("état"), max_length=20, choices=Status.choices, default=Status.PENDING)
    consent_text = models.TextField(_("consentement donné"), help_text=_("Le texte accepté, tel qu’il était affiché."))
    requested_at = models.DateTimeField(_("demandé le"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmé le"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("désabonné le"), null=True, blank=True)
    unsubscribe_reason = models.CharField(_("motif"), max_length=20, choices=Reason.choices, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("abonnement")
        verbose_name_plural = _("abonnements")
        ordering = ["newsletter__position", "newsletter__name"]
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "newsletter"], name="newsletters_one_subscription_per_list")
        ]
        indexes = [models.Index(fields=["newsletter", "status"], name="newsletters_sub_list_status")]

    def __str__(self):
        return f"{self.newsletter} — {self.get_status_display()}"


class EditionQuerySet(models.QuerySet):
    def due(self, now=None):
        """Scheduled editions whose time has come."""
        return self.filter(status=Edition.Status.SCHEDULED, scheduled_for__lte=now or timezone.now())


class Edition(models.Model):
    """One mail of a list: its subject, the editors' word, its articles, and when it goes out."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        SCHEDULED = "scheduled", _("Programmée")
        SENDING = "sending", _("Envoi en cours")
        SENT = "sent", _("Envoyée")

    newsletter = models.ForeignKey(
        NewsletterList, verbose_name=_("lettre"), on_delete=models.PROTECT, related_name="editions"
    )
    subject = models.CharField(_("objet du courriel"), max_length=200)
    editorial = models.TextField(
        _("mot de la rédaction"), blank=True, help_text=_("Facultatif : quelques lignes en tête de la lettre.")
    )
    status = models.CharField(_("état"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    scheduled_for = models.DateTimeField(_("envoi programmé le"), null=True, blank=True)
    alert = models.ForeignKey(
        "alerts.Alert",
        verbose_name=_("alerte"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Pour une édition « Alerte info » : l’alerte qu’elle envoie."),
    )
    # Articles published after this moment are the new ones of the next edition of the list.
    covers_until = models.DateTimeField(_("articles jusqu’au"), default=timezone.now)
    edited_by_hand = models.BooleanField(_("modifiée par la rédaction"), default=False, editable=False)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sending_started_at = models.DateTimeField(_("envoi commencé le"), null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("envoi terminé le"), null=True, blank=True, editable=False)
    recipients_count = models.PositiveIntegerField(_("destinataires"), default=0, editable=False)

    objects = EditionQuerySet.as_manager()

    class Meta:
        verbose_name = _("édition")
        verbose_name_plural = _("éditions")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "scheduled_for"], name="newsletters_edition_due")]

    def __str__(self):
        return self.subject


class EditionItem(models.Model):
    """An article in an edition, at its place (1 is the lead)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="items")
    article = models.ForeignKey(
        "articles.Article", verbose_name=_("article"), on_delete=models.CASCADE, related_name="+"
    )
    position = models.PositiveIntegerField(_("place"), default=0)

    class Meta:
        verbose_name = _("article de l’édition")
        verbose_name_plural = _("articles de l’édition")
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["edition", "article"], name="newsletters_article_once")]

    def __str__(self):
        return str(self.article)


class DeliveryQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=Delivery.Status.PENDING)


class Delivery(models.Model):
    """One edition to one subscriber, and what became of it.

    ``SENDING``: taken by a worker, which records ``SENT`` the moment the mail has left it; a row
    left ``SENDING`` by a killed worker is sent again once ``NEWSLETTER_STALE_SECONDS`` have passed
    (docs/newsletters.md says why that never sends a mail twice).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("À envoyer")
        SENDING = "sending", _("En cours d’envoi")
        SENT = "sent", _("Envoyé")
        REFUSED = "refused", _("Refusé par le serveur")
        BOUNCED = "bounced", _("Rejeté (bounce)")

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(
        Subscriber, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    status = models.CharField(_("état"), max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    last_error = models.CharField(_("dernière erreur"), max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(_("prochaine tentative"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    # The provider's id for this message (anymail), to find it again when a bounce or complaint comes back.
    provider_message_id = models.CharField(max_length=200, blank=True, db_index=True)
    unsubscribed_at = models.DateTimeField(_("désabonné depuis ce courriel le"), null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("envoi")
        verbose_name_plural = _("envois")
        constraints = [
            models.UniqueConstraint(fields=["edition", "subscriber"], name="newsletters_one_delivery_per_subscriber")
        ]
        indexes = [models.Index(fields=["edition", "status", "id"], name="newsletters_delivery_queue")]

    def __str__(self):
        return f"{self.edition} — {self.get_status_display()}"
