"""Reader comments, as a reader meets them: the form, moderation, replies, closing, anti-spam and bad input.

Every action goes through the test client. Comments that are only the scenery of a test (an
earlier, already approved comment) are created directly with ``make_approved_comment``.
"""

import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from budgets import ARTICLE_PAGE_QUERIES, READER_PAGE_BUDGET
from comment_form import WRITING_TIME, form_token, post_comment
from django.core import signing
from django.core.management import call_command
from django.test import Client
from django.test.html import parse_html
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from comments.models import BlockedTerm, Comment, refresh_comment_count
from comments.text import render_comment_text
from comments.views import AUTHOR_COOKIE, HELD_COOKIE

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
WAITING = "Votre commentaire est en attente de modération"
REQUIRED = "Ce champ est obligatoire."
CLOSED = "Les commentaires sont fermés"
REMEMBER_LABEL = "Enregistrer mon nom et mon e-mail dans ce navigateur pour mon prochain commentaire"


# The reader's side ------------------------------------------------------------------------------


def posted_comment(response, article) -> Comment:
    """The comment a successful post redirects to (its anchor on its page of the article's thread)."""
    assert response.status_code == 302, response.status_code
    match = re.fullmatch(
        re.escape(article.get_absolute_url()) + r"(?:\?commentaires=\d+)?#c(\d+)", response["Location"]
    )
    assert match, response["Location"]
    return Comment.objects.get(pk=match[1])


def assert_neutral_redirect(response, article):
    """What a bot gets: the same 302 to the article as a person, and nothing learnt."""
    assert response.status_code == 302
    assert response["Location"].startswith(article.get_absolute_url() + "#")


def read(client, article) -> str:
    """The article page's HTML, as this browser sees it."""
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


# Reading the HTML -------------------------------------------------------------------------------


def walk(node):
    """Every element under ``node``, itself included, in document order."""
    if isinstance(node, str):
        return
    yield node
    for child in node.children:
        yield from walk(child)


def find_all(node, tag=None, **attributes):
    """Elements with this tag and these exact attribute values (``for_`` for ``for``)."""
    wanted = {name.rstrip("_"): value for name, value in attributes.items()}
    return [
        element
        for element in walk(node)
        if (tag is None or element.name == tag)
        and all(dict(element.attributes).get(name, object()) == value for name, value in wanted.items())
    ]


def find(node, tag=None, **attributes):
    found = find_all(node, tag, **attributes)
    assert len(found) == 1, f"{len(found)} × <{tag} {attributes}>"
    return found[0]


def text(node) -> str:
    """The text a reader sees in ``node``, with markup left out and spaces normalised."""
    if isinstance(node, str):
        return node
    return re.sub(r"\s+", " ", " ".join(text(child) for child in node.children)).strip()


def page(response):
    return parse_html(response.content.decode())


def field_block(tree, name):
    """The paragraph that holds a form field: its label, its error, the input and its help."""
    blocks = [p for p in find_all(tree, "p") if find_all(p, id=f"id_{name}")]
    assert len(blocks) == 1
    return blocks[0]


def prefilled_parent(client, article, comment_id):
    """The comment the form answers once the reader follows « Répondre à … » for ``comment_id``."""
    response = client.get(f"{article.get_absolute_url()}?repondre={comment_id}")
    return response.context["comment_form"]["parent"].value()


def comment_item(tree, comment):
    return find(tree, "li", id=comment.anchor)


def shown_comment_ids(response) -> list[int]:
    """The comments this page of the thread shows, in document order."""
    return [int(pk) for pk in re.findall(r'<li id="c(\d+)"', response.content.decode())]


# Fixtures ---------------------------------------------------------------------------------------


@pytest.fixture
def article(make_article):
    return make_article("Le tramway de Nancy roulera de nouveau en septembre", slug="tramway-nancy")


@pytest.fixture
def other_reader():
    """A second browser, with none of the first one's cookies."""
    return Client()


@pytest.fixture
def moderator_with_email(moderator):
    moderator.email = "moderation@exemple.fr"
    moderator.save()
    return moderator


# 1. The form under an open article ---------------------------------------------------------------


def test_open_article_invites_comments_with_a_labelled_form(client, article):
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    tree = page(response)

    assert "Laisser un commentaire" in html
    assert "Votre adresse e-mail ne sera pas publiée." in html
    assert "Les champs obligatoires sont indiqués avec" in html
    for name, label, required in [
        ("name", "Nom", True),
        ("email", "E-mail", True),
        ("url", "Site web", False),
        ("body", "Commentaire", True),
    ]:
        label_element = find(tree, "label", for_=f"id_{name}")
        field = find(tree, id=f"id_{name}")
        assert field.name in {"input", "textarea"}
        assert dict(field.attributes)["name"] == name
        assert text(label_element) == (f"{label} *" if required else label)
        assert ("required" in dict(field.attributes)) is required, name


def test_remember_me_checkbox_is_offered_unticked(client, article):
    tree = page(client.get(article.get_absolute_url()))

    checkbox = find(tree, "input", id="id_remember")
    assert dict(checkbox.attributes)["type"] == "checkbox"
    assert "checked" not in dict(checkbox.attributes)
    assert REMEMBER_LABEL in text(find(tree, "label", for_="id_remember"))


# 2. From the form to the page, through moderation -------------------------------------------------


def test_comment_is_held_for_moderation_then_shown_to_everyone(client, other_reader, article, section, moderator):
    response = post_comment(client, article, body="Enfin une bonne nouvelle pour le quartier des Trois-Maisons.")

    comment = posted_comment(response, article)
    assert comment.status == Comment.Status.PENDING
    poster_page = read(client, article)
    assert "Enfin une bonne nouvelle" in poster_page
    assert WAITING in poster_page
    # Not « Aucun commentaire » right above the reader's own comment.
    assert text(find(page(client.get(article.get_absolute_url())), "h2", id="commentaires-titre")) == (
        "Aucun commentaire publié pour l’instant"
    )
    assert "Enfin une bonne nouvelle" not in read(other_reader, article)
    assert text(find(page(other_reader.get(article.get_absolute_url())), "h2", id="commentaires-titre")) == (
        "Aucun commentaire"
    )

    comment.approve(by=moderator)

    response = other_reader.get(article.get_absolute_url())
    tree = page(response)
    assert "Enfin une bonne nouvelle" in text(comment_item(tree, comment))
    assert WAITING not in response.content.decode()
    assert text(find(tree, "h2", id="commentaires-titre")) == "1 commentaire"
    section_page = page(other_reader.get(section.get_absolute_url()))
    count_link = find(section_page, "a", href=f"{article.get_absolute_url()}#commentaires")
    assert text(count_link) == "1 commentaire"


def test_rejected_comment_is_gone_even_for_its_author(client, other_reader, article, moderator):
    comment = posted_comment(post_comment(client, article, body="Un avis que la rédaction refusera."), article)
    assert "Un avis que la rédaction refusera." in read(client, article)

    comment.reject(by=moderator)

    for reader in (client, other_reader):
        assert "Un avis que la rédaction refusera." not in read(reader, article)
    article.refresh_from_db()
    assert article.comment_count == 0


def test_spam_is_never_shown_to_other_readers(client, other_reader, article, moderator):
    comment = posted_comment(post_comment(client, article, body="Gagnez de l’argent facilement."), article)

    comment.mark_spam(by=moderator)

    assert "Gagnez de l’argent" not in read(other_reader, article)
    article.refresh_from_db()
    assert article.comment_count == 0


def test_approved_comments_read_oldest_first(client, article, make_approved_comment):
    now = timezone.now()
    newest = make_approved_comment(article, body="Arrivé en dernier.", created_at=now - timedelta(minutes=1))
    oldest = make_approved_comment(article, body="Arrivé en premier.", created_at=now - timedelta(minutes=30))
    middle = make_approved_comment(article, body="Arrivé au milieu.", created_at=now - timedelta(minutes=10))

    html = read(client, article)

    positions = [html.index(f'id="{comment.anchor}"') for comment in (oldest, middle, newest)]
    assert positions == sorted(positions)


def test_author_name_links_to_their_site_without_lending_it_our_rank(client, other_reader, article, moderator):
    response = post_comment(client, article, name="Camille Bernard", url="https://camille.exemple.fr/")
    comment = posted_comment(response, article)
    comment.approve(by=moderator)

    item = comment_item(page(other_reader.get(article.get_absolute_url())), comment)

    author_link = find(item, "a", href="https://camille.exemple.fr/")
    assert text(author_link) == "Camille Bernard"
    assert dict(author_link.attributes)["rel"] == "nofollow ugc noopener"


def test_comment_shows_a_french_date_and_a_permalink(client, article, make_approved_comment):
    comment = make_approved_comment(article, created_at=datetime(2026, 7, 1, 9, 5, tzinfo=PARIS))

    item = comment_item(page(client.get(article.get_absolute_url())), comment)

    permalink = find(item, "a", href=f"#c{comment.pk}")
    assert text(permalink) == "1er juillet 2026 à 9 h 05"
    assert find(permalink, "time", datetime="2026-07-01T09:05:00+02:00")


# 3. Replies -------------------------------------------------------------------------------------


def test_reply_link_prefills_the_form_and_the_reply_nests_under_its_parent(
    client, article, make_approved_comment, moderator
):
    parent = make_approved_comment(article, author_name="Dominique")

    reply_link = find(
        page(client.get(article.get_absolute_url())), "a", href=f"?repondre={parent.pk}#laisser-un-commentaire"
    )
    assert text(reply_link) == "Répondre à Dominique"
    assert prefilled_parent(client, article, parent.pk) == parent.pk
    form_page = page(client.get(f"{article.get_absolute_url()}?repondre={parent.pk}"))
    assert text(find(form_page, "h2", id="laisser-un-commentaire-titre")) == "Répondre à Dominique"

    reply = posted_comment(post_comment(client, article, parent=parent.pk, body="Je ne suis pas d’accord."), article)
    assert reply.parent == parent
    reply.approve(by=moderator)

    parent_item = comment_item(page(Client().get(article.get_absolute_url())), parent)
    assert find(parent_item, "li", id=reply.anchor)
    assert "Je ne suis pas d’accord." in text(find(parent_item, "li", id=reply.anchor))


def test_no_reply_link_at_the_deepest_level(client, article, make_approved_comment, settings):
    settings.COMMENTS_MAX_DEPTH = 2
    root = make_approved_comment(article)
    child = make_approved_comment(article, parent=root)

    tree = page(client.get(article.get_absolute_url()))

    assert find_all(tree, "a", href=f"?repondre={root.pk}#laisser-un-commentaire")
    assert not find_all(tree, "a", href=f"?repondre={child.pk}#laisser-un-commentaire")
    # Asking for it by hand gives the ordinary form, not a reply.
    assert prefilled_parent(client, article, child.pk) is None


def test_forged_reply_below_the_deepest_level_is_refused_and_keeps_the_text(
    client, article, make_approved_comment, settings
):
    settings.COMMENTS_MAX_DEPTH = 2
    child = make_approved_comment(article, parent=make_approved_comment(article))

    response = post_comment(client, article, parent=child.pk, body="Une réponse trop profonde.")

    assert response.status_code == 400
    assert not Comment.objects.filter(body="Une réponse trop profonde.").exists()
    assert "Une réponse trop profonde." in text(find(page(response), "textarea", id="id_body"))


def test_forged_reply_below_the_deepest_level_says_why(client, article, make_approved_comment, settings):
    settings.COMMENTS_MAX_DEPTH = 2
    child = make_approved_comment(article, parent=make_approved_comment(article))

    response = post_comment(client, article, parent=child.pk, body="Une réponse trop profonde.")

    assert "Ce commentaire n’accepte pas de réponse." in response.content.decode()


@pytest.mark.parametrize("parent_kind", ["pending", "rejected", "other_article", "unknown"])
def test_reply_to_a_comment_readers_cannot_see_is_refused(
    client, article, make_article, make_comment, make_approved_comment, parent_kind
):
    parent_id = {
        "pending": lambda: make_comment(article).pk,
        "rejected": lambda: make_comment(article, status=Comment.Status.REJECTED).pk,
        "other_article": lambda: make_approved_comment(make_article()).pk,
        "unknown": lambda: 999_999,
    }[parent_kind]()

    assert prefilled_parent(client, article, parent_id) is None
    response = post_comment(client, article, parent=parent_id, body="Réponse à un fantôme.")

    assert response.status_code == 400
    assert not Comment.objects.filter(body="Réponse à un fantôme.").exists()


# 4. Closed comments -----------------------------------------------------------------------------


def assert_closed(html):
    assert CLOSED in html
    assert 'id="laisser-un-commentaire"' not in html
    assert "Répondre à" not in html
    assert 'name="body"' not in html


def test_article_with_comments_switched_off_shows_no_form(client, make_article, make_approved_comment):
    article = make_article(comments_mode=Article.CommentsMode.CLOSED)
    earlier = make_approved_comment(article, body="Écrit avant la fermeture.")

    html = read(client, article)

    assert_closed(html)
    assert earlier.body in html


def test_comments_close_by_themselves_after_some_days(client, make_article, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 30
    article = make_article()
    assert CLOSED not in read(client, article)

    with time_machine.travel(article.published_at + timedelta(days=29, hours=23)):
        assert CLOSED not in read(client, article)
    with time_machine.travel(article.published_at + timedelta(days=30, minutes=1)):
        assert_closed(read(client, article))


@pytest.mark.parametrize("how", ["switched_off", "too_old"])
def test_post_to_a_closed_article_is_refused_and_the_text_given_back(client, article, settings, how):
    token = form_token(client, article)  # the form was open when the reader started writing
    if how == "switched_off":
        article.comments_mode = Article.CommentsMode.CLOSED
        article.save()
    else:
        article.published_at = timezone.now() - timedelta(days=settings.COMMENTS_CLOSE_AFTER_DAYS + 1)
        article.save()

    response = post_comment(client, article, token=token, body="Mon texte écrit avec soin.\nSur deux lignes.")

    assert response.status_code == 403
    assert not Comment.objects.exists()
    html = response.content.decode()
    assert CLOSED in html
    assert "Mon texte écrit avec soin.<br>Sur deux lignes." in html


# 5. Remember me, and caches ---------------------------------------------------------------------


def form_values(response) -> dict:
    form = response.context["comment_form"]
    return {name: form[name].value() for name in ("name", "email", "url", "remember")}


def test_ticked_remember_me_prefills_the_next_form_in_this_browser_only(client, other_reader, article):
    response = post_comment(
        client,
        article,
        name="Éloïse Lefèvre",
        email="eloise@exemple.fr",
        url="https://eloise.exemple.fr/",
        remember="on",
    )

    cookie = response.cookies[AUTHOR_COOKIE]
    assert cookie.value
    assert cookie["httponly"]
    assert form_values(client.get(article.get_absolute_url())) == {
        "name": "Éloïse Lefèvre",
        "email": "eloise@exemple.fr",
        "url": "https://eloise.exemple.fr/",
        "remember": True,
    }
    assert form_values(other_reader.get(article.get_absolute_url())) == {
        "name": None,
        "email": None,
        "url": None,
        "remember": False,
    }


def test_without_remember_me_nothing_is_kept(client, article):
    response = post_comment(client, article, name="Éloïse Lefèvre")

    assert AUTHOR_COOKIE not in response.cookies or response.cookies[AUTHOR_COOKIE].value == ""
    assert form_values(client.get(article.get_absolute_url()))["name"] is None


def test_unticking_remember_me_forgets_the_saved_details(client, article):
    post_comment(client, article, name="Éloïse Lefèvre", remember="on")
    assert form_values(client.get(article.get_absolute_url()))["name"] == "Éloïse Lefèvre"

    response = post_comment(client, article, name="Éloïse Lefèvre")

    assert response.cookies[AUTHOR_COOKIE].value == ""
    assert form_values(client.get(article.get_absolute_url()))["name"] is None


def is_private(response) -> bool:
    cache_control = response.get("Cache-Control", "")
    return "private" in cache_control and "no-store" in cache_control


def test_only_pages_with_personal_content_are_kept_out_of_shared_caches(client, article):
    assert not is_private(client.get(article.get_absolute_url()))

    post_comment(client, article, remember="on")
    assert is_private(client.get(article.get_absolute_url()))  # a held comment and saved details

    del client.cookies[HELD_COOKIE]
    assert is_private(client.get(article.get_absolute_url()))  # saved details only
    assert not is_private(Client().get(article.get_absolute_url()))


# 6. Anti-spam -----------------------------------------------------------------------------------


def test_honeypot_gets_the_same_answer_as_a_person_and_saves_nothing(client, article, mailoutbox, moderator_with_email):
    response = post_comment(client, article, website="https://pilules.exemple.com/")

    assert_neutral_redirect(response, article)
    assert not Comment.objects.exists()
    assert mailoutbox == []


def test_form_sent_faster_than_a_person_writes_comes_back_with_its_text(client, article, settings):
    settings.COMMENTS_MIN_SECONDS_TO_WRITE = 3
    with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=PARIS), tick=False):
        article.published_at = timezone.now() - timedelta(hours=1)
        article.save()
        token = form_token(client, article)

        response = post_comment(client, article, token=token, wait=timedelta(seconds=2), body="Trop rapide.")
        assert response.status_code == 400
        assert "Votre commentaire est parti très vite" in response.content.decode()
        assert "Trop rapide." in text(find(page(response), "textarea", id="id_body"))
        # The form comes back with the token it was sent with: its clock did not start again.
        assert response.context["comment_form"]["token"].value() == token
        assert not Comment.objects.exists()

        response = post_comment(client, article, token=token, wait=timedelta(seconds=3), body="Juste à temps.")
        assert posted_comment(response, article).body == "Juste à temps."


def test_a_corrected_comment_sent_at_once_is_stored(client, article, settings):
    settings.COMMENTS_MIN_SECONDS_TO_WRITE = 3
    long_text = "Un long texte écrit avec soin. " * 40
    with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=PARIS), tick=False):
        article.published_at = timezone.now() - timedelta(hours=1)
        article.save()
        token = form_token(client, article)
        refused = post_comment(
            client, article, token=token, wait=timedelta(seconds=30), email="camille@", body=long_text
        )
        assert refused.status_code == 400
        returned_token = refused.context["comment_form"]["token"].value()

        # Corrected and sent again within a second of the error page.
        response = post_comment(client, article, token=returned_token, wait=timedelta(seconds=31), body=long_text)

    assert posted_comment(response, article).body == long_text.strip()


def test_minimum_writing_time_is_not_shortened_by_rounding(client, article, settings):
    settings.COMMENTS_MIN_SECONDS_TO_WRITE = 3
    with time_machine.travel(datetime(2026, 3, 2, 10, 0, 0, 900_000, tzinfo=PARIS), tick=False):
        article.published_at = timezone.now() - timedelta(hours=1)
        article.save()
        token = form_token(client, article)

        post_comment(client, article, token=token, wait=timedelta(seconds=2.2))

    assert not Comment.objects.exists()


def test_expired_form_comes_back_with_the_text_and_a_fresh_token(client, article, settings):
    token = form_token(client, article)
    too_late = timedelta(seconds=settings.COMMENTS_FORM_MAX_AGE_SECONDS + 60)

    response = post_comment(client, article, token=token, wait=too_late, body="Écrit hier soir.")

    assert response.status_code == 400
    assert not Comment.objects.exists()
    assert "Le formulaire a expiré" in response.content.decode()
    assert "Écrit hier soir." in text(find(page(response), "textarea", id="id_body"))
    # Sending the form again, as it came back, works.
    fresh_token = response.context["comment_form"]["token"].value()
    with time_machine.travel(too_late, tick=True):
        response = post_comment(client, article, token=fresh_token, body="Écrit hier soir.")
    assert posted_comment(response, article).body == "Écrit hier soir."


def tampered(token: str) -> str:
    return token[:-1] + ("A" if token[-1] != "A" else "B")


@pytest.mark.parametrize(
    "make_token",
    [
        lambda valid: "",
        lambda valid: "n-importe-quoi",
        tampered,
        lambda valid: signing.dumps({"article": 1, "issued": 0}),  # signed, but not by this form
        lambda valid: "\x00",
    ],
    ids=["missing", "garbage", "tampered", "other_salt", "nul"],
)
def test_forged_token_gets_a_neutral_answer_and_saves_nothing(client, article, make_token):
    response = post_comment(client, article, token=make_token(form_token(client, article)))

    assert_neutral_redirect(response, article)
    assert not Comment.objects.exists()


def test_token_from_another_article_saves_nothing(client, article, make_article):
    other = make_article()

    response = post_comment(client, article, token=form_token(client, other))

    assert_neutral_redirect(response, article)
    assert not Comment.objects.exists()


def test_readers_sharing_a_cached_form_each_get_their_comment_stored(client, other_reader, article):
    # Every reader of a cached article page gets the same form, token included.
    token = form_token(client, article)
    first = posted_comment(post_comment(client, article, token=token, body="Le premier, bien réel."), article)
    second = post_comment(other_reader, article, token=token, email="dominique@exemple.fr", body="Un autre avis.")

    assert posted_comment(second, article) != first
    assert sorted(Comment.objects.values_list("body", flat=True)) == ["Le premier, bien réel.", "Un autre avis."]


def test_the_same_form_sent_again_is_stored_once(client, other_reader, article):
    token = form_token(client, article)
    first = posted_comment(post_comment(client, article, token=token, body="Envoyé une fois."), article)
    # The same form, the same text, sent again (the back button, a replay from elsewhere): the same comment.
    again = post_comment(other_reader, article, token=token, body="Envoyé une fois.")

    assert posted_comment(again, article) == first
    assert Comment.objects.count() == 1


def test_posts_from_one_address_are_limited(client, other_reader, article, settings):
    settings.COMMENTS_RATE_LIMIT = 2
    for number in (1, 2):
        posted_comment(post_comment(client, article, ip="192.0.2.10", body=f"Message {number}."), article)

    response = post_comment(client, article, ip="192.0.2.10", body="Un message de trop.")

    assert response.status_code == 429
    assert "Vous avez envoyé beaucoup de commentaires en peu de temps" in response.content.decode()
    assert "Un message de trop." in text(find(page(response), "textarea", id="id_body"))
    assert Comment.objects.count() == 2
    response = post_comment(other_reader, article, ip="192.0.2.20", body="Un autre lecteur.")
    assert posted_comment(response, article).body == "Un autre lecteur."


def test_too_many_links_is_spam_but_the_poster_sees_the_usual_notice(client, other_reader, article, settings):
    settings.COMMENTS_MAX_LINKS = 2
    body = "Voyez https://a.exemple.com, https://b.exemple.com et http://c.exemple.com !"

    comment = posted_comment(post_comment(client, article, body=body), article)

    assert comment.status == Comment.Status.SPAM
    assert comment not in Comment.objects.in_moderation()
    assert WAITING in read(client, article)
    assert "a.exemple.com" not in read(other_reader, article)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        pytest.param("Sources : https://insee.fr/emploi et http://data.gouv.fr/jeux.", "pending", id="two-links"),
        pytest.param(
            "Sources : https://www.insee.fr/emploi et https://www.data.gouv.fr/jeux.",
            "pending",
            id="two-www-links",
        ),
        pytest.param(
            "Pas cher sur pilules.com, casino-gratuit.net et credit-facile.org !",
            "spam",
            id="three-bare-domains",
        ),
    ],
)
def test_links_are_counted_as_readers_will_see_them(client, article, settings, body, status):
    settings.COMMENTS_MAX_LINKS = 2

    comment = posted_comment(post_comment(client, article, body=body), article)

    assert comment.status == status


def test_blocked_term_sends_the_comment_to_spam(client, other_reader, article, mailoutbox, moderator_with_email):
    BlockedTerm.objects.create(term="casino")

    comment = posted_comment(post_comment(client, article, body="Le meilleur CASINO en ligne."), article)

    assert comment.status == Comment.Status.SPAM
    assert mailoutbox == []
    assert "CASINO" not in read(other_reader, article)


def test_double_post_saves_one_comment(client, article):
    first = post_comment(client, article, body="Cliqué deux fois.")
    second = post_comment(client, article, body="Cliqué deux fois.")

    assert posted_comment(first, article) == posted_comment(second, article)
    assert Comment.objects.count() == 1


@pytest.fixture
def known_author(article, make_approved_comment):
    """Camille already has an approved comment on the site."""
    return make_approved_comment(article, author_email="camille@exemple.fr")


def test_known_author_is_held_like_anyone_by_default(client, other_reader, article, known_author):
    comment = posted_comment(post_comment(client, article, email="camille@exemple.fr", body="De retour."), article)

    assert comment.status == Comment.Status.PENDING
    assert "De retour." not in read(other_reader, article)


def test_known_author_is_approved_at_once_when_the_newsroom_wants_it(
    client, other_reader, article, known_author, settings
):
    settings.COMMENTS_AUTO_APPROVE_KNOWN_AUTHORS = True

    comment = posted_comment(post_comment(client, article, email="Camille@Exemple.fr", body="De retour."), article)

    assert comment.status == Comment.Status.APPROVED
    assert "De retour." in read(other_reader, article)
    article.refresh_from_db()
    assert article.comment_count == 2


def test_held_comment_is_mailed_to_the_moderators(client, article, mailoutbox, moderator_with_email):
    post_comment(client, article, email="camille@exemple.fr", body="Le pont est fermé depuis lundi.")

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["moderation@exemple.fr"]
    assert "Le pont est fermé depuis lundi." in mail.body
    assert "camille@exemple.fr" in mail.body
    assert article.title in mail.subject


def test_a_title_with_line_breaks_is_one_line_and_its_comments_are_still_mailed(
    client, article, mailoutbox, moderator_with_email
):
    # Typed or pasted through a form or a script that does not strip them: a header injection, or every
    # mail about the article refused by Django (BadHeaderError) while the moderators never hear of it.
    Article.objects.filter(pk=article.pk).update(title="Tramway\r\nBcc: tous@exemple.fr\x0b et\tbus")
    article.refresh_from_db()
    post_comment(client, article, email="camille@exemple.fr", body="Enfin !")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject.endswith("« Tramway Bcc: tous@exemple.fr et bus »")
    article.save()
    assert Article.objects.get(pk=article.pk).title == "Tramway Bcc: tous@exemple.fr et bus"


# 7. Bad input -----------------------------------------------------------------------------------

VALID = {"name": "Camille Bernard", "email": "camille@exemple.fr", "url": "", "body": "Mon avis, bien pesé."}


def assert_kept(response, typed: dict):
    """The re-rendered form holds everything the reader typed."""
    form = response.context["comment_form"]
    for name, value in typed.items():
        assert form[name].value() == value, name
    tree = page(response)
    if typed.get("body"):
        assert text(find(tree, "textarea", id="id_body")) == re.sub(r"\s+", " ", typed["body"]).strip()
    if typed.get("name"):
        assert dict(find(tree, "input", id="id_name").attributes)["value"] == typed["name"]


@pytest.mark.parametrize("blank", ["", "   ", "\t\n "], ids=["empty", "spaces", "whitespace"])
@pytest.mark.parametrize("field", ["name", "email", "body"])
def test_required_field_left_blank_is_explained_next_to_it(client, article, field, blank):
    response = post_comment(client, article, **{**VALID, field: blank})

    assert response.status_code == 400
    assert not Comment.objects.exists()
    assert REQUIRED in text(field_block(page(response), field))
    assert_kept(response, {name: value for name, value in VALID.items() if name not in (field, "url")})


def test_very_long_comment_is_refused_in_french_and_kept(client, article):
    body = "Un très long texte. " * 5_000  # 100 000 characters

    response = post_comment(client, article, body=body)

    assert response.status_code == 400
    assert not Comment.objects.exists()
    assert re.search(
        r"5\s000 caractères au maximum \(vous en avez écrit 99\s999\)", text(field_block(page(response), "body"))
    )
    assert response.context["comment_form"]["body"].value() == body


def test_invalid_email_is_explained_in_french(client, article):
    response = post_comment(client, article, **{**VALID, "email": "camille-at-exemple"})

    assert response.status_code == 400
    assert "Saisissez une adresse e-mail valide" in text(field_block(page(response), "email"))
    assert_kept(response, {"name": VALID["name"], "body": VALID["body"]})


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "Camille\x00Bernard"),
        ("email", "camille\x00@exemple.fr"),
        ("url", "https://exemple.fr/\x00"),
        ("body", "Un texte\x00 piégé."),
    ],
)
def test_nul_characters_are_refused_in_french(client, article, field, value):
    response = post_comment(client, article, **{**VALID, field: value})

    assert response.status_code == 400
    assert not Comment.objects.exists()
    assert "Le caractère nul n’est pas autorisé." in text(field_block(page(response), field))


@pytest.mark.parametrize("field", ["parent", "website", "remember"])
def test_nul_characters_in_other_fields_are_no_server_error(client, article, field):
    response = post_comment(client, article, **{field: "1\x00"})

    assert response.status_code in {302, 400}


def test_invalid_utf8_in_the_request_body_is_no_server_error(client, article):
    token = form_token(client, article)
    body = b"name=Camille\xff\xfe&email=camille%40exemple.fr&body=Texte+\xff\xfe+abim%C3%A9&token=" + token.encode()

    with time_machine.travel(WRITING_TIME, tick=True):
        response = client.post(
            reverse("comments:post", args=[article.pk]), body, content_type="application/x-www-form-urlencoded"
        )

    assert response.status_code in {302, 400}


@pytest.mark.parametrize(
    "payload",
    ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "javascript:alert(1)"],
    ids=["script", "img-onerror", "javascript-url"],
)
def test_markup_from_readers_is_shown_as_text(client, other_reader, article, moderator, payload):
    response = post_comment(client, article, name=f"Pirate {payload}", body=f"Regardez {payload} ici.")
    comment = posted_comment(response, article)
    comment.approve(by=moderator)

    html = read(other_reader, article)

    item = comment_item(parse_html(html), comment)
    assert payload in text(item)  # shown as typed...
    assert not find_all(item, "script")  # ...but never as markup
    assert not find_all(item, "img")
    for element in walk(item):
        assert not any(name.startswith("on") for name, _value in element.attributes), element
        assert not dict(element.attributes).get("href", "").lower().startswith("javascript:"), element
    assert "<script>alert(1)" not in html


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "JavaScript:alert(document.cookie)", "data:text/html;base64,PHNjcmlwdD4="],
)
def test_website_must_be_a_web_address(client, article, url):
    response = post_comment(client, article, **{**VALID, "url": url})

    assert response.status_code == 400
    assert not Comment.objects.exists()
    # The field's own « adresse web » message is lost (see the report); Django's French one shows.
    assert re.search(r"Saisissez une (URL|adresse web) valide", text(field_block(page(response), "url")))


def test_web_address_in_the_text_becomes_a_nofollow_link(client, other_reader, article, moderator):
    comment = posted_comment(post_comment(client, article, body="Tout est là : https://exemple.fr/page"), article)
    comment.approve(by=moderator)

    item = comment_item(page(other_reader.get(article.get_absolute_url())), comment)

    link = find(item, "a", href="https://exemple.fr/page")
    assert dict(link.attributes)["rel"] == "nofollow ugc noopener"


def test_blank_lines_separate_paragraphs(client, other_reader, article, moderator):
    body = "Premier paragraphe.\r\n\r\nDeuxième paragraphe,\r\nsur deux lignes."
    comment = posted_comment(post_comment(client, article, body=body), article)
    comment.approve(by=moderator)

    item = comment_item(page(other_reader.get(article.get_absolute_url())), comment)

    paragraphs = find_all(find(item, "div", class_="comment-body"), "p")
    assert [text(paragraph) for paragraph in paragraphs] == [
        "Premier paragraphe.",
        "Deuxième paragraphe, sur deux lignes.",
    ]
    assert find_all(paragraphs[1], "br")


# 8. Query budget --------------------------------------------------------------------------------


def add_thread(article, count: int) -> None:
    """``count`` approved comments: most at the top, some replies, and some replies to those replies."""
    levels = [count - 2 * (count // 8), count // 8, count // 8]  # 200 → 150, 25 and 25
    parents = [None]
    for depth, size in enumerate(levels, start=1):
        parents = Comment.objects.bulk_create(
            Comment(
                article=article,
                parent=parents[i % len(parents)],
                depth=depth,  # bulk_create skips Comment.save(), which sets it
                author_name=f"Lecteur {i}",
                author_email=f"lecteur{i}@exemple.fr",
                body=f"Commentaire {i} au niveau {depth}.",
                status=Comment.Status.APPROVED,
            )
            for i in range(size)
        )
    refresh_comment_count(article.pk)


@pytest.mark.parametrize("count", [0, 1, 200])
def test_article_page_runs_the_same_queries_whatever_the_number_of_comments(
    client, article, django_assert_num_queries, count, settings
):
    add_thread(article, count)
    url = article.get_absolute_url()
    client.get(url)  # warm the caches (content types, …) that every later page finds full

    with django_assert_num_queries(ARTICLE_PAGE_QUERIES) as queries:
        response = client.get(url)

    assert len(queries) <= READER_PAGE_BUDGET
    # The whole thread is read in that one query; the page shows its first 30 comments.
    assert len(shown_comment_ids(response)) == min(count, settings.COMMENTS_PER_PAGE)


@pytest.mark.parametrize("value", ["²", "9" * 5000, "-1", "abc", ""])
def test_a_forged_reply_address_shows_the_page_not_an_error(client, article, value):
    response = client.get(article.get_absolute_url(), {"repondre": value})
    assert response.status_code == 200
    assert "Laisser un commentaire" in response.content.decode()


# 9. Stored text and long threads ----------------------------------------------------------------


def test_comment_text_is_rendered_once_when_saved(article, make_approved_comment):
    comment = make_approved_comment(article, body="Premier point.\n\nVoir https://exemple.fr/page <b>ici</b>.")

    stored = Comment.objects.values_list("body_html", flat=True).get(pk=comment.pk)
    assert stored == render_comment_text(comment.body)
    assert 'href="https://exemple.fr/page"' in stored
    assert "&lt;b&gt;ici&lt;/b&gt;" in stored


def test_erased_comment_keeps_no_rendered_text(article, make_approved_comment):
    comment = make_approved_comment(article, body="Un texte à effacer.")

    comment.erase()

    assert Comment.objects.values_list("body_html", flat=True).get(pk=comment.pk) == ""


def test_the_rerender_command_renders_every_comment_again(article, make_approved_comment):
    comments = [make_approved_comment(article, body=f"Texte {i} : https://exemple.fr/{i}") for i in range(3)]
    Comment.objects.update(body_html="<p>ancienne règle</p>")

    call_command("rerender_comments", "--batch-size", "2", stdout=io.StringIO())

    for comment in comments:
        assert Comment.objects.get(pk=comment.pk).body_html == render_comment_text(comment.body)


def conversation(article, make_approved_comment, replies=0, **fields):
    """A top-level comment and ``replies`` answers to it."""
    root = make_approved_comment(article, **fields)
    for _ in range(replies):
        make_approved_comment(article, parent=root)
    return root


def thread_page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response


def test_a_long_thread_is_read_page_by_page(client, article, make_approved_comment, settings):
    settings.COMMENTS_PER_PAGE = 5
    roots = [conversation(article, make_approved_comment, replies=1) for _ in range(4)]  # 2 comments each
    refresh_comment_count(article.pk)

    first = thread_page(client, article.get_absolute_url())
    second = thread_page(client, f"{article.get_absolute_url()}?commentaires=2")

    # Whole conversations, never more than 5 comments a page: 2 + 2, then 2 + 2.
    assert [pk for pk in shown_comment_ids(first) if pk in {r.pk for r in roots}] == [roots[0].pk, roots[1].pk]
    assert [pk for pk in shown_comment_ids(second) if pk in {r.pk for r in roots}] == [roots[2].pk, roots[3].pk]
    assert len(shown_comment_ids(first)) == len(shown_comment_ids(second)) == 4
    assert text(find(page(first), "h2", id="commentaires-titre")) == "8 commentaires"
    assert find(page(first), "a", rel="next", href=f"{article.get_absolute_url()}?commentaires=2#commentaires")
    assert not find_all(page(first), "a", rel="prev")
    assert find(page(second), "a", rel="prev", href=f"{article.get_absolute_url()}#commentaires")
    assert text(find(page(second), "a", rel="prev")) == "Commentaires précédents"
    assert not find_all(page(second), "a", rel="next")


@pytest.mark.parametrize(("value", "shown_page"), [("abc", 1), ("²", 1), ("0", 1), ("99", 2), ("9" * 500, 1)])
def test_a_forged_page_number_shows_a_page_not_an_error(
    client, article, make_approved_comment, settings, value, shown_page
):
    settings.COMMENTS_PER_PAGE = 1
    roots = [make_approved_comment(article) for _ in range(2)]

    response = thread_page(client, f"{article.get_absolute_url()}?commentaires={value}")

    assert shown_comment_ids(response) == [roots[shown_page - 1].pk]


def test_a_conversation_longer_than_a_page_is_never_cut(client, article, make_approved_comment, settings):
    settings.COMMENTS_PER_PAGE = 3
    first = conversation(article, make_approved_comment, replies=5)
    second = make_approved_comment(article)

    assert len(shown_comment_ids(thread_page(client, article.get_absolute_url()))) == 6
    assert shown_comment_ids(thread_page(client, f"{article.get_absolute_url()}?commentaires=2")) == [second.pk]
    assert first.get_absolute_url() == f"{article.get_absolute_url()}#{first.anchor}"


def test_a_comment_address_leads_to_its_page(client, article, make_approved_comment, settings):
    settings.COMMENTS_PER_PAGE = 2
    roots = [conversation(article, make_approved_comment, replies=1) for _ in range(3)]
    reply = roots[2].replies.get()

    url = reply.get_absolute_url()

    assert url == f"{article.get_absolute_url()}?commentaires=3#{reply.anchor}"
    path, anchor = url.split("#")
    assert find(page(thread_page(client, path)), "li", id=anchor)


def test_replying_on_a_later_page_keeps_the_page_and_returns_to_it(
    client, other_reader, article, make_approved_comment, settings
):
    settings.COMMENTS_PER_PAGE = 1
    make_approved_comment(article)
    later = make_approved_comment(article, author_name="Dominique")
    second_page = f"{article.get_absolute_url()}?commentaires=2"

    reply_link = find(
        page(thread_page(client, second_page)), "a", href=f"?commentaires=2&repondre={later.pk}#laisser-un-commentaire"
    )
    assert text(reply_link) == "Répondre à Dominique"
    response = client.get(f"{second_page}&repondre={later.pk}")
    assert response.context["comment_form"]["parent"].value() == later.pk
    assert shown_comment_ids(response) == [later.pk]

    response = post_comment(client, article, parent=later.pk, body="Bien d’accord.")

    reply = Comment.objects.get(body="Bien d’accord.")
    assert response["Location"] == f"{second_page}#{reply.anchor}"
    assert WAITING in text(comment_item(page(thread_page(client, second_page)), reply))
    assert reply.pk not in shown_comment_ids(thread_page(other_reader, second_page))


def test_a_held_comment_shows_on_the_page_where_it_was_written_and_shifts_no_page(
    client, other_reader, article, make_approved_comment, settings
):
    settings.COMMENTS_PER_PAGE = 1
    first, second = make_approved_comment(article), make_approved_comment(article)

    held = posted_comment(post_comment(client, article, body="Mon avis en attente."), article)

    # Pages count approved comments only: the same for everyone, held comments join the last one.
    assert held.status == Comment.Status.PENDING
    assert shown_comment_ids(thread_page(client, article.get_absolute_url())) == [first.pk]
    assert shown_comment_ids(thread_page(client, f"{article.get_absolute_url()}?commentaires=2")) == [
        second.pk,
        held.pk,
    ]
    assert shown_comment_ids(thread_page(other_reader, f"{article.get_absolute_url()}?commentaires=2")) == [second.pk]


@pytest.mark.parametrize(
    "data",
    [
        None,  # the form every reader gets
        {"name": "", "email": "pas-une-adresse", "url": "javascript:alert(1)", "body": "", "remember": "on"},
        {
            "name": 'Léa "<b>" & Cie',
            "email": "lea@example.org",
            "url": "",
            "body": "<script>x</script>\nDeux",
            "parent": "4",
        },
    ],
)
def test_comment_form_markup_is_the_one_django_writes(article, data):
    """The comment form's faster widget renderer writes byte for byte what Django's templates write."""
    from django.forms.renderers import DjangoTemplates

    from comments.forms import CommentForm

    def rendered(renderer):
        form = CommentForm(data, article=article, renderer=renderer, initial={"name": "Lu", "remember": True})
        form.is_valid() if data is not None else None
        return [str(field) for field in form]

    assert rendered(None) == rendered(DjangoTemplates())
