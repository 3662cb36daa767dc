"""A small newsroom with every kind of reader page, for the checks run on all of them (axe-core, Nu HTML Checker).

One article carries everything a page can show: sub-headings, a list, a library image with its caption,
a callout, a link to another article, places, people, tags, an author, and a thread of comments
answered up to the deepest level.
"""

import factories
from django.urls import reverse
from django.utils import timezone

from articles.archives import archive_url
from articles.models import Territory
from articles.subjects import AUTHORS
from comments.models import Comment
from pages.models import Page

BODY = (
    "<p>Le salon de l’innovation a ouvert ses portes à Metz, avec plus de cent exposants.</p>"
    "<h2>Une région qui innove</h2>"
    "<ul><li><p>FinTech</p></li><li><p>IoT</p></li></ul>"
    '<figure><img data-file="{image}" alt=""><figcaption>Le stand de la Région</figcaption></figure>'
    '<p>Lire aussi <a href="/article/emploi-repart/">notre article sur l’emploi</a>.</p>'
    '<aside data-callout="" data-color="jaune" data-title="À savoir"><p>Le salon rouvre le 12 octobre.</p></aside>'
)


def build(moderator) -> dict:
    """Every page type, by name: its address (the comment form in error is a POST, named apart)."""
    section = factories.make_section("Économie & emploi", slug="economie-emploi")
    moselle = factories.make_territory("Moselle", kind=Territory.Kind.DEPARTEMENT, slug="moselle")
    metz = factories.make_territory("Metz", parent=moselle, slug="metz")
    portrait = factories.make_image(alt_text="Jean Ministre à la tribune")
    minister = factories.make_personality("Jean Ministre", slug="jean-ministre", role="ministre", portrait=portrait)
    author = factories.make_user("cdupont", first_name="Claire", last_name="Dupont")
    image = factories.make_image(alt_text="Le stand de la Région au salon", caption="Le stand", credit="Photo : J. M.")
    factories.make_article("L’emploi repart en Moselle", section=section, slug="emploi-repart", territories=[moselle])
    article = factories.make_article(
        "Le salon de l’innovation ouvre à Metz",
        section=section,
        slug="salon-innovation",
        body=BODY.format(image=image.pk),
        main_image=image,
        tags=["FinTech", "IoT"],
        territories=[metz],
        personalities=[minister],
        authors=[author],
    )
    first = factories.make_comment(
        article, "Bravo pour ce salon !", status=Comment.Status.APPROVED, moderator=moderator
    )
    reply = factories.make_comment(
        article, "Merci, on y sera.", status=Comment.Status.APPROVED, moderator=moderator, parent=first
    )
    factories.make_comment(
        article, "Et pour les PME ?", status=Comment.Status.APPROVED, moderator=moderator, parent=reply
    )
    # A static page under another, both in the footer: every page's footer lists them.
    about = Page(
        title="À propos", slug="a-propos", body="<p>Qui nous sommes.</p>", status="published", show_in_footer=True
    )
    about.save()
    legal = Page(
        title="Mentions légales",
        slug="mentions-legales",
        parent=about,
        body=BODY.format(image=image.pk),
        status=Page.Status.PUBLISHED,
        show_in_footer=True,
        footer_position=2,
    )
    legal.save()
    return {
        "article": article,
        "pages": {
            "home": "/",
            "section": section.get_absolute_url(),
            "territory": moselle.get_absolute_url(),
            "personality": minister.get_absolute_url(),
            "tag": reverse("articles:tag", args=["fintech"]),
            "author": AUTHORS.url(author),
            "article": article.get_absolute_url(),
            "day archive": archive_url(*timezone.localtime(article.published_at).timetuple()[:3]),
            "year archive": archive_url(timezone.localtime(article.published_at).year),
            "page": legal.get_absolute_url(),
            "search with results": reverse("search:results") + "?q=salon",
            "search without results": reverse("search:results") + "?q=zzzzzz",
            "404": "/page-inconnue/",
        },
    }


def comment_in_error(client, article, settings):
    """The article page answering a refused comment (too long: only the server refuses that)."""
    settings.COMMENTS_MIN_SECONDS_TO_WRITE = 0
    page = client.get(article.get_absolute_url())
    token = page.context["comment_form"]["token"].value()
    data = {"name": "Camille", "email": "camille@exemple.fr", "body": "x" * (settings.COMMENTS_MAX_LENGTH + 1)}
    return client.post(reverse("comments:post", args=[article.pk]), {**data, "token": token, "website": ""})
