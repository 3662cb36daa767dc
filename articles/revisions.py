"""An article's versions: what each save keeps, so that nothing typed is ever lost for good.

``ArticleRevision.objects.record(article, by=…)`` is called after every save by a person —
the admin form once its tags, places and people are saved, and the workflow operations
(publish, submit…) — and keeps ``snapshot(article)``: the whole editable content as JSON,
enough to show, compare and restore any version, even after the sections, places or people
it named were renamed or deleted.
"""

import enum
import hashlib
import json
from datetime import datetime

from django.apps import apps

# The article's own editable fields, besides its subjects (``articles.subjects``): the admin
# form's fields and what a version keeps, listed once for both.
ARTICLE_FIELDS = (
    "title",
    "slug",
    "standfirst",
    "body",
    "main_image",
    "published_at",
    "is_featured",
    "comments_mode",
    "related_articles",
    "seo_title",
    "seo_description",
)
# Kept too, but set by the workflow and the « mise à jour » box rather than typed in the form.
WORKFLOW_FIELDS = ("status", "updated_at")


class Kept(enum.StrEnum):
    """How a tracked field's value is kept in a snapshot."""

    VALUE = "value"  # as the field gives it
    DATE = "date"  # ISO 8601 or None
    ONE = "one"  # a foreign key: [id, name] or None
    MANY = "many"  # a many-to-many: [[id, name], …]
    NAMES = "names"  # topic tags, by name: [name, …]
    # A text added after versions were first kept: a version without it had it empty, so a
    # missing value means "" (no change shown, no false conflict, restore keeps today's).
    TEXT = "text"


_ARTICLE_KEPT_AS = {
    "published_at": Kept.DATE,
    "updated_at": Kept.DATE,
    "main_image": Kept.ONE,
    "related_articles": Kept.MANY,
    "seo_title": Kept.TEXT,
    "seo_description": Kept.TEXT,
}


def _subjects() -> tuple:
    # By the app's config: the declarations import the models, which import this module.
    return apps.get_app_config("articles").subjects


def tracked_fields() -> tuple[str, ...]:
    """What a version keeps, in the order the history and the comparison show it."""
    return (*ARTICLE_FIELDS, *WORKFLOW_FIELDS, *(subject.article_field for subject in _subjects()))


def kept_as(name: str) -> Kept:
    """How the tracked field ``name`` is kept: its subject's way, else the article field's."""
    for subject in _subjects():
        if subject.article_field == name:
            return subject.kept_as
    return _ARTICLE_KEPT_AS.get(name, Kept.VALUE)


def _labels() -> dict:
    # How a subject's objects are named in a version: as readers see them (never a login).
    return {subject.article_field: subject.name for subject in _subjects()}


def _pairs(objects, name=str) -> list:
    # [id, name] pairs: the id to restore, the name to read even if the object is gone.
    return sorted(([item.pk, str(name(item))] for item in objects), key=lambda pair: pair[1].casefold())


def snapshot(article, related: dict | None = None) -> dict:
    """The article's editable content as JSON-ready values (relations as [id, name] pairs).

    ``related`` gives the many-to-many values (objects, or tag names) instead of the stored
    ones: what a form is about to save, to compare it with a version before saving.
    """
    related = related or {}
    labels = _labels()

    def kept(name):
        label = labels.get(name, str)
        match kept_as(name):
            case Kept.ONE:
                if getattr(article, f"{name}_id") is None:
                    return None
                return [getattr(article, f"{name}_id"), str(label(getattr(article, name)))]
            case Kept.MANY:
                return _pairs(related[name] if name in related else getattr(article, name).all(), label)
            case Kept.NAMES:
                names = related[name] if name in related else [item.name for item in getattr(article, name).all()]
                return sorted(names, key=str.casefold)
            case Kept.DATE:
                value = getattr(article, name)
                return value.isoformat() if value else None
            case _:
                return getattr(article, name)

    return {name: kept(name) for name in tracked_fields()}


def comparable(name: str, value):
    """A snapshot value reduced to what it means: ids rather than names (a renamed place is the
    same place), tags whatever their case, dates to the second (what the form shows)."""
    match kept_as(name):
        case Kept.MANY:
            return sorted(pair[0] for pair in value or [])
        case Kept.ONE:
            return value[0] if value else None
        case Kept.NAMES:
            return sorted({tag.casefold() for tag in value or []})
        case Kept.DATE:
            return int(datetime.fromisoformat(value).timestamp()) if value else None
        case Kept.TEXT:
            return value or ""
    return value


def changed_fields(before: dict | None, after: dict) -> list[str]:
    """The tracked fields whose value differs (all of them for a first version)."""
    return [
        name
        for name in tracked_fields()
        if before is None or comparable(name, before.get(name)) != comparable(name, after.get(name))
    ]


def fingerprints(content: dict, names=None) -> dict[str, str]:
    """A short digest of each field's meaning: what a form was opened on, small enough to carry
    in a hidden field, so that a later save can tell who changed which field since."""
    return {
        name: hashlib.blake2s(json.dumps(comparable(name, content.get(name))).encode(), digest_size=6).hexdigest()
        for name in (tracked_fields() if names is None else names)
    }


def three_way(base: dict[str, str], mine: dict, theirs: dict, names) -> tuple[list, list, list]:
    """Split ``names`` by who changed them since ``base`` (fingerprints): (only theirs, only
    mine, both and differently). Fields nobody changed, or both changed alike, are in none.
    A field missing from ``base`` counts as changed by both when the two values differ."""
    mine_prints, their_prints = fingerprints(mine, names), fingerprints(theirs, names)
    only_theirs, only_mine, both = [], [], []
    for name in names:
        if mine_prints[name] == their_prints[name]:
            continue
        mine_changed = mine_prints[name] != base.get(name)
        they_changed = their_prints[name] != base.get(name)
        if they_changed and not mine_changed:
            only_theirs.append(name)
        elif mine_changed and not they_changed:
            only_mine.append(name)
        else:
            both.append(name)
    return only_theirs, only_mine, both
