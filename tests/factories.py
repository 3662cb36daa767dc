"""The newsroom's content, people, pictures and comments, each built in one call with sensible defaults.

Tests get these as the ``make_*`` fixtures of conftest.py, which open the test's database and
tie articles to the test's ``section`` and moderation to its ``moderator``. They are plain
functions so that a fixture wider than one test can build with them too: test_query_budget.py
builds its newsroom once for all the pages it measures.
"""

import io
import itertools
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image as Pillow

from articles.management.commands.load_demo import draw_pdf
from articles.models import Article, Personality, Section, Territory
from comments.models import Comment
from documents.checks import check_upload
from documents.models import Document
from images.models import Image
from images.processing import process_upload

PASSWORD = "motdepasse-test-123"
ALT_TEXT = "Le pont des Roches à Metz, sous la neige"

_numbers = itertools.count(1)


# Sections, places and people --------------------------------------------------------------------


def _named(model, default_name: str, slug_prefix: str, name, fields):
    number = next(_numbers)
    fields.setdefault("slug", f"{slug_prefix}-{number}")
    return model.objects.create(name=name or f"{default_name} {number}", **fields)


def make_section(name=None, **fields) -> Section:
    return _named(Section, "Rubrique", "rubrique", name, fields)


def make_territory(name=None, kind=Territory.Kind.COMMUNE, parent=None, groupings=(), **fields) -> Territory:
    territory = _named(Territory, "Commune", "territoire", name, {"kind": kind, "parent": parent, **fields})
    if groupings:
        territory.groupings.add(*groupings)
    return territory


def make_personality(name=None, **fields) -> Personality:
    return _named(Personality, "Personne", "personne", name, fields)


def make_user(username=None, groups=(), **fields):
    """A staff member in the given newsroom groups (by name)."""
    username = username or f"user{next(_numbers)}"
    fields.setdefault("is_staff", True)
    fields.setdefault("first_name", username.capitalize())
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, **fields)
    user.groups.add(*Group.objects.filter(name__in=groups))
    return user


# Articles -----------------------------------------------------------------------------------------


def make_article(
    title=None,
    *,
    section,
    status=Article.Status.PUBLISHED,
    published_at="default",
    tags=(),
    territories=(),
    personalities=(),
    authors=(),
    related=(),
    **fields,
) -> Article:
    """An article in ``section``, published an hour ago unless told otherwise."""
    number = next(_numbers)
    fields.setdefault("slug", f"article-{number}")
    fields.setdefault("standfirst", f"Le chapô de l’article {number}.")
    fields.setdefault("body", f"<p>Premier paragraphe de l’article {number}.</p><p>Deuxième paragraphe.</p>")
    if published_at == "default":
        published_at = timezone.now() - timedelta(hours=1) if status == Article.Status.PUBLISHED else None
    article = Article.objects.create(
        title=title or f"Article numéro {number}", section=section, status=status, published_at=published_at, **fields
    )
    if tags:
        article.tags.add(*tags)
    article.territories.add(*territories)
    article.personalities.add(*personalities)
    article.authors.add(*authors)
    article.related_articles.add(*related)
    return article


# Pictures -----------------------------------------------------------------------------------------


def encoded(picture: Pillow.Image, image_format: str, **options) -> bytes:
    """``picture`` as the file a camera or an editor would send (``options`` go to Pillow's ``save``)."""
    buffer = io.BytesIO()
    picture.save(buffer, image_format, **options)
    return buffer.getvalue()


def jpeg(size=(900, 600), colour="white") -> bytes:
    return encoded(Pillow.new("RGB", size, colour), "JPEG", quality=90)


def make_image(data=None, *, name="photo.jpg", alt_text=ALT_TEXT, **fields) -> Image:
    """A library image, uploaded as ``name`` and processed as the admin does it; a 900 × 600 JPEG by default."""
    image = Image(alt_text=alt_text, **fields)
    image.attach(process_upload(SimpleUploadedFile(name, data or jpeg(), content_type="image/jpeg")))
    image.save()
    return image


# Comments -----------------------------------------------------------------------------------------


def make_comment(article, body=None, *, status=Comment.Status.PENDING, moderator=None, **fields) -> Comment:
    """A reader's comment on ``article``, pending unless told otherwise.

    Any other status is ``moderator``'s decision, taken with ``Comment.moderate`` as on the site:
    who decided and when are recorded, and the article's public count follows.
    """
    number = next(_numbers)
    fields.setdefault("author_name", f"Lecteur {number}")
    fields.setdefault("author_email", f"lecteur{number}@exemple.fr")
    body = f"Un commentaire de lecteur, le n° {number}." if body is None else body
    comment = Comment.objects.create(article=article, body=body, **fields)
    if status != Comment.Status.PENDING:
        comment.moderate(status, by=moderator)
    return comment


# Documents, audio and video -----------------------------------------------------------------------


def _box(kind: bytes, payload: bytes = b"") -> bytes:
    return (8 + len(payload)).to_bytes(4, "big") + kind + payload


def mp4_video() -> bytes:
    """The smallest MP4 the library takes for a video: ftyp, a video track's handler (moov), media data."""
    handler = _box(b"hdlr", b"\0" * 8 + b"vide" + b"\0" * 12 + b"VideoHandler\0")
    return (
        _box(b"ftyp", b"isom\0\0\0\0isommp41")
        + _box(b"moov", _box(b"trak", _box(b"mdia", handler)))
        + _box(b"mdat", b"\0" * 2048)
    )


def make_document(data=None, *, name="budget.pdf", title="Budget primitif 2024", **fields):
    """A library document uploaded as ``name`` and checked as the admin does it; a one-page PDF by default."""
    document = Document(title=title, **fields)
    document.attach(check_upload(SimpleUploadedFile(name, data or draw_pdf([title]))))
    document.save()
    return document


# The reader whose personal data the moderation and data-request tests ask for.
JEANNE_EMAIL = "lecteur.fidele@exemple.fr"
