"""How staff members appear to readers: by their name, never by a login that is an email address."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# What readers see for a staff member who has no name to show.
NEWSROOM = _("La rédaction")


def has_public_name(person) -> bool:
    """A full name, or a login that is not (and does not hold) an email address."""
    return bool(person.get_full_name().strip()) or "@" not in person.get_username()


def public_name(person, missing="—") -> str:
    """The one way a staff member is named to readers: bylines, author pages, feeds, structured data.

    ``missing``: what to say when there is nobody (a deleted account, the system's own change).
    """
    if person is None:
        return str(missing)
    if full_name := person.get_full_name().strip():
        return full_name
    username = person.get_username()
    return username if username and "@" not in username else str(NEWSROOM)


def credited(people) -> list:
    """The authors a byline names: those with a public name; if none has one, the first (« La rédaction »)."""
    people = list(people)
    named = [person for person in people if has_public_name(person)]
    return named or people[:1]


def names_list(people) -> str:
    """« Anne Martin », « Anne Martin et Paul Durand », « A, B et C »: the people a byline credits."""
    return joined([public_name(person) for person in credited(people)])


def joined(names: list[str]) -> str:
    """« A », « A et B », « A, B et C »."""
    if len(names) <= 1:
        return "".join(names)
    return gettext("%(first)s et %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}
