"""Editions assembled from the site: what « La lettre du matin », a territory's letter and an alert send.

A daily edition is the front page as readers see it (the composed top, lead first, or « À la une »),
then the latest articles of each section published since the previous edition of the list; a
territory's edition, the articles about that territory and the places inside it since then. « Since
the previous edition » is that edition's ``covers_until``: an article is new in exactly one morning
letter, even when one morning's was prepared an hour before it went out.

``prepare_automatic_editions(now)`` is the task worker's (newsletters.tasks, every minute, possibly
from several workers at once): an hour before a list's send time it creates that day's edition,
once, scheduled for that time, so that editors can read and change it before it goes. Editors
create, change and send editions in the admin (newsletters.admin_editions); an alert goes out with
``send_alert``. An edition without any article (and no alert) is never scheduled nor sent
(``check_sendable``).
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

from alerts.models import Alert
from articles import frontpage
from articles.models import Article
from articles.navigation import menu_sections
from articles.templatetags.newsroom import french_date
from articles.views import HomeView

from . import sending
from .models import Edition, EditionItem, NewsletterList

logger = logging.getLogger(__name__)

# A morning letter reads in a few minutes: at most this many of a section's new articles, and in all.
PER_SECTION = 3
MAX_ITEMS = 15
# The first edition of a list (no previous one) covers the last day.
FIRST_EDITION_COVERS = datetime.timedelta(hours=24)
# An automatic edition is made this long before its send time: the editors' time to read and change it.
PREPARED_AHEAD = datetime.timedelta(hours=1)
# A worker that was down at the send time still sends that day's edition if it comes back within this.
LATE_BY_AT_MOST = datetime.timedelta(hours=1)


class EditionError(Exception):
    """What an editor is told when an edition cannot be sent, scheduled or made (in French)."""


def check_sendable(edition: Edition) -> None:
    """An edition with nothing in it (no article, no alert) never goes out."""
    if edition.alert_id is None and not edition.items.exists():
        raise EditionError(
            _(
                "Cette édition ne contient aucun article : ajoutez-en au moins un avant de l’envoyer ou de la programmer."
            )
        )


def subject_for(newsletter: NewsletterList, day: datetime.date) -> str:
    """« La lettre du matin du lundi 7 décembre 2026 », « L’essentiel de Metz — lundi 7 décembre 2026 »."""
    moment = datetime.datetime.combine(day, datetime.time(12), tzinfo=timezone.get_current_timezone())
    date = f"{WEEKDAYS[day.weekday()]} {french_date(moment)}"
    if newsletter.kind == NewsletterList.Kind.DAILY:
        return _("%(name)s du %(date)s") % {"name": newsletter.name, "date": date}
    return f"{newsletter.name} — {date}"


def covered_since(newsletter: NewsletterList, now: datetime.datetime, *, leaving_out=None) -> datetime.datetime:
    """Where the new articles of the list's next edition start: the previous edition's end.

    Drafts do not count (one an editor made and dropped must not hide articles from the next letter).
    """
    previous = (
        newsletter.editions.exclude(status=Edition.Status.DRAFT)
        .filter(covers_until__lte=now, alert__isnull=True)
        .exclude(pk=getattr(leaving_out, "pk", None))
        .order_by("-covers_until")
        .values_list("covers_until", flat=True)
        .first()
    )
    return previous or now - FIRST_EDITION_COVERS


def daily_articles(since: datetime.datetime) -> list[Article]:
    """The front page's top in its order, then each section's newest since ``since``, in the menu's order."""
    published = Article.objects.published().for_listing()
    composed = frontpage.composed_articles(published)
    top = frontpage.top_articles(
        published, composed, settings.FRONT_PAGE_SLOTS if composed else HomeView.featured_count
    )
    sections = menu_sections()
    latest = published.filter(published_at__gt=since).exclude(pk__in=[article.pk for article in top])
    by_section: dict[int, list[Article]] = {}
    for article in latest.latest_in_sections([section.pk for section in sections], PER_SECTION):
        by_section.setdefault(article.section_id, []).append(article)
    newest_first = lambda article: (article.published_at, article.pk)  # noqa: E731
    in_menu_order = [
        article
        for section in sections
        for article in sorted(by_section.get(section.pk, []), key=newest_first, reverse=True)
    ]
    return [*top, *in_menu_order][:MAX_ITEMS]


def territory_articles(territory, since: datetime.datetime) -> list[Article]:
    """The territory's articles (and its places') published since ``since``, newest first."""
    found = Article.objects.published().for_listing().about_territory(territory).filter(published_at__gt=since)
    return list(found[:MAX_ITEMS])


def articles_for(newsletter: NewsletterList, since: datetime.datetime) -> list[Article]:
    if newsletter.kind == NewsletterList.Kind.DAILY:
        return daily_articles(since)
    if newsletter.kind == NewsletterList.Kind.TERRITORY:
        return territory_articles(newsletter.territory_id, since)
    return []  # an alert's edition is its alert


def _fill(edition: Edition, now: datetime.datetime) -> None:
    since = covered_since(edition.newsletter, now, leaving_out=edition)
    articles = articles_for(edition.newsletter, since)
    edition.items.all().delete()
    EditionItem.objects.bulk_create(
        EditionItem(edition=edition, article=article, position=number) for number, article in enumerate(articles, 1)
    )


@transaction.atomic
def new_edition(
    newsletter: NewsletterList,
    *,
    by=None,
    now: datetime.datetime | None = None,
    send_at: datetime.datetime | None = None,
) -> Edition:
    """A draft edition of the list, assembled from the site as it is at ``now`` (its subject dated ``send_at``'s day)."""
    now = now or timezone.now()
    day = timezone.localdate(send_at or now)
    edition = Edition.objects.create(
        newsletter=newsletter,
        subject=subject_for(newsletter, day),
        covers_until=now,
        created_by=by,
        created_at=now,
    )
    _fill(edition, now)
    return edition


@transaction.atomic
def assemble(edition: Edition, *, now: datetime.datetime | None = None) -> bool:
    """Assemble a draft or scheduled edition again from the site as it is now, unless an editor changed it.

    Returns whether it did: an edition changed by hand, being sent or sent is left alone.
    """
    if edition.edited_by_hand or edition.status not in (Edition.Status.DRAFT, Edition.Status.SCHEDULED):
        return False
    now = now or timezone.now()
    edition.covers_until = now
    edition.save(update_fields=["covers_until"])
    _fill(edition, now)
    return True


# The task worker: each list's edition of the day, made once -----------------------------------


def send_times(newsletter: NewsletterList, now: datetime.datetime) -> list[datetime.datetime]:
    """The list's send time today and tomorrow (Paris time), as moments."""
    zone = timezone.get_current_timezone()
    today = timezone.localdate(now, zone)
    return [
        datetime.datetime.combine(day, newsletter.send_time, tzinfo=zone)
        for day in (today, today + datetime.timedelta(days=1))
    ]


def due_send_time(newsletter: NewsletterList, now: datetime.datetime) -> datetime.datetime | None:
    """The send time whose edition should exist at ``now`` (from an hour before it to an hour after), if any."""
    return next(
        (moment for moment in send_times(newsletter, now) if moment - PREPARED_AHEAD <= now < moment + LATE_BY_AT_MOST),
        None,
    )


def edition_of_the_day_exists(newsletter: NewsletterList, moment: datetime.datetime) -> bool:
    """Whether the list already has its edition for ``moment``'s day (moved to 6 h 45 by an editor, it is still the one)."""
    zone = timezone.get_current_timezone()
    day = timezone.localdate(moment, zone)
    start = datetime.datetime.combine(day, datetime.time(0), tzinfo=zone)
    end = start + datetime.timedelta(days=1)
    return newsletter.editions.filter(
        alert__isnull=True, created_by__isnull=True, scheduled_for__gte=start, scheduled_for__lt=end
    ).exists()


def prepare_automatic_editions(now: datetime.datetime | None = None) -> list[Edition]:
    """Make each list's edition of its coming send time, once, scheduled for that time. Returns those made.

    Called every minute by every worker: the list's row is locked while its edition is looked for
    and made (SELECT … FOR UPDATE on PostgreSQL; SQLite's transactions are IMMEDIATE, one writer at
    a time), so two workers never make two. An edition with nothing new stays a draft, never sent.
    """
    now = now or timezone.now()
    made = []
    for newsletter in NewsletterList.objects.filter(send_time__isnull=False).exclude(kind=NewsletterList.Kind.ALERT):
        moment = due_send_time(newsletter, now)
        if moment is None or edition_of_the_day_exists(newsletter, moment):
            continue
        with transaction.atomic():
            locked = NewsletterList.objects.select_for_update().get(pk=newsletter.pk)
            if edition_of_the_day_exists(locked, moment):
                continue  # another worker made it while we looked
            edition = new_edition(locked, now=now, send_at=moment)
            edition.scheduled_for = max(moment, now)
            edition.save(update_fields=["scheduled_for"])
            try:
                check_sendable(edition)
                sending.schedule(edition, edition.scheduled_for)
            except (EditionError, sending.CannotSend):
                logger.warning("Automatic edition %s left a draft: nothing in it", edition.pk)
        made.append(edition)
    return made


# Alerts ----------------------------------------------------------------------------------------


def current_alert() -> Alert | None:
    """The alert readers see now, the one « Envoyer l’alerte en cours » sends."""
    return Alert.objects.shown().first()


def send_alert(alert: Alert | None, *, by) -> list[Edition]:
    """Send ``alert`` to every « Alerte info » list now: one edition per list, its subject the alert's text.

    Refused (``EditionError``) when there is no alert, no alert list, or the alert went out already:
    the lists' rows are locked while that is checked, so two editors clicking at once send it once.
    """
    if alert is None:
        raise EditionError(_("Aucune alerte n’est en ligne : mettez-en une en ligne avant de l’envoyer aux abonnés."))
    now = timezone.now()
    with transaction.atomic():
        lists = list(NewsletterList.objects.select_for_update().filter(kind=NewsletterList.Kind.ALERT).order_by("pk"))
        if not lists:
            raise EditionError(_("Aucune lettre « Alerte info » n’existe : créez-en une avant d’envoyer une alerte."))
        if Edition.objects.filter(alert=alert, newsletter__in=lists).exists():
            raise EditionError(_("Cette alerte a déjà été envoyée aux abonnés."))
        editions = [
            Edition.objects.create(
                newsletter=newsletter,
                subject=alert.text[: Edition._meta.get_field("subject").max_length],
                alert=alert,
                covers_until=now,
                created_by=by,
            )
            for newsletter in lists
        ]
    for edition in editions:
        sending.send_now(edition, by=by)
    return editions
