"""Who has an article's form open right now, so that two people know they are editing it together.

Kept in the default cache, which every app server shares (Redis in production, see settings),
never in a process's memory: the form opened on one server must be seen from another. Each
person with the form open has one entry, written when the form is shown and again by the
page's heartbeat every HEARTBEAT_SECONDS; it expires by itself PRESENCE_SECONDS after the last
one (a closed laptop, a crash), and leaving the page removes it at once. An article keeps the
list of the people who were there, so that its entries can be read in one ``get_many``.

Each shown form has its own page token: a page that is left removes the entry only if no
newer page of the same person (the form shown again after a save) has written it since.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from .people import public_name
from .templatetags.newsroom import french_date
from .typography import clock

HEARTBEAT_SECONDS = 30
PRESENCE_SECONDS = 90


@dataclass(frozen=True)
class Presence:
    name: str
    since: datetime

    @property
    def message(self) -> str:
        """« Marc Lhuillier modifie aussi cet article depuis 10 h 42 »."""
        return _("%(name)s modifie aussi cet article depuis %(since)s") % {
            "name": self.name,
            "since": moment(self.since),
        }


def moment(when: datetime) -> str:
    """« 10 h 42 » today, « le 28 novembre 2026 à 10 h 42 » another day (site's time zone)."""
    local = timezone.localtime(when)
    if local.date() == timezone.localdate():
        return clock(local.hour, local.minute)
    return _("le %(date)s") % {"date": french_date(local, True)}


def new_page_token() -> str:
    return secrets.token_urlsafe(9)


def _people_key(article_id) -> str:
    return f"article-presence:{article_id}"


def _person_key(article_id, user_id) -> str:
    return f"article-presence:{article_id}:{user_id}"


def arrive(article_id, user, page: str) -> None:
    """``user`` has the form open on ``page`` (shown or heartbeat): keep them for PRESENCE_SECONDS."""
    key = _person_key(article_id, user.pk)
    entry = cache.get(key)
    since = entry["since"] if entry else timezone.now().isoformat()
    cache.set(key, {"name": public_name(user), "since": since, "page": page}, PRESENCE_SECONDS)
    people = cache.get(_people_key(article_id)) or set()
    # Two people arriving at the same instant may drop one another from the list: their next
    # heartbeat puts them back, well before anybody's entry expires.
    people.add(user.pk)
    cache.set(_people_key(article_id), people, PRESENCE_SECONDS)


def leave(article_id, user, page: str) -> None:
    """``page`` was closed or left: forget ``user`` unless a newer page of theirs is open."""
    key = _person_key(article_id, user.pk)
    entry = cache.get(key)
    if entry and entry["page"] == page:
        cache.delete(key)


def others(article_id, user) -> list[Presence]:
    """Everybody but ``user`` who has the article's form open, the first arrived first."""
    people = (cache.get(_people_key(article_id)) or set()) - {user.pk}
    entries = cache.get_many([_person_key(article_id, person) for person in people])
    found = [Presence(entry["name"], datetime.fromisoformat(entry["since"])) for entry in entries.values()]
    return sorted(found, key=lambda presence: presence.since)
