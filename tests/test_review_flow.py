"""From the journalist's draft to the page: submit, send back with a remark, publish or schedule.

Through the admin's buttons, as the desk uses them, with the emails that follow each step (asked
for in the step's transaction, delivered by the task worker: ``mailoutbox`` runs it) and the
editors' queue on the admin's front page.
"""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from admin_pages import (
    action_post,
    article_change_data,
    article_form_data,
    change_url,
    changelist_url,
    field_row,
    form_errors,
)
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.admin_workflow import desk_date
from articles.models import Article, ArticleRevision

pytestmark = pytest.mark.django_db

Action = ArticleRevision.Action
# The desk's clock in the tests that type a date into the form. A date typed from the real now would
# one day fall in the hour that happens twice when the clocks go back, which the form refuses as ambiguous.
DESK_NOW = datetime(2026, 11, 30, 10, 42, tzinfo=ZoneInfo("Europe/Paris"))


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def buttons(html) -> dict[str, str]:
    """The form's submit buttons, by name: what the person can do from here."""
    return {name: value for value, name in re.findall(r'<input type="submit" value="([^"]*)"[^>]*name="([^"]+)"', html)}


def local_form_date(moment):
    local = timezone.localtime(moment)
    return {"published_at_0": local.strftime("%d/%m/%Y"), "published_at_1": local.strftime("%H:%M:%S")}


@pytest.fixture
def camille(make_user):
    return make_user("camille", groups=["Journalistes"], first_name="Camille", last_name="Royer", email="c@example.org")


@pytest.fixture
def marie(make_user):
    return make_user("marie", groups=["Rédaction en chef"], first_name="Marie", last_name="Lhuillier", email="m@x.org")


@pytest.fixture
def desk_now(time_machine):
    """Now, pinned at DESK_NOW; request it first, so that the other fixtures are made at that time too."""
    time_machine.move_to(DESK_NOW, tick=False)
    return DESK_NOW


@pytest.fixture
def newsroom(make_user, camille, marie):
    """Camille writes, Marie and Paul publish; Paul's former colleague and the moderator never get the desk's mail."""
    make_user("paul", groups=["Rédaction en chef"], first_name="Paul", last_name="Adam", email="p@example.org")
    make_user("sans-adresse", groups=["Rédaction en chef"])
    make_user("parti", groups=["Rédaction en chef"], email="parti@example.org", is_active=False)
    make_user("moderatrice", groups=["Modérateurs"], email="moderation@example.org")
    return camille, marie


@pytest.fixture
def submitted(make_article, camille):
    return make_article(
        "Le port de Metz s’agrandit", status=Article.Status.SUBMITTED, published_at=None, authors=[camille]
    )


# Submitting ---------------------------------------------------------------------------------------


def test_submit_puts_the_article_on_the_editors_index_and_emails_them(
    newsroom, make_article, mailoutbox, django_capture_on_commit_callbacks
):
    camille, marie = newsroom
    article = make_article(
        "Le port de Metz s’agrandit", status=Article.Status.DRAFT, published_at=None, authors=[camille]
    )
    editor_index = client_of(marie).get(reverse("admin:index")).content.decode()
    assert "Aucun article à relire" in editor_index

    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(camille).post(change_url(article), article_change_data(article, _submit=True))

    assert response.status_code == 302, form_errors(response)
    article.refresh_from_db()
    assert article.status == Article.Status.SUBMITTED
    assert article.revisions.first().action == Action.SUBMITTED

    editor_index = client_of(marie).get(reverse("admin:index")).content.decode()
    queue = f'{changelist_url()}?status__exact=submitted">1 article à relire</a>'
    assert queue in editor_index
    assert "à relire" not in client_of(camille).get(reverse("admin:index")).content.decode()
    listed = client_of(marie).get(f"{changelist_url()}?status__exact=submitted").context["cl"].result_list
    assert list(listed) == [article]

    (mail,) = mailoutbox
    # Every active editor with an address, not the moderator, not the journalist who submitted.
    assert sorted(mail.to) == ["m@x.org", "p@example.org"]
    assert mail.subject == f"[{settings.SITE_NAME}] À relire : « Le port de Metz s’agrandit »"
    assert "Camille Royer a soumis « Le port de Metz s’agrandit » à la rédaction en chef." in mail.body
    assert settings.SITE_URL + change_url(article) in mail.body


def test_a_journalist_submits_a_new_article_in_one_step(camille, section, client, mailoutbox):
    client.force_login(camille)
    response = client.post(reverse("admin:articles_article_add"), article_form_data(section, _submit=True))

    assert response.status_code == 302, form_errors(response)
    article = Article.objects.get()
    assert (article.status, list(article.authors.all())) == (Article.Status.SUBMITTED, [camille])
    messages = [str(message) for message in client.get(response["Location"]).context["messages"]]
    assert "« Le port de Metz s’agrandit » est soumis à la rédaction en chef." in messages


def test_a_step_rolled_back_sends_no_mail(newsroom, make_article, mailoutbox):
    camille, _marie = newsroom
    article = make_article(status=Article.Status.DRAFT, published_at=None, authors=[camille])
    mailoutbox.clear()
    with pytest.raises(RuntimeError), transaction.atomic():
        article.submit_for_review(by=camille)
        raise RuntimeError("the step fails after its version was written")
    assert mailoutbox == []  # the mail was asked for in the step's transaction, and went with it

    article.refresh_from_db()
    article.submit_for_review(by=camille)
    assert len(mailoutbox) == 1


def test_send_back_with_a_remark_reaches_the_journalist(
    newsroom, submitted, mailoutbox, django_capture_on_commit_callbacks
):
    camille, marie = newsroom
    remark = "Le chiffre de 2027 est à vérifier.\nEt le titre est trop long."
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(marie).post(
            change_url(submitted), article_change_data(submitted, _send_back=True, review_remark=remark)
        )

    assert response.status_code == 302, form_errors(response)
    submitted.refresh_from_db()
    assert submitted.status == Article.Status.DRAFT
    version = submitted.revisions.first()
    assert (version.action, version.remark, version.created_by) == (Action.SENT_BACK, remark, marie)

    (mail,) = mailoutbox
    assert mail.to == ["c@example.org"]
    assert mail.subject == f"[{settings.SITE_NAME}] « Le port de Metz s’agrandit » vous est renvoyé"
    assert "Marie Lhuillier vous renvoie « Le port de Metz s’agrandit » avec cette remarque :" in mail.body
    assert remark in mail.body
    assert settings.SITE_URL + change_url(submitted) in mail.body

    # The journalist finds the remark at the top of the article's form, and the article on the index.
    journalist = client_of(camille)
    html = journalist.get(change_url(submitted)).content.decode()
    notice = field_row(html, "review_notice")
    assert "Marie Lhuillier vous a renvoyé l’article le" in notice
    assert "Le chiffre de 2027 est à vérifier.<br>Et le titre est trop long." in notice
    assert html.index("field-review_notice") < html.index("field-title")
    assert (
        "1 article vous a été renvoyé par la rédaction en chef"
        in journalist.get(reverse("admin:index")).content.decode()
    )

    # Submitted again, the remark has been dealt with: it leaves the form.
    response = journalist.post(change_url(submitted), article_change_data(submitted, _submit=True))
    assert response.status_code == 302, form_errors(response)
    assert "field-review_notice" not in journalist.get(change_url(submitted)).content.decode()


def test_sending_back_needs_a_remark(newsroom, submitted, mailoutbox, django_capture_on_commit_callbacks):
    _camille, marie = newsroom
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(marie).post(
            change_url(submitted),
            article_change_data(submitted, title="Titre revu", _send_back=True, review_remark=" "),
        )

    assert response.status_code == 200
    html = response.content.decode()
    assert "la remarque est obligatoire" in field_row(html, "review_remark")
    assert 'value="Titre revu"' in field_row(html, "title")
    submitted.refresh_from_db()
    assert submitted.status == Article.Status.SUBMITTED
    assert mailoutbox == []


# Publishing and scheduling ------------------------------------------------------------------------


def test_publish_emails_the_authors_but_not_the_editor_who_publishes(
    newsroom, submitted, mailoutbox, django_capture_on_commit_callbacks
):
    camille, marie = newsroom
    submitted.authors.add(marie)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(marie).post(change_url(submitted), article_change_data(submitted, _publish=True))

    assert response.status_code == 302, form_errors(response)
    submitted.refresh_from_db()
    assert submitted.is_visible
    assert submitted.revisions.first().action == Action.PUBLISHED
    (mail,) = mailoutbox
    assert mail.to == ["c@example.org"]
    assert mail.subject == f"[{settings.SITE_NAME}] « Le port de Metz s’agrandit » est publié"
    assert settings.SITE_URL + submitted.get_absolute_url() in mail.body


def test_schedule_publishes_at_the_chosen_time(
    desk_now, newsroom, submitted, mailoutbox, django_capture_on_commit_callbacks
):
    _camille, marie = newsroom
    when = desk_now + timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(marie).post(
            change_url(submitted), article_change_data(submitted, _schedule=True, **local_form_date(when))
        )

    assert response.status_code == 302, form_errors(response)
    submitted.refresh_from_db()
    assert submitted.is_scheduled and submitted.published_at == when
    assert submitted.revisions.first().action == Action.SCHEDULED
    (mail,) = mailoutbox
    assert "« Le port de Metz s’agrandit » est programmé" in mail.subject

    editor = client_of(marie)
    html = editor.get(change_url(submitted)).content.decode()
    assert f"Programmé le {desk_date(when)}" in field_row(html, "workflow_status")
    listing = editor.get(changelist_url()).content.decode()
    assert f'<td class="field-status_column">Programmé ({desk_date(when)})</td>' in listing


@pytest.mark.parametrize(
    ("date", "error"),
    [
        (None, "Indiquez la date et l’heure de publication pour programmer l’article."),
        (timedelta(hours=-2), "Cette date est passée : choisissez une date à venir, ou publiez l’article maintenant."),
    ],
    ids=["missing", "past"],
)
def test_scheduling_needs_a_date_to_come(desk_now, newsroom, submitted, mailoutbox, date, error):
    _camille, marie = newsroom
    dates = local_form_date(desk_now + date) if date else {}
    response = client_of(marie).post(
        change_url(submitted), article_change_data(submitted, title="Titre gardé", _schedule=True, **dates)
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert error in field_row(html, "published_at")
    assert 'value="Titre gardé"' in field_row(html, "title")
    submitted.refresh_from_db()
    assert submitted.status == Article.Status.SUBMITTED


def test_publishing_with_a_date_to_come_asks_to_schedule(desk_now, newsroom, submitted):
    _camille, marie = newsroom
    dates = local_form_date(desk_now + timedelta(days=1))
    response = client_of(marie).post(change_url(submitted), article_change_data(submitted, _publish=True, **dates))

    assert response.status_code == 200
    assert "Cette date est à venir : cliquez sur « Programmer »" in field_row(response.content.decode(), "published_at")
    submitted.refresh_from_db()
    assert submitted.status == Article.Status.SUBMITTED


def test_unpublish_sends_no_email(newsroom, make_article, mailoutbox, django_capture_on_commit_callbacks):
    camille, marie = newsroom
    article = make_article(authors=[camille])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(marie).post(change_url(article), article_change_data(article, _unpublish=True))

    assert response.status_code == 302, form_errors(response)
    article.refresh_from_db()
    assert article.status == Article.Status.UNPUBLISHED
    assert article.revisions.first().action == Action.UNPUBLISHED
    assert mailoutbox == []


def test_publishing_from_the_list_emails_each_article_authors(
    newsroom, submitted, mailoutbox, django_capture_on_commit_callbacks
):
    _camille, marie = newsroom
    with django_capture_on_commit_callbacks(execute=True):
        client_of(marie).post(changelist_url(), action_post("publish_selected", submitted))

    submitted.refresh_from_db()
    assert submitted.is_visible
    assert [mail.to for mail in mailoutbox] == [["c@example.org"]]


# The buttons each person gets -------------------------------------------------------------------


def test_a_journalist_saves_or_submits_and_sees_the_status_read_only(camille, make_article):
    article = make_article(status=Article.Status.DRAFT, published_at=None, authors=[camille])
    html = client_of(camille).get(change_url(article)).content.decode()

    assert set(buttons(html)) == {"_save", "_submit", "_preview", "_continue"}
    assert buttons(html)["_submit"] == "Soumettre à la rédaction en chef"
    assert buttons(html)["_save"] == "Enregistrer"
    assert 'name="status"' not in html
    assert "Brouillon" in field_row(html, "workflow_status")
    assert "review_remark" not in html
    # Enter in a field submits with the first button: it must be « Enregistrer ».
    assert re.search(r'<input type="submit"[^>]*name="([^"]+)"', html).group(1) == "_save"


@pytest.mark.parametrize(
    ("status", "offered"),
    [
        (Article.Status.DRAFT, {"_publish", "_schedule"}),
        (Article.Status.SUBMITTED, {"_publish", "_schedule", "_send_back"}),
        (Article.Status.PUBLISHED, {"_unpublish"}),
        (Article.Status.UNPUBLISHED, {"_publish", "_schedule"}),
    ],
)
def test_an_editor_gets_the_steps_that_apply(marie, make_article, status, offered):
    published_at = "default" if status in {Article.Status.PUBLISHED, Article.Status.UNPUBLISHED} else None
    article = make_article(status=status, published_at=published_at)
    html = client_of(marie).get(change_url(article)).content.decode()

    assert set(buttons(html)) == {"_save", "_preview", "_continue", *offered}
    assert ("review_remark" in html) is ("_send_back" in offered)


def test_a_step_that_no_longer_applies_is_refused_in_french(marie, make_article):
    article = make_article(status=Article.Status.DRAFT, published_at=None)
    response = client_of(marie).post(change_url(article), article_change_data(article, _unpublish=True))

    assert response.status_code == 200
    (error,) = response.context["adminform"].form.non_field_errors()
    assert error == "« Dépublier » ne s’applique pas à un article au statut « Brouillon »."
