"""The article page stays within its weight budget: at most 50 KB of HTML and CSS before images.

With a rectificatif, an update and 50 approved comments of realistic length (about 300
characters, some with a link), in conversations of any usual shape: the thread is cut into pages
of whole conversations and each comment's markup is kept short. (A single conversation of 50 comments is never cut, and weighs
about 54 KB.) CSS is measured as the browser gets it, found like ``collectstatic`` finds it.
"""

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from articles.models import Correction
from comments.models import Comment, refresh_comment_count

pytestmark = pytest.mark.django_db

WEIGHT_BUDGET = 50_000  # bytes of HTML + CSS
COMMENT_COUNT = 50
PARAGRAPH = (
    "Le projet, présenté mardi soir en conseil municipal, doit aboutir avant la fin de l’année. "
    "Les chiffres de la dernière saison montrent une nette progression de la fréquentation. "
    "Du côté des riverains, on attend surtout des réponses concrètes sur le stationnement. "
)
COMMENT_TEXT = (
    "Habitante du quartier depuis vingt ans, je vois bien que le stationnement reste le vrai sujet : "
    "les travaux du tram ont déjà supprimé une centaine de places et personne ne nous a expliqué "
    "où se garer pendant le chantier. Le projet est bon, mais la concertation a manqué. "
)


def comment_body(index: int) -> str:
    body = f"{COMMENT_TEXT}Avis n° {index}."
    return f"{body} Voir https://www.exemple.fr/dossier/tram-{index}" if index % 5 == 0 else body


def stylesheet_bytes(html: str) -> int:
    total = 0
    for href in re.findall(r'<link rel="stylesheet" href="([^"]+)"', html):
        path = unquote(urlsplit(href).path).removeprefix(settings.STATIC_URL)
        found = finders.find(path)
        assert found, href
        total += Path(found).stat().st_size
    assert total, "the page links its stylesheet"
    return total


def build_thread(article, conversations: int) -> None:
    """50 approved comments in ``conversations`` conversations, replies nested up to the deepest level."""
    roots = []
    for index in range(COMMENT_COUNT):
        if index < conversations:
            parent = None
        else:
            root = roots[index % conversations]
            parent = root if index % 2 else (root.replies.first() or root)
        comment = Comment(
            article=article,
            parent=parent,
            author_name=f"Lectrice {index}",
            author_email=f"lectrice{index}@exemple.fr",
            author_url="https://blog.exemple.fr/" if index % 7 == 0 else "",
            body=comment_body(index),
            status=Comment.Status.APPROVED,
        )
        comment.save()
        if parent is None:
            roots.append(comment)
    refresh_comment_count(article.pk)


@pytest.mark.parametrize("conversations", [50, 10, 5], ids=["all-top-level", "ten-conversations", "five-conversations"])
def test_article_page_with_fifty_comments_weighs_at_most_50_kb(
    client, make_article, make_user, make_territory, conversations
):
    authors = [make_user("auteur1", first_name="Claire", last_name="Muller"), make_user("auteur2")]
    related = [make_article(f"Le tram circule à Nancy, épisode {i}") for i in range(2)]
    article = make_article(
        "Nancy : le tramway roulera de nouveau en septembre, après deux ans de travaux",
        body="".join(f"<p>{PARAGRAPH * 2}</p>" for _ in range(5)),
        tags=["Tramway", "Mobilités", "Travaux"],
        territories=[make_territory("Nancy")],
        authors=authors,
        related=related,
    )
    build_thread(article, conversations)
    # A rectificatif and an update, in their box below the text.
    Correction.objects.create(article=article, text=f"Contrairement à ce que nous écrivions, {PARAGRAPH}")
    Correction.objects.create(article=article, kind=Correction.Kind.UPDATE, text=PARAGRAPH)

    response = client.get(article.get_absolute_url())

    html = response.content.decode()
    weight = len(response.content) + stylesheet_bytes(html)
    assert "50 commentaires" in html
    assert html.count("<h2>Rectificatif du ") == html.count("<h2>Mise à jour du ") == 1
    assert len(re.findall(r'<li id="c\d+"', html)) >= min(COMMENT_COUNT, settings.COMMENTS_PER_PAGE)
    assert weight <= WEIGHT_BUDGET, f"{weight} bytes of HTML and CSS"
