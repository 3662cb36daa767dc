"""How staff members appear to readers: by their name, never by a login.

A login is an account's key, not a signature: « admin » or « secretariat » (WordPress makes
the display name the login until someone changes it) and ``anne.martin@example.org`` must
never reach a byline, an author page, a feed or the structured data. Who has no name of their
own is « La rédaction », as a newspaper signs an unsigned piece.
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# What readers see for a staff member who has no name to show.
NEWSROOM = _("La rédaction")


def own_name(person) -> str:
    """The person's full name, or "" when they have none: no name typed, one that is their login
    whatever its case (WordPress's default display name), or one holding an email address."""
    full_name = " ".join(person.get_full_name().split())
    if not full_name or "@" in full_name or full_name.casefold() == person.get_username().strip().casefold():
        return ""
    return full_name


def has_public_name(person) -> bool:
    """Whether readers may be given this person's name: a name of their own, not their login."""
    return bool(own_name(person))


def public_name(person, missing="—") -> str:
    """The one way a staff member is named to readers: bylines, author pages, feeds, structured data.

    ``missing``: what to say when there is nobody (a deleted account, the system's own change).
    """
    if person is None:
        return str(missing)
    return own_name(person) or str(NEWSROOM)


def staff_name(person, missing="—") -> str:
    """How the desk names a colleague where several may lack a name (the authors to pick):
    their public name, else their login — staff know logins, readers never see this."""
    if person is None:
        return str(missing)
    return own_name(person) or person.get_username()


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
