"""The editors' rules live in the model: every writer that says who it is (``save(by=user)``) meets them.

The admin hides « Statut », « À la une » and the date of a public article from journalists;
these tests write around the admin, as a script, an importer or a forged form would.
"""

from datetime import UTC, datetime, timedelta

import pytest
from admin_pages import article_change_data
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from articles import proposals
from articles.models import Article, ArticleRevision

# The moment the scheduling tests stand at.
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("status", [Article.Status.PUBLISHED, Article.Status.UNPUBLISHED])
def test_a_journalist_cannot_save_an_editor_status(make_article, journalist, status):
    article = make_article(status=Article.Status.DRAFT)
    article.status = status
    with pytest.raises(PermissionDenied, match="rédaction en chef"):
        article.save(by=journalist)
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_a_journalist_cannot_create_a_published_article(section, journalist):
    article = Article(title="Forcé", slug="force", section=section, standfirst="…", status=Article.Status.PUBLISHED)
    with pytest.raises(PermissionDenied):
        article.save(by=journalist)
    assert not Article.objects.filter(slug="force").exists()


def test_a_journalist_may_submit_and_edit_a_draft(make_article, journalist):
    article = make_article(status=Article.Status.DRAFT)
    article.title = "Nouveau titre"
    article.submit_for_review(by=journalist)
    article.refresh_from_db()
    assert (article.title, article.status) == ("Nouveau titre", Article.Status.SUBMITTED)


@pytest.mark.parametrize("remark", ["", "  \n "])
def test_sending_back_needs_a_remark(make_article, editor, remark):
    article = make_article(status=Article.Status.SUBMITTED)
    with pytest.raises(ValidationError) as refused:
        article.send_back(by=editor, remark=remark)
    assert refused.value.message_dict == {
        "remark": ["Dites au journaliste ce qu’il faut reprendre : la remarque est obligatoire."]
    }
    article.refresh_from_db()
    assert article.status == Article.Status.SUBMITTED
    assert not ArticleRevision.objects.filter(article=article).exists()


def test_sending_back_leaves_a_draft_and_a_version_with_the_remark(make_article, editor):
    article = make_article(status=Article.Status.SUBMITTED)
    version = article.send_back(by=editor, remark="  Sourcez le chiffre du deuxième paragraphe.\n")
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert (version.action, version.remark, version.created_by) == (
        ArticleRevision.Action.SENT_BACK,
        "Sourcez le chiffre du deuxième paragraphe.",
        editor,
    )
    assert version == ArticleRevision.objects.latest_applied(article)


def test_only_editors_send_back_and_only_a_submitted_article(make_article, journalist, editor):
    submitted = make_article(status=Article.Status.SUBMITTED)
    with pytest.raises(PermissionDenied, match="rédaction en chef"):
        submitted.send_back(by=journalist, remark="À reprendre.")
    draft = make_article(status=Article.Status.DRAFT)
    with pytest.raises(ValidationError, match="Seul un article soumis"):
        draft.send_back(by=editor, remark="À reprendre.")
    assert Article.objects.get(pk=submitted.pk).status == Article.Status.SUBMITTED
    assert not ArticleRevision.objects.exists()


@pytest.mark.parametrize(
    ("hours", "error"),
    [
        (None, "Indiquez la date et l’heure de publication pour programmer l’article."),
        (-2, "Cette date est passée : choisissez une date à venir, ou publiez l’article maintenant."),
    ],
    ids=["missing", "past"],
)
def test_scheduling_needs_a_date_to_come(time_machine, make_article, editor, hours, error):
    time_machine.move_to(NOW, tick=False)
    article = make_article(status=Article.Status.SUBMITTED)
    with pytest.raises(ValidationError) as refused:
        article.schedule(by=editor, at=None if hours is None else NOW + timedelta(hours=hours))
    assert refused.value.message_dict == {"published_at": [error]}
    article.refresh_from_db()
    assert (article.status, article.published_at) == (Article.Status.SUBMITTED, None)


def test_scheduling_publishes_at_the_date_and_says_so(time_machine, make_article, editor):
    time_machine.move_to(NOW, tick=False)
    article = make_article(status=Article.Status.SUBMITTED)
    version = article.schedule(by=editor, at=NOW + timedelta(days=1))
    article.refresh_from_db()
    assert (article.status, article.published_at, article.is_scheduled) == (
        Article.Status.PUBLISHED,
        NOW + timedelta(days=1),
        True,
    )
    assert version.action == ArticleRevision.Action.SCHEDULED


@pytest.mark.parametrize("featured_before", [False, True])
def test_only_editors_feature_an_article(make_article, journalist, editor, featured_before):
    # Unpublished: the one public status a journalist may still edit (a published one, not at all).
    article = make_article(status=Article.Status.UNPUBLISHED, is_featured=featured_before)
    article.is_featured = not featured_before
    with pytest.raises(PermissionDenied, match="à la une"):
        article.save(by=journalist)
    article.refresh_from_db()
    assert article.is_featured is featured_before

    article.is_featured = not featured_before
    article.save(by=editor)
    article.refresh_from_db()
    assert article.is_featured is not featured_before


def test_only_editors_change_the_date_of_a_public_article(make_article, journalist, editor):
    article = make_article(status=Article.Status.UNPUBLISHED, published_at=timezone.now() - timedelta(days=2))
    published_at = article.published_at
    article.published_at = published_at - timedelta(days=30)
    with pytest.raises(PermissionDenied, match="date"):
        article.save(by=journalist)
    article.refresh_from_db()
    assert article.published_at == published_at

    article.published_at = published_at - timedelta(days=30)
    article.save(by=editor)
    article.refresh_from_db()
    assert article.published_at == published_at - timedelta(days=30)


def test_a_journalist_may_date_a_draft(make_article, journalist):
    article = make_article(status=Article.Status.DRAFT, published_at=None)
    article.published_at = timezone.now() + timedelta(days=2)
    article.save(by=journalist)
    article.refresh_from_db()
    assert article.published_at is not None


@pytest.mark.parametrize("scheduled", [False, True])
def test_a_journalist_cannot_save_a_published_article_at_all(make_article, journalist, editor, scheduled):
    # Their changes go through a proposal an editor publishes (tests/test_proposals.py).
    when = timezone.now() + timedelta(days=2) if scheduled else timezone.now() - timedelta(hours=1)
    article = make_article("Titre publié", status=Article.Status.PUBLISHED, published_at=when)
    article.title = "Titre corrigé"
    with pytest.raises(PermissionDenied, match="proposées à la rédaction en chef"):
        article.save(by=journalist)
    article.refresh_from_db()
    assert article.title == "Titre publié"

    article.title = "Titre corrigé"
    article.save(by=editor)
    article.refresh_from_db()
    assert article.title == "Titre corrigé"


def test_a_journalist_edits_an_unpublished_article_without_touching_the_rest(make_article, journalist):
    article = make_article(status=Article.Status.UNPUBLISHED, is_featured=True)
    article.title = "Titre corrigé"
    article.save(by=journalist)
    article.refresh_from_db()
    assert (article.title, article.is_featured) == ("Titre corrigé", True)


def test_system_writes_need_no_person(section):
    # Migrations, fixtures and the demo loader write as the system itself.
    article = Article.objects.create(
        title="Système", slug="systeme", section=section, standfirst="…", status=Article.Status.PUBLISHED
    )
    assert article.published_at is not None


def test_a_forged_admin_post_cannot_feature_or_redate(journalist_client, editor, make_article):
    article = make_article("Titre publié", status=Article.Status.PUBLISHED, is_featured=False)
    published_at = article.published_at
    data = article_change_data(
        article, title="Titre corrigé", is_featured=True, published_at_0="01/01/2020", published_at_1="08:00:00"
    )

    response = journalist_client.post(reverse("admin:articles_article_change", args=[article.pk]), data)

    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.title, article.is_featured, article.published_at) == ("Titre publié", False, published_at)
    # Held as a proposal; once an editor publishes it, the title changes and nothing else does.
    proposal = ArticleRevision.objects.pending_proposal(article)
    proposals.publish(article, proposal, editor)
    article.refresh_from_db()
    assert (article.title, article.is_featured, article.published_at) == ("Titre corrigé", False, published_at)
