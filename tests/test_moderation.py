"""The moderators' desk, used as moderators use it: the queue and one-click decisions.

A reader's data request (the admin's page and the command): test_personal_data.py."""

import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from admin_pages import action_post
from comment_form import post_comment
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone
from factories import JEANNE_EMAIL

from comments.models import BlockedTerm, Comment, refresh_comment_count

pytestmark = pytest.mark.django_db

Status = Comment.Status
READER_EMAIL = JEANNE_EMAIL


# Helpers ------------------------------------------------------------------------


def changelist_url(**params):
    url = reverse("admin:comments_comment_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def change_url(comment):
    return reverse("admin:comments_comment_change", args=[comment.pk])


def moderate_url(comment, action):
    return reverse("admin:comments_comment_moderate", args=[comment.pk, action])


def listed(response):
    """The comments the changelist shows, in its order."""
    return list(response.context["cl"].result_list)


def public_count(client, article):
    """The « N commentaire(s) » heading of the public article page."""
    html = client.get(article.get_absolute_url()).content.decode()
    return re.search(r'id="commentaires-titre">([^<]*)</h2>', html).group(1)


def assert_moderated(comment, status, by):
    comment.refresh_from_db()
    assert comment.status == status
    assert comment.moderated_by == by
    assert timezone.now() - comment.moderated_at < timedelta(minutes=1)


# Fixtures -----------------------------------------------------------------------


@pytest.fixture
def article(make_article):
    return make_article("Le marché couvert de Metz rouvre", slug="marche-couvert")


@pytest.fixture
def comment(make_jeanne_comment):
    return make_jeanne_comment("Enfin un marché digne de ce nom !")


# Who may moderate ---------------------------------------------------------------


def test_moderator_opens_the_queue_and_a_comment(moderator_client, comment):
    assert moderator_client.get(changelist_url()).status_code == 200
    assert moderator_client.get(change_url(comment)).status_code == 200
    index = moderator_client.get(reverse("admin:index")).content.decode()
    assert changelist_url() in index


def test_moderator_cannot_touch_articles(moderator_client, article):
    for url in [
        reverse("admin:articles_article_changelist"),
        reverse("admin:articles_article_add"),
        reverse("admin:articles_article_change", args=[article.pk]),
    ]:
        assert moderator_client.get(url).status_code == 403, url


def test_nobody_adds_comments_in_the_admin(moderator_client):
    # Comments come from readers, through the site.
    assert moderator_client.get(reverse("admin:comments_comment_add")).status_code == 403
    assert reverse("admin:comments_comment_add") not in moderator_client.get(changelist_url()).content.decode()


def test_journalist_cannot_see_or_moderate_comments(journalist_client, comment):
    assert journalist_client.get(changelist_url()).status_code == 403
    assert journalist_client.get(change_url(comment)).status_code == 403
    assert journalist_client.post(moderate_url(comment, "approuver")).status_code == 403
    assert journalist_client.post(changelist_url(), action_post("approve_selected", comment)).status_code == 403
    comment.refresh_from_db()
    assert comment.status == Status.PENDING
    assert comment.moderated_by is None


def test_journalist_who_is_also_a_moderator_can_moderate(client, make_user, comment):
    both = make_user("journaliste-moderatrice", groups=["Journalistes", "Modérateurs"])
    client.force_login(both)

    assert client.get(changelist_url()).status_code == 200
    assert client.post(moderate_url(comment, "approuver")).status_code == 302
    assert_moderated(comment, Status.APPROVED, by=both)


def test_moderators_group_holds_only_comment_permissions():
    codenames = set(Group.objects.get(name="Modérateurs").permissions.values_list("codename", flat=True))
    assert "moderate_comment" in codenames
    assert "add_comment" not in codenames
    assert not {codename for codename in codenames if codename.endswith("_article")}


# The queue ------------------------------------------------------------------------


def test_queue_opens_on_pending_comments_newest_first(moderator_client, make_jeanne_comment):
    older = make_jeanne_comment("Le plus ancien.")
    make_jeanne_comment("Déjà publié.", status=Status.APPROVED)
    make_jeanne_comment("Achetez des montres.", status=Status.SPAM)
    make_jeanne_comment("Hors sujet.", status=Status.REJECTED)
    newer = make_jeanne_comment("Le plus récent.")

    assert listed(moderator_client.get(changelist_url())) == [newer, older]


@pytest.mark.parametrize(
    ("statut", "expected"),
    [
        ("pending", ["Attend."]),
        ("approved", ["Publié."]),
        ("rejected", ["Rejeté."]),
        ("spam", ["Indésirable."]),
        ("tous", ["Indésirable.", "Rejeté.", "Publié.", "Attend."]),
        ("inconnu", []),
    ],
)
def test_queue_filters_by_status(moderator_client, make_jeanne_comment, statut, expected):
    make_jeanne_comment("Attend.")
    make_jeanne_comment("Publié.", status=Status.APPROVED)
    make_jeanne_comment("Rejeté.", status=Status.REJECTED)
    make_jeanne_comment("Indésirable.", status=Status.SPAM)

    response = moderator_client.get(changelist_url(statut=statut))

    assert [comment.body for comment in listed(response)] == expected


def test_queue_shows_what_a_moderator_needs_to_decide(moderator_client, make_comment, article):
    comment = make_comment(
        article,
        "Le parking reste un problème, surtout le samedi matin quand les producteurs arrivent.",
        author_name="Paul Henry",
        author_email="paul.henry@exemple.fr",
        ip_address="198.51.100.23",
    )
    html = moderator_client.get(changelist_url()).content.decode()

    assert "Le parking reste un problème" in html
    assert "Paul Henry" in html
    assert "paul.henry@exemple.fr" in html
    assert "198.51.100.23" in html
    assert "Le marché couvert de Metz rouvre" in html
    assert formats.localize(timezone.template_localtime(comment.created_at)) in html
    for action in ["approuver", "rejeter", "indesirable"]:
        assert moderate_url(comment, action) in html


def test_article_link_of_the_queue_opens_for_a_moderator(moderator_client, comment):
    html = moderator_client.get(changelist_url()).content.decode()
    href = re.search(r'<td class="field-article_link"><a href="([^"]+)"', html).group(1)

    assert moderator_client.get(href).status_code == 200


def test_queue_filters_by_article(moderator_client, make_jeanne_comment, make_article):
    other_article = make_article("La foire de Thionville")
    here = make_jeanne_comment("Sur le marché.")
    make_jeanne_comment("Sur la foire.", article=other_article)

    response = moderator_client.get(changelist_url(article__id__exact=here.article_id))

    assert listed(response) == [here]


@pytest.mark.parametrize("query", ["parking", "Henry", "paul.henry@exemple", "PAUL.HENRY"])
def test_queue_search_by_text_name_and_email(moderator_client, make_comment, article, query):
    wanted = make_comment(
        article, "Le parking est trop petit.", author_name="Paul Henry", author_email="paul.henry@exemple.fr"
    )
    make_comment(article, "Rien à signaler.", author_name="Anne Roy", author_email="anne.roy@exemple.fr")

    assert listed(moderator_client.get(changelist_url(q=query))) == [wanted]


# One-click moderation ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "status"), [("approuver", Status.APPROVED), ("rejeter", Status.REJECTED), ("indesirable", Status.SPAM)]
)
def test_one_click_moderation_records_who_and_when(moderator_client, moderator, comment, action, status):
    response = moderator_client.post(moderate_url(comment, action))

    assert response.status_code == 302
    assert response["Location"] == changelist_url()
    assert_moderated(comment, status, by=moderator)


def test_one_click_moderation_returns_to_the_page_it_came_from(moderator_client, comment):
    back = "http://testserver" + changelist_url(statut="tous")
    response = moderator_client.post(moderate_url(comment, "rejeter"), HTTP_REFERER=back)
    assert response["Location"] == back

    response = moderator_client.post(moderate_url(comment, "approuver"), HTTP_REFERER="https://ailleurs.example/")
    assert response["Location"] == changelist_url()


def test_one_click_moderation_needs_a_post(moderator_client, comment):
    assert moderator_client.get(moderate_url(comment, "approuver")).status_code == 405
    comment.refresh_from_db()
    assert comment.status == Status.PENDING


def test_unknown_moderation_action_or_comment_is_refused_cleanly(moderator_client, comment):
    assert moderator_client.post(moderate_url(comment, "supprimer")).status_code in {403, 404}
    missing = Comment(pk=comment.pk + 1000)
    assert moderator_client.post(moderate_url(missing, "approuver")).status_code == 404
    comment.refresh_from_db()
    assert comment.status == Status.PENDING


def test_public_count_follows_one_click_decisions(moderator_client, client, comment, make_jeanne_comment, article):
    second = make_jeanne_comment("Bravo à la mairie.")

    moderator_client.post(moderate_url(comment, "approuver"))
    moderator_client.post(moderate_url(second, "approuver"))
    article.refresh_from_db()
    assert article.comment_count == 2
    assert public_count(client, article) == "2 commentaires"

    moderator_client.post(moderate_url(second, "rejeter"))
    article.refresh_from_db()
    assert article.comment_count == 1
    assert public_count(client, article) == "1 commentaire"


def test_no_comment_yet_reads_in_the_french_singular(client, comment, article):
    assert public_count(client, article) in {"0 commentaire", "Aucun commentaire"}


@pytest.mark.parametrize(
    ("action", "status"),
    [("approve_selected", Status.APPROVED), ("reject_selected", Status.REJECTED), ("mark_spam_selected", Status.SPAM)],
)
def test_bulk_moderation_records_who_and_when(moderator_client, moderator, make_jeanne_comment, action, status):
    chosen = [make_jeanne_comment("Premier."), make_jeanne_comment("Second.")]
    untouched = make_jeanne_comment("Pas sélectionné.")

    response = moderator_client.post(changelist_url(), action_post(action, *chosen))

    assert response.status_code == 302
    for comment in chosen:
        assert_moderated(comment, status, by=moderator)
    untouched.refresh_from_db()
    assert untouched.status == Status.PENDING
    assert untouched.moderated_at is None


def test_bulk_actions_are_offered_to_moderators(moderator_client, comment):
    html = moderator_client.get(changelist_url()).content.decode()
    for action in ["approve_selected", "reject_selected", "mark_spam_selected", "delete_selected"]:
        assert f'value="{action}"' in html


def test_public_count_follows_bulk_approval_rejection_and_deletion(
    moderator_client, client, make_jeanne_comment, article
):
    first, second, third = make_jeanne_comment("Un."), make_jeanne_comment("Deux."), make_jeanne_comment("Trois.")

    moderator_client.post(changelist_url(), action_post("approve_selected", first, second, third))
    article.refresh_from_db()
    assert article.comment_count == 3
    assert public_count(client, article) == "3 commentaires"

    moderator_client.post(changelist_url(statut="approved"), action_post("reject_selected", third))
    article.refresh_from_db()
    assert article.comment_count == 2

    # Deleting asks for a confirmation first, and deletes nothing until then.
    confirmation = moderator_client.post(changelist_url(statut="approved"), action_post("delete_selected", second))
    assert confirmation.status_code == 200
    assert Comment.objects.filter(pk=second.pk).exists()

    response = moderator_client.post(
        changelist_url(statut="approved"), action_post("delete_selected", second, post="yes")
    )
    assert response.status_code == 302
    assert not Comment.objects.filter(pk=second.pk).exists()
    article.refresh_from_db()
    assert article.comment_count == 1
    assert public_count(client, article) == "1 commentaire"


def test_deleting_one_comment_from_its_page_updates_the_count(moderator_client, make_jeanne_comment, article):
    comment = make_jeanne_comment(status=Status.APPROVED)
    make_jeanne_comment("Un autre.", status=Status.APPROVED)
    refresh_comment_count(article.pk)
    article.refresh_from_db()
    assert article.comment_count == 2

    url = reverse("admin:comments_comment_delete", args=[comment.pk])
    assert moderator_client.post(url, {"post": "yes"}).status_code == 302

    article.refresh_from_db()
    assert article.comment_count == 1


def test_status_change_on_the_comment_form_records_who_and_when(moderator_client, moderator, comment, article):
    response = moderator_client.post(change_url(comment), {"status": Status.APPROVED, "_save": "Enregistrer"})

    assert response.status_code == 302
    assert_moderated(comment, Status.APPROVED, by=moderator)
    article.refresh_from_db()
    assert article.comment_count == 1


def test_comment_form_only_lets_the_status_change(moderator_client, comment):
    moderator_client.post(
        change_url(comment),
        {"status": Status.PENDING, "body": "Texte réécrit.", "author_email": "pirate@exemple.fr", "_save": "1"},
    )
    comment.refresh_from_db()
    assert comment.body == "Enfin un marché digne de ce nom !"
    assert comment.author_email == READER_EMAIL


# The admin's front page -----------------------------------------------------------------


def test_front_page_tells_moderators_how_many_comments_wait(moderator_client, make_jeanne_comment):
    make_jeanne_comment("Un.")
    make_jeanne_comment("Deux.")
    make_jeanne_comment("Publicité.", status=Status.SPAM)
    make_jeanne_comment("Publié.", status=Status.APPROVED)
    make_jeanne_comment("", status=Status.PENDING, erased_at=timezone.now())

    html = moderator_client.get(reverse("admin:index")).content.decode()

    assert "2 commentaires en attente de modération" in html


def test_front_page_says_one_comment_in_the_singular(moderator_client, comment):
    html = moderator_client.get(reverse("admin:index")).content.decode()
    assert "1 commentaire en attente de modération" in html


def test_front_page_says_nothing_of_comments_to_journalists(journalist_client, comment):
    html = journalist_client.get(reverse("admin:index")).content.decode()
    assert "en attente de modération" not in html


# Telling the moderators ---------------------------------------------------------------------


def test_a_posted_comment_is_announced_to_moderators_by_email(client, make_user, article, mailoutbox, settings):
    make_user("modo", groups=["Modérateurs"], email="modo@redaction.example")
    make_user("cheffe", is_superuser=True, email="cheffe@redaction.example")
    make_user("modo-sans-adresse", groups=["Modérateurs"])
    make_user("modo-parti", groups=["Modérateurs"], email="parti@redaction.example", is_active=False)
    make_user("plume", groups=["Journalistes"], email="plume@redaction.example")

    response = post_comment(client, article, name="Jeanne", email=READER_EMAIL, body="Quand rouvre le parking ?")

    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.status == Status.PENDING
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert sorted(message.to) == ["cheffe@redaction.example", "modo@redaction.example"]
    assert "Le marché couvert de Metz rouvre" in message.subject
    assert "Quand rouvre le parking ?" in message.body
    assert f"{settings.SITE_URL}{change_url(comment)}" in message.body


def test_links_in_the_moderators_mail_never_come_from_the_host_header(make_user, article, mailoutbox, settings):
    # An allowed name with a port the reader chose: the mail names the configured site instead.
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    make_user("modo", groups=["Modérateurs"], email="modo@redaction.example")

    response = post_comment(Client(HTTP_HOST="localhost:6666"), article, body="Quand rouvre le parking ?")

    assert response.status_code == 302
    (message,) = mailoutbox
    assert "6666" not in message.body
    assert f"{settings.SITE_URL}/admin/comments/comment/" in message.body


def test_a_commenter_name_with_line_breaks_is_one_line_in_the_mail(client, make_user, article, mailoutbox):
    make_user("modo", groups=["Modérateurs"], email="modo@redaction.example")
    forged = "Jeanne\n\nModérer : https://pirate.example/admin/\nX"

    assert post_comment(client, article, name=forged, body="Bonjour.").status_code == 302

    (message,) = mailoutbox
    first_line = message.body.splitlines()[0]
    assert first_line.startswith("Jeanne Modérer : https://pirate.example/admin/ X <")
    assert not any(line.startswith("Modérer : https://pirate") for line in message.body.splitlines())


def test_spam_is_not_announced(client, make_user, article, mailoutbox):
    make_user("modo", groups=["Modérateurs"], email="modo@redaction.example")
    BlockedTerm.objects.create(term="casino")

    post_comment(client, article, name="Jeanne", email=READER_EMAIL, body="Le meilleur casino en ligne.")

    assert Comment.objects.get().status == Status.SPAM
    assert mailoutbox == []
