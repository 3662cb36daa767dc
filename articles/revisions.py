"""An article's versions: what each save keeps, so that nothing typed is ever lost for good.

``ArticleRevision.objects.record(article, by=…)`` is called after every save by a person —
the admin form once its tags, places and people are saved, and the workflow operations
(publish, submit…) — and keeps ``snapshot(article)``: the whole editable content as JSON,
enough to show, compare and restore any version, even after the sections, places or people
it named were renamed or deleted.
"""

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
    "comments_open",
    "authors",
    "tags",
    "territories",
    "personalities",
    "related_articles",
)


def _pairs(objects, name=str) -> list:
    # [id, name] pairs: the id to restore, the name to read even if the object is gone.
    return sorted(([item.pk, name(item)] for item in objects), key=lambda pair: pair[1].casefold())


def snapshot(article) -> dict:
    """The article's editable content as JSON-ready values (relations as [id, name] pairs)."""
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
        "comments_open": article.comments_open,
        "authors": _pairs(article.authors.all(), public_name),
        "tags": sorted((tag.name for tag in article.tags.all()), key=str.casefold),
        "territories": _pairs(article.territories.all()),
        "personalities": _pairs(article.personalities.all()),
        "related_articles": _pairs(article.related_articles.all()),
    }


def changed_fields(before: dict | None, after: dict) -> list[str]:
    """The tracked fields whose value differs (all of them for a first version)."""
    return [name for name in TRACKED_FIELDS if before is None or before.get(name) != after.get(name)]
