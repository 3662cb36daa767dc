"""A journalist's changes to a published article wait for an editor (articles/proposals.py).

Through the admin as the desk uses it, and through forged POSTs: readers never see a
journalist's change before an editor publishes it — the article's text and relations, the
people it names, the images it shows, the places of the région.
"""

from datetime import timedelta

import pytest
from admin_pages import change_url, form_errors, opened_form
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import proposals
from articles.models import Article, ArticleRevision, ArticleSlugRedirect, Territory

pytestmark = pytest.mark.django_db

Action = ArticleRevision.Action
BODY = "<p>Le port de Metz accueille ses premiers conteneurs.</p>"
NEW_BODY = BODY + "<h2>Un chantier de deux ans</h2><p>Les travaux dureront jusqu’en 2028.</p>"


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def proposal_url(article) -> str:
    return reverse("admin:articles_article_proposal", args=[article.pk])


@pytest.fixture
def julie(make_user):
    return make_user("julie", groups=["Journalistes"], first_name="Julie", last_name="Royer", email="julie@example.org")


@pytest.fixture
def marc(make_user):
    return make_user("marc", groups=["Rédaction en chef"], first_name="Marc", last_name="Lhuillier", email="m@x.org")


@pytest.fixture
def published(make_article, make_territory, make_personality, julie):
    article = make_article(
        "Le port de Metz s’agrandit",
        slug="le-port-de-metz-sagrandit",
        body=BODY,
        territories=[make_territory("Metz")],
        personalities=[make_personality("Claire Vasseur")],
    )
    article.authors.add(julie)
    article.tags.add("Transport")
    ArticleRevision.objects.record(article, None, Action.PUBLISHED)
    return article


def propose(client, article, **changes):
    response = client.post(change_url(article), opened_form(client, article, **changes))
    assert response.status_code == 302, form_errors(response)
    return response


# The journalist's side ------------------------------------------------------------------------------


def test_a_journalists_save_of_a_published_article_is_held_for_the_editors(
    published, julie, marc, client, make_territory, make_personality, mailoutbox, django_capture_on_commit_callbacks
):
    nancy, minister = make_territory("Nancy"), make_personality("Gabriel Ministre")
    julie_client = client_of(julie)
    mailoutbox.clear()  # the mail of the fixtures' own steps (the article's publication)
    with django_capture_on_commit_callbacks(execute=True):
        response = propose(
            julie_client,
            published,
            title="Le port de Metz double sa surface",
            slug="le-port-de-metz-double",
            body=NEW_BODY,
            tags="Transport, Logistique",
            territories=[nancy.pk],
            personalities=[minister.pk],
        )

    # Nothing readers see has changed: text, address, tags, places, people.
    published.refresh_from_db()
    assert (published.title, published.slug, published.body) == (
        "Le port de Metz s’agrandit",
        "le-port-de-metz-sagrandit",
        BODY,
    )
    assert [t.name for t in published.tags.all()] == ["Transport"]
    assert [t.name for t in published.territories.all()] == ["Metz"]
    assert [p.name for p in published.personalities.all()] == ["Claire Vasseur"]
    page = client.get(published.get_absolute_url()).content.decode()
    assert "Le port de Metz s’agrandit" in page and "Un chantier de deux ans" not in page
    assert client.get("/article/le-port-de-metz-double/").status_code == 404

    proposal = ArticleRevision.objects.pending_proposal(published)
    assert proposal.action == Action.PROPOSED and proposal.created_by == julie
    assert proposal.content["title"] == "Le port de Metz double sa surface"
    assert {"title", "slug", "body", "tags", "territories", "personalities"} <= set(proposal.changed_fields)
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("attendent la rédaction en chef" in m for m in messages)

    # The editors hear of it, with the link to decide.
    (mail,) = mailoutbox
    assert mail.to == ["m@x.org"] and "Modifications à relire" in mail.subject
    assert proposal_url(published) in mail.body

    # Reopened, the form goes on from the proposal, and says where it stands.
    reopened = julie_client.get(change_url(published))
    form = reopened.context["adminform"].form
    assert form.initial["title"] == "Le port de Metz double sa surface"
    assert form.initial["territories"] == [nancy.pk]
    html = reopened.content.decode()
    assert "Ce formulaire reprend les modifications que vous avez proposées le" in html
    assert 'value="Proposer les modifications"' in html and 'name="_publish"' not in html


def test_a_second_save_replaces_the_proposal_and_builds_on_it(published, julie, marc):
    julie_client = client_of(julie)
    propose(julie_client, published, title="Premier jet")
    shown = julie_client.get(change_url(published)).context["adminform"].form.initial
    assert shown["title"] == "Premier jet"  # the form goes on from the proposal: she saves it as shown
    propose(julie_client, published, title=shown["title"], standfirst="Un chapeau revu.")
    proposal = ArticleRevision.objects.pending_proposal(published)
    assert (proposal.content["title"], proposal.content["standfirst"]) == ("Premier jet", "Un chapeau revu.")
    assert ArticleRevision.objects.pending_proposals().count() == 1


def test_a_scheduled_article_is_held_too(make_article, julie):
    article = make_article(
        "Programmé", status=Article.Status.PUBLISHED, published_at=timezone.now() + timedelta(days=1)
    )
    propose(client_of(julie), article, title="Programmé, retouché")
    article.refresh_from_db()
    assert article.title == "Programmé"
    assert ArticleRevision.objects.pending_proposal(article).content["title"] == "Programmé, retouché"


@pytest.mark.parametrize("status", [Article.Status.DRAFT, Article.Status.SUBMITTED, Article.Status.UNPUBLISHED])
def test_what_readers_do_not_see_is_saved_directly(make_article, julie, status):
    article = make_article("Pas en ligne", status=status)
    propose(client_of(julie), article, title="Pas en ligne, retouché")
    article.refresh_from_db()
    assert article.title == "Pas en ligne, retouché"
    assert not ArticleRevision.objects.filter(article=article, action=Action.PROPOSED).exists()


def test_forged_posts_change_nothing_readers_see(published, julie, client):
    julie_client = client_of(julie)
    before = Article.objects.get(pk=published.pk)
    # A forged step, a forged status, a forged decision on the proposal page, a restore.
    for extra in ({"_publish": "Publier"}, {"_unpublish": "Dépublier"}, {"status": Article.Status.UNPUBLISHED}):
        julie_client.post(change_url(published), {**opened_form(julie_client, published, title="Forgé"), **extra})
    propose(julie_client, published, title="Proposé")
    assert julie_client.post(proposal_url(published), {"_publish_changes": "1"}).status_code == 403
    first = published.revisions.order_by("number").first()
    propose(julie_client, published, title="Encore")
    julie_client.post(reverse("admin:articles_article_restore", args=[published.pk, first.number]))

    published.refresh_from_db()
    assert (published.title, published.status, published.slug) == (before.title, before.status, before.slug)
    assert client.get(published.get_absolute_url()).status_code == 200
    # The restore became a proposal too, the page says so to the journalist without a decision to take.
    assert ArticleRevision.objects.pending_proposal(published).remark == f"Version {first.number} restaurée"
    page = julie_client.get(proposal_url(published)).content.decode()
    assert "Publier ces modifications" not in page and "La rédaction en chef décidera" in page


# The editor's side ----------------------------------------------------------------------------------


def test_an_editor_reads_what_would_change_then_publishes_it(
    published, julie, marc, client, mailoutbox, django_capture_on_commit_callbacks
):
    propose(
        client_of(julie),
        published,
        title="Le port de Metz double sa surface",
        slug="le-port-de-metz-double",
        body=NEW_BODY,
        tags="Transport, Logistique",
    )
    marc_client = client_of(marc)
    assert "1 article publié a des modifications à relire" in marc_client.get(reverse("admin:index")).content.decode()
    queue = marc_client.get(reverse("admin:articles_article_changelist") + "?modifications=en-attente")
    assert list(queue.context["cl"].result_list) == [published]
    form_page = marc_client.get(change_url(published)).content.decode()
    assert "Julie Royer a proposé des modifications" in form_page and proposal_url(published) in form_page

    page = marc_client.get(proposal_url(published)).content.decode()
    assert "<del>s’agrandit</del>" in page and "<ins>double</ins>" in page
    assert "Un chantier de deux ans" in page and "Logistique" in page

    mailoutbox.clear()  # the editors' notice of the proposal
    with django_capture_on_commit_callbacks(execute=True):
        response = marc_client.post(proposal_url(published), {"_publish_changes": "1"})
    assert response.status_code == 302

    published.refresh_from_db()
    assert (published.title, published.slug) == ("Le port de Metz double sa surface", "le-port-de-metz-double")
    assert sorted(t.name for t in published.tags.all()) == ["Logistique", "Transport"]
    reader_page = client.get(published.get_absolute_url()).content.decode()
    assert "Un chantier de deux ans" in reader_page
    assert ArticleSlugRedirect.objects.filter(old_slug="le-port-de-metz-sagrandit", article=published).exists()
    latest = published.revisions.first()
    assert (latest.action, latest.created_by) == (Action.CHANGES_PUBLISHED, marc)
    assert ArticleRevision.objects.pending_proposal(published) is None
    (mail,) = mailoutbox
    assert mail.to == ["julie@example.org"] and "sont publiées" in mail.subject


def test_refusing_needs_a_remark_which_the_journalist_receives(
    published, julie, marc, mailoutbox, django_capture_on_commit_callbacks
):
    propose(client_of(julie), published, title="Titre racoleur !")
    marc_client = client_of(marc)
    mailoutbox.clear()

    refused = marc_client.post(proposal_url(published), {"_refuse": "Refuser", "remark": "  "})
    assert refused.status_code == 200
    assert "Dites au journaliste pourquoi" in refused.content.decode()
    assert ArticleRevision.objects.pending_proposal(published) is not None

    with django_capture_on_commit_callbacks(execute=True):
        marc_client.post(proposal_url(published), {"_refuse": "Refuser", "remark": "Gardons un titre sobre."})
    published.refresh_from_db()
    assert published.title == "Le port de Metz s’agrandit"
    assert ArticleRevision.objects.pending_proposal(published) is None
    assert published.revisions.first().action == Action.CHANGES_REFUSED
    (mail,) = mailoutbox
    assert mail.to == ["julie@example.org"] and "Gardons un titre sobre." in mail.body
    # Her form is the published article again; her text stays in the history.
    assert client_of(julie).get(change_url(published)).context["adminform"].form.initial["title"] == published.title


def test_an_editors_change_made_meanwhile_is_kept(published, julie, marc):
    propose(client_of(julie), published, body=NEW_BODY)
    published.title = "Le port de Metz s’agrandit encore"
    published.save(by=marc)
    ArticleRevision.objects.record(published, marc)

    page = client_of(marc).get(proposal_url(published))
    assert "Titre" in page.context["kept_since"]
    client_of(marc).post(proposal_url(published), {"_publish_changes": "1"})
    published.refresh_from_db()
    assert (published.title, published.body) == ("Le port de Metz s’agrandit encore", NEW_BODY)


def test_a_decision_on_a_proposal_replaced_meanwhile_changes_nothing(published, julie, marc):
    julie_client = client_of(julie)
    propose(julie_client, published, title="Premier jet")
    shown = client_of(marc).get(proposal_url(published))
    assert shown.status_code == 200
    propose(julie_client, published, title="Second jet")
    # The editor's page still showed the first; ProposalGone is checked under the row's lock.
    with pytest.raises(proposals.ProposalGone):
        proposals.publish(published, shown.context["proposal"], marc)
    published.refresh_from_db()
    assert published.title == "Le port de Metz s’agrandit"


def test_unpublishing_closes_the_proposal(published, julie, marc):
    propose(client_of(julie), published, title="Proposé")
    published.unpublish(by=marc)
    assert ArticleRevision.objects.pending_proposal(published) is None
    assert client_of(julie).get(change_url(published)).context["adminform"].form.initial["title"] == published.title


def test_an_editors_form_opened_before_a_proposal_saves_without_conflict(published, julie, marc):
    marc_client = client_of(marc)
    opened = opened_form(marc_client, published, standfirst="Chapeau de l’éditeur.")
    propose(client_of(julie), published, title="Proposé")
    response = marc_client.post(change_url(published), opened)
    assert response.status_code == 302, form_errors(response)
    published.refresh_from_db()
    assert published.standfirst == "Chapeau de l’éditeur."
    assert ArticleRevision.objects.pending_proposal(published).content["title"] == "Proposé"


def test_two_journalists_proposing_from_the_same_version_one_is_told(published, julie, make_user):
    camille = make_user("camille", groups=["Journalistes"], first_name="Camille", last_name="Royer")
    julie_client, camille_client = client_of(julie), client_of(camille)
    camille_form = opened_form(camille_client, published, standfirst="Le chapeau de Camille.")
    propose(julie_client, published, title="Le titre de Julie")
    # Opened now, Camille's form goes on from Julie's proposal, and says whose it is.
    assert "les modifications proposées par Julie Royer" in camille_client.get(change_url(published)).content.decode()
    refused = camille_client.post(change_url(published), camille_form)
    assert refused.status_code == 200
    assert "Julie Royer a enregistré cet article" in refused.content.decode()
    assert ArticleRevision.objects.pending_proposal(published).content["title"] == "Le titre de Julie"


# People, places and images readers see ------------------------------------------------------------


def test_a_person_exists_for_readers_once_a_published_article_names_them(client, make_personality, make_article):
    person = make_personality("Jean Nouveau", role="Inconnu")
    assert client.get(person.get_absolute_url()).status_code == 404
    make_article(personalities=[person])
    assert client.get(person.get_absolute_url()).status_code == 200


def test_journalists_add_people_and_correct_them_until_an_article_is_published(
    julie, make_personality, make_article, client
):
    julie_client = client_of(julie)
    added = julie_client.post(
        reverse("admin:articles_personality_add"),
        {"name": "Jean Nouveau", "slug": "jean-nouveau", "role": "Maire", "bio": ""},
    )
    assert added.status_code == 302
    person = make_personality("Claire Vasseur", role="Ministre")
    url = reverse("admin:articles_personality_change", args=[person.pk])
    fixed = julie_client.post(
        url, {"name": "Claire Vasseur", "slug": person.slug, "role": "Ministre du Travail", "bio": ""}
    )
    assert fixed.status_code == 302

    make_article(personalities=[person])
    forged = julie_client.post(url, {"name": "Claire Vasseur", "slug": person.slug, "role": "Escroc", "bio": ""})
    assert forged.status_code == 403
    person.refresh_from_db()
    assert person.role == "Ministre du Travail"
    # Shown to her read-only, with no save button.
    assert 'name="_save"' not in julie_client.get(url).content.decode()


def test_places_are_the_editors(julie, marc, make_territory):
    metz = make_territory("Metz")
    julie_client = client_of(julie)
    data = {"name": "Metz-Ville", "slug": "metz", "kind": Territory.Kind.COMMUNE}
    assert julie_client.post(reverse("admin:articles_territory_change", args=[metz.pk]), data).status_code == 403
    assert julie_client.post(reverse("admin:articles_territory_add"), {**data, "slug": "x"}).status_code == 403
    metz.refresh_from_db()
    assert metz.name == "Metz" and Territory.objects.count() == 1
    assert client_of(marc).post(reverse("admin:articles_territory_change", args=[metz.pk]), data).status_code == 302


def test_an_image_a_published_article_shows_is_the_editors(julie, marc, make_image, make_article):
    shown, unused = make_image(alt_text="Les quais du port"), make_image(alt_text="Brouillon")
    make_article(main_image=shown)

    def edit(client, image, alt_text):
        data = {"alt_text": alt_text, "caption": "", "credit": ""}
        return client.post(reverse("admin:images_image_change", args=[image.pk]), data)

    julie_client = client_of(julie)
    assert edit(julie_client, shown, "Texte forgé").status_code == 403
    assert edit(julie_client, unused, "Les grues du port").status_code == 302
    shown.refresh_from_db()
    unused.refresh_from_db()
    assert (shown.alt_text, unused.alt_text) == ("Les quais du port", "Les grues du port")
    assert edit(client_of(marc), shown, "Les quais du port au matin").status_code == 302


def test_the_proposal_page_answers_a_missing_proposal_with_the_form(published, marc):
    response = client_of(marc).get(proposal_url(published))
    assert response.status_code == 302 and response.url == change_url(published)


def test_the_editors_queue_is_counted_in_few_queries(
    published, julie, marc, make_article, django_assert_max_num_queries
):
    for number in range(3):
        article = make_article(f"Autre {number}")
        propose(client_of(julie), article, title=f"Autre {number}, retouché")
    propose(client_of(julie), published, title="Retouché")
    with django_assert_max_num_queries(1):
        assert ArticleRevision.objects.pending_proposals().count() == 4


def test_an_image_in_a_published_body_is_the_editors_too(julie, make_image, make_article):
    image = make_image(alt_text="Dans le texte")
    make_article(body=f'<figure><img data-file="{image.pk}" alt=""></figure><p>Texte.</p>')
    response = client_of(julie).post(
        reverse("admin:images_image_change", args=[image.pk]), {"alt_text": "Forgé", "caption": "", "credit": ""}
    )
    assert response.status_code == 403
    image.refresh_from_db()
    assert image.alt_text == "Dans le texte"


def test_an_important_update_asked_by_the_journalist_is_dated_when_published(published, julie, marc):
    assert published.updated_at is None
    propose(client_of(julie), published, body=NEW_BODY, mark_as_updated="on")
    published.refresh_from_db()
    assert published.updated_at is None  # not before an editor publishes
    page = client_of(marc).get(proposal_url(published))
    assert page.context["marks_update"] and "mise à jour importante" in page.content.decode()
    before = timezone.now()
    client_of(marc).post(proposal_url(published), {"_publish_changes": "1"})
    published.refresh_from_db()
    assert published.updated_at >= before


# Issue 23: an editor learns of a proposal when the form opens, and while it is open ---------------


def heartbeat(client, article, page="page-1"):
    response = client.post(
        reverse("admin:articles_article_presence", args=[article.pk]), {"page": page, "action": "here"}
    )
    assert response.status_code == 200
    return response.json()


def test_an_editor_sees_a_waiting_proposal_when_the_form_opens(published, julie, marc):
    propose(client_of(julie), published, title="Le port de Metz s’agrandit encore")
    html = client_of(marc).get(change_url(published)).content.decode()
    assert "Julie Royer a proposé des modifications le" in html and "elles attendent votre décision." in html
    assert f'<a href="{proposal_url(published)}">Voir les modifications et décider</a>' in html


def test_the_forms_heartbeat_brings_a_proposal_made_while_the_form_is_open(published, julie, marc):
    marc_client = client_of(marc)
    marc_client.get(change_url(published))  # the editor has the form open
    assert heartbeat(marc_client, published)["proposal"] is None

    propose(client_of(julie), published, title="Le port de Metz s’agrandit encore")
    proposal = heartbeat(marc_client, published)["proposal"]
    assert proposal["url"] == proposal_url(published)
    assert proposal["message"].startswith("Julie Royer a proposé des modifications le ")
    assert proposal["message"].endswith(" : elles attendent votre décision.")
    assert proposal["link"] == "Voir les modifications et décider"
    # The journalist's own form says where her proposal stands: her heartbeat brings nothing more.
    assert heartbeat(client_of(julie), published, page="page-2")["proposal"] is None
