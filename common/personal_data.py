"""A person's data request in one place: every app that keeps someone's data declares how to find,
export and erase it by email address, and one staff page answers for them all.

``common`` knows none of those apps (see the layers in pyproject.toml): each registers its kind
from its ``AppConfig.ready()`` — ``comments`` a commenter's comments, ``newsletters`` a
subscriber and their consent — and the page (``newsroom/personal_data_views.py``) loops over
what is registered. A kind says who may answer for it (``permission``): someone allowed some
kinds and not others gets those only, and is told which were left out (docs/personal-data.md).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone


@dataclass(frozen=True)
class PersonalDataKind:
    """What one app keeps about a person, found by their email address."""

    # A key of the export's document (« comments »), and the label staff read (« Commentaires »).
    name: str
    label: str
    # email -> what is kept, as JSON-ready data; email -> how many items were erased; email -> how many are kept.
    export: Callable[[str], Any]
    erase: Callable[[str], int]
    count: Callable[[str], int]
    # A permission (« app.codename ») or user -> bool: who may export and erase this kind.
    permission: str | Callable[[Any], bool]
    # Who holds that permission, read after « réservé » in the page's « left out » notice (« aux modérateurs »).
    holders: str = ""

    def allowed(self, user) -> bool:
        if not (user.is_active and user.is_staff):
            return False
        if callable(self.permission):
            return bool(self.permission(user))
        return user.has_perm(self.permission)


_kinds: dict[str, PersonalDataKind] = {}


def register(
    name: str,
    label,
    *,
    export: Callable[[str], Any],
    erase: Callable[[str], int],
    count: Callable[[str], int],
    permission: str | Callable[[Any], bool],
    holders="",
) -> None:
    # By name: registering again (a second ready()) replaces the kind rather than listing it twice.
    _kinds[name] = PersonalDataKind(name, label, export, erase, count, permission, holders)


def registered() -> tuple[PersonalDataKind, ...]:
    """Every kind, by label: the page and the JSON document list them in an order that does not
    depend on the order apps are installed in."""
    return tuple(sorted(_kinds.values(), key=lambda kind: str(kind.label)))


def allowed_kinds(user) -> tuple[PersonalDataKind, ...]:
    return tuple(kind for kind in registered() if kind.allowed(user))


def left_out_kinds(user) -> tuple[PersonalDataKind, ...]:
    return tuple(kind for kind in registered() if not kind.allowed(user))


def _kinds_for(user) -> tuple[PersonalDataKind, ...]:
    # No user: every kind (the command line, the tests); a user: what their permissions allow.
    return registered() if user is None else allowed_kinds(user)


def count_all(email: str, *, user=None) -> dict[str, int]:
    """How many items each kind keeps for this address: what staff see before exporting or erasing."""
    return {kind.name: kind.count(email) for kind in _kinds_for(user)}


def export_all(email: str, *, user=None) -> dict:
    """One document with everything the registered kinds keep for this address, ready for JSON.

    With ``user``: the kinds they may export, and the labels of those left out, so that the
    document says it is not the whole answer.
    """
    document = {"email": email.strip(), "exported_at": timezone.now().isoformat()}
    for kind in _kinds_for(user):
        document[kind.name] = kind.export(email)
    if user is not None:
        document["not_included"] = [str(kind.label) for kind in left_out_kinds(user)]
    return document


def erase_all(email: str, *, user=None) -> dict[str, int]:
    """Erase what the registered kinds keep for this address; how many items per kind.

    One transaction: a request is answered whole or not at all.
    """
    with transaction.atomic():
        return {kind.name: kind.erase(email) for kind in _kinds_for(user)}


def scrub_admin_history(model, ids, placeholder: str) -> None:
    """Rename the admin's history entries of these objects and blank what they said: older entries
    name an erased person's object by its address or show what it held when staff changed it."""
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id__in=[str(pk) for pk in ids]
    ).update(object_repr=placeholder, change_message="")
