"""An article's versions: what each save keeps, so that nothing typed is ever lost for good.

``ArticleRevision.objects.record(article, by=…)`` is called after every save by a person —
the admin form once its tags, places and people are saved, and the workflow operations
(publish, submit…) — and keeps ``snapshot(article)``: the whole editable content as JSON,
enough to show, compare and restore any version, even after the sections, places or people
it named were renamed or deleted.
"""

import hashlib
import json
from datetime import datetime

from .people import public_name

# What a version keeps, in the order the history and the comparison show it.
TRACKED_FIELDS = (
    "title",
    "slug",
    "section",
    "standfirst",
    "body",
    "main_image",
    "status",
    "published_at",
    "updated_at",
    "is_featured",
    "comments_mode",
    "authors",
    "tags",
    "territories",
    "personalities",
    "related_articles",
)


def _pairs(objects, name=str) -> list:
    # [id, name] pairs: the id to restore, the name to read even if the object is gone.
    return sorted(([item.pk, name(item)] for item in objects), key=lambda pair: pair[1].casefold())


# How each kind of tracked field is kept in a snapshot.
RELATION_FIELDS = ("section", "main_image")  # [id, name] or None
MANY_FIELDS = ("authors", "territories", "personalities", "related_articles")  # [[id, name], …]
DATE_FIELDS = ("published_at", "updated_at")  # ISO 8601 or None


def snapshot(article, related: dict | None = None) -> dict:
    """The article's editable content as JSON-ready values (relations as [id, name] pairs).

    ``related`` gives the many-to-many values (objects, or tag names) instead of the stored
    ones: what a form is about to save, to compare it with a version before saving.
    """
    related = related or {}

    def many(name, label=str):
        objects = related[name] if name in related else getattr(article, name).all()
        return _pairs(objects, label)

    tags = related["tags"] if "tags" in related else [tag.name for tag in article.tags.all()]
    return {
        "title": article.title,
        "slug": article.slug,
        "section": [article.section_id, str(article.section)] if article.section_id else None,
        "standfirst": article.standfirst,
        "body": article.body,
        "main_image": [article.main_image_id, str(article.main_image)] if article.main_image_id else None,
        "status": article.status,
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "updated_at": article.updated_at.isoformat() if article.updated_at else None,
        "is_featured": article.is_featured,
        "comments_mode": article.comments_mode,
        "authors": many("authors", public_name),
        "tags": sorted(tags, key=str.casefold),
        "territories": many("territories"),
        "personalities": many("personalities"),
        "related_articles": many("related_articles"),
    }


def comparable(name: str, value):
    """A snapshot value reduced to what it means: ids rather than names (a renamed place is the
    same place), tags whatever their case, dates to the second (what the form shows)."""
    if name in MANY_FIELDS:
        return sorted(pair[0] for pair in value or [])
    if name in RELATION_FIELDS:
        return value[0] if value else None
    if name == "tags":
        return sorted({tag.casefold() for tag in value or []})
    if name in DATE_FIELDS:
        return int(datetime.fromisoformat(value).timestamp()) if value else None
    return value


def changed_fields(before: dict | None, after: dict) -> list[str]:
    """The tracked fields whose value differs (all of them for a first version)."""
    return [
        name
        for name in TRACKED_FIELDS
        if before is None or comparable(name, before.get(name)) != comparable(name, after.get(name))
    ]


def fingerprints(content: dict, names=TRACKED_FIELDS) -> dict[str, str]:
    """A short digest of each field's meaning: what a form was opened on, small enough to carry
    in a hidden field, so that a later save can tell who changed which field since."""
    return {
        name: hashlib.blake2s(json.dumps(comparable(name, content.get(name))).encode(), digest_size=6).hexdigest()
        for name in names
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
