"""The breaking-news banner (« Alerte info »): one short line and a link, on every reader page while it lasts."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TEXT_MAX_LENGTH = 160
# Breaking news is short-lived: a banner an editor forgot would cry wolf on every page for days.
# Two hours unless the editor says otherwise (an empty end: until someone takes it down).
DEFAULT_DURATION = timedelta(hours=2)

LINK_MESSAGE = _("Donnez une adresse du site (commençant par « / ») ou une adresse complète en « https:// ».")


# Sent when what readers see of the alerts changed (one put up, taken down, corrected): ``caching``
# refreshes the cached value and purges the pages. ``withdrawn``: readers were seeing what changed.
alert_changed = Signal()


def default_expiry():
    return timezone.now() + DEFAULT_DURATION


def validate_one_line(value: str) -> None:
    if "\n" in value or "\r" in value:
        raise ValidationError(_("Le texte de l’alerte tient sur une ligne."), code="one_line")


def validate_link(value: str) -> None:
    """An address of this site (« /2026/12/07/incendie/ ») or of another one over HTTPS, nothing else.

    ``javascript:``, ``http://`` (mixed content on our HTTPS pages) and protocol-relative ``//host``
    addresses are refused.
    """
    if (
        value.startswith("/")
        and not value.startswith("//")
        and "\\" not in value
        and not any(c.isspace() for c in value)
    ):
        return
    try:
        URLValidator(schemes=["https"], message=LINK_MESSAGE)(value)
    except ValidationError:
        raise ValidationError(LINK_MESSAGE, code="link") from None


class AlertQuerySet(models.QuerySet):
    def current(self):
        """The alert put up last and not taken down (it may have expired): at most one, by a unique index."""
        return self.filter(is_current=True)

    def shown(self, at=None):
        """The alert readers see at this moment: current and not expired."""
        at = at or timezone.now()
        return self.current().filter(Q(expires_at__isnull=True) | Q(expires_at__gt=at))


class Alert(models.Model):
    """A breaking-news alert. Put up with ``put_up(by=…)``, which takes the previous one down, and
    taken down with ``take_down(by=…)``; both reach every cached page through one purge (``caching``)."""

    text = models.CharField(
        _("texte"),
        max_length=TEXT_MAX_LENGTH,
        validators=[validate_one_line],
        help_text=_("Une ligne, %(max)s caractères au plus, affichée en haut de chaque page du site.")
        % {"max": TEXT_MAX_LENGTH},
    )
    link = models.CharField(
        _("lien"),
        max_length=500,
        validators=[validate_link],
        help_text=_("L’article à lire : une adresse du site (« /2026/12/07/… ») ou une adresse en « https:// »."),
    )
    starts_at = models.DateTimeField(_("en ligne depuis"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(
        _("fin"),
        null=True,
        blank=True,
        default=default_expiry,
        help_text=_(
            "L’alerte disparaît seule à cette heure (dans deux heures par défaut). Vide : jusqu’à ce qu’on la retire."
        ),
    )
    # True for the alert put up last until it is taken down: the partial unique index below keeps it to one.
    is_current = models.BooleanField(_("en cours"), default=False, editable=False)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créée par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    removed_at = models.DateTimeField(_("retirée le"), null=True, editable=False)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("retirée par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("alerte info")
        verbose_name_plural = _("alertes info")
        ordering = ["-starts_at", "-pk"]
        constraints = [
            # Two editors putting an alert up at the same moment: one of them fails, never two banners.
            models.UniqueConstraint(fields=["is_current"], condition=Q(is_current=True), name="alerts_one_current"),
        ]

    def __str__(self):
        return self.text

    def clean(self):
        super().clean()
        if (self._state.adding or self.is_current) and self.expires_at and self.expires_at <= timezone.now():
            raise ValidationError({"expires_at": _("La fin de l’alerte doit être dans le futur.")})

    @property
    def is_shown(self) -> bool:
        return self.is_current and (self.expires_at is None or self.expires_at > timezone.now())

    @property
    def status(self) -> str:
        """What became of it, in the editors' words: en ligne, expirée, retirée or not put up yet."""
        if self.is_shown:
            return _("En ligne")
        if not self.is_current and self.removed_at is None:
            return _("Pas encore en ligne")
        ended = self.removed_at or timezone.now()
        if self.expires_at is not None and self.expires_at <= ended:
            return _("Expirée")
        return _("Retirée")

    def put_up(self, *, by) -> None:
        """Show this alert on every page from now on, taking down the one shown before.

        A new alert keeps its end; one put up again (the demo's, a past one) lasts as long as it
        did the first time, counted from now.
        """
        now = timezone.now()
        if not self._state.adding and self.expires_at is not None:
            self.expires_at = now + max(self.expires_at - self.starts_at, timedelta(minutes=1))
        with transaction.atomic():
            for attempt in range(3):
                try:
                    with transaction.atomic():
                        replaced = self._replace_current(by, now)
                    break
                except IntegrityError:
                    # Another editor's alert went up between our look and our write: ours comes after
                    # theirs, so it takes theirs down too. Never two banners, never an error page.
                    if attempt == 2:
                        raise
            # Something readers were seeing was withdrawn: never served stale (see caching).
            alert_changed.send(sender=Alert, withdrawn=replaced)

    def _replace_current(self, by, now) -> bool:
        # Locked, so that two editors putting alerts up at once queue (PostgreSQL); the unique index does the rest.
        previous = Alert.objects.select_for_update().current().exclude(pk=self.pk).first()
        replaced = previous is not None and previous.is_shown
        if previous is not None:
            previous._end(by, now)
        self.starts_at = now
        self.is_current = True
        self.removed_at = self.removed_by = None
        if self.created_by_id is None:
            self.created_by = by
        self.save()
        return replaced

    def take_down(self, *, by) -> None:
        """Remove the banner from every page now. Taking down an alert no longer up does nothing."""
        if not self.is_current:
            return
        with transaction.atomic():
            self._end(by, timezone.now())
            alert_changed.send(sender=Alert, withdrawn=True)

    def _end(self, by, now) -> None:
        self.is_current = False
        self.removed_at = now
        self.removed_by = by
        self.save(update_fields=["is_current", "removed_at", "removed_by"])
