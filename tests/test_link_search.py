"""The link dialog's search of the site (articles/admin_links.py): by title, by kind, for staff only.

What readers could not follow (a draft, a preview of one) is listed flagged, with the message the
dialog shows instead of inserting it; a pasted address of an article is answered with its title.
"""

import pytest
from django.urls import reverse

from articles.admin_links import RESULTS_PER_KIND
from articles.models import Article
from articles.models.dossiers import Dossier

URL = reverse("admin:articles_article_links")
REFUSAL = "Cet article n’est pas publié : les lecteurs ne pourraient pas suivre ce lien."


def groups(client, query):
    response = client.get(URL, {"q": query})
    assert response.status_code == 200
    return {group["kind"]: group for group in response.json()["groups"]}


def titles(group):
    return [result["title"] for result in group["results"]]


@pytest.fixture
def tram(make_article, make_territory, make_personality, make_section):
    """Something of every kind named « tram »."""
    section = make_section("Tram et mobilités", slug="tram-mobilites")
    place = make_territory("Tramont")
    person = make_personality("Jean Tramoni", role="président de l’agglomération")
    dossier = Dossier.objects.create(name="Le chantier du tram", slug="chantier-tram")
    published = make_article("Le tram arrive à Metz", slug="tram-metz", personalities=[person])
    published.dossiers.add(dossier)
    draft = make_article("Le tram coûtera plus cher", slug="tram-cout", status=Article.Status.DRAFT)
    make_article("Le budget du conseil", slug="budget")
    return {"section": section, "place": place, "person": person, "dossier": dossier, "published": published,
            "draft": draft}  # fmt: skip


def test_finds_every_kind_by_title_with_the_stored_address(journalist_client, tram):
    found = groups(journalist_client, "tram")
    assert list(found) == ["article", "dossier", "section", "territory", "personality"]
    assert [group["label"] for group in found.values()] == [
        "Articles",
        "Dossiers",
        "Rubriques",
        "Lieux",
        "Personnalités",
    ]
    articles = found["article"]["results"]
    assert articles[0] == {
        "title": "Le tram arrive à Metz",
        "href": "/article/tram-metz/",
        "published": True,
        "note": "",
    }
    assert titles(found["article"]) == ["Le tram arrive à Metz", "Le tram coûtera plus cher"]
    assert found["dossier"]["results"][0]["href"] == "/dossier/chantier-tram/"
    assert found["section"]["results"][0]["href"] == "/rubrique/tram-mobilites/"
    assert found["territory"]["results"][0]["href"] == tram["place"].get_absolute_url()
    assert found["personality"]["results"][0]["title"] == "Jean Tramoni"
    assert found["personality"]["results"][0]["note"] == "président de l’agglomération"
    assert "Le budget du conseil" not in str(found)


def test_every_word_counts_and_case_does_not(journalist_client, tram):
    assert titles(groups(journalist_client, "TRAM metz")["article"]) == ["Le tram arrive à Metz"]
    assert groups(journalist_client, "   ") == {}
    assert groups(journalist_client, "introuvable") == {}


def test_a_draft_is_listed_flagged_with_the_french_refusal(journalist_client, tram):
    draft = groups(journalist_client, "coûtera")["article"]["results"][0]
    assert draft["published"] is False
    assert draft["message"] == REFUSAL
    assert draft["note"] == "brouillon"


def test_a_scheduled_article_is_offered_with_its_date(journalist_client, make_article):
    from datetime import datetime

    from django.utils import timezone

    when = timezone.make_aware(datetime(timezone.localdate().year + 1, 3, 15, 8, 0))
    make_article("Le tram demain", slug="tram-demain", published_at=when)
    result = groups(journalist_client, "demain")["article"]["results"][0]
    assert result["published"] is True and "message" not in result
    assert result["note"] == f"programmé le 15 mars {when.year}"


def test_published_articles_come_first_and_each_kind_is_limited(journalist_client, make_article):
    for number in range(RESULTS_PER_KIND + 2):
        make_article(f"Brouillon sur le tram {number}", status=Article.Status.DRAFT)
    make_article("Publié sur le tram")
    results = groups(journalist_client, "tram")["article"]["results"]
    assert len(results) == RESULTS_PER_KIND
    assert results[0]["title"] == "Publié sur le tram"


def test_subjects_readers_cannot_see_yet_are_not_offered(journalist_client, make_personality):
    Dossier.objects.create(name="Dossier tram vide", slug="tram-vide")
    make_personality("Personne Tram sans article")
    found = groups(journalist_client, "tram")
    assert "dossier" not in found and "personality" not in found


@pytest.mark.parametrize(
    "address",
    [
        "http://127.0.0.1:8000/article/tram-metz/",
        "http://testserver/article/tram-metz/",
        "/article/tram-metz/",
    ],
)
def test_a_pasted_article_address_is_answered_with_its_title(journalist_client, tram, address):
    answer = journalist_client.get(URL, {"address": address}).json()
    assert answer == {
        "found": True,
        "kind": "article",
        "title": "Le tram arrive à Metz",
        "href": "/article/tram-metz/",
        "published": True,
        "note": "",
    }


def test_a_preview_address_is_answered_with_the_article_it_shows(journalist_client, tram):
    published = journalist_client.get(URL, {"address": f"http://127.0.0.1:8000/apercu/{tram['published'].pk}/"})
    assert published.json()["href"] == "/article/tram-metz/" and published.json()["published"] is True
    draft = journalist_client.get(URL, {"address": f"http://127.0.0.1:8000/apercu/{tram['draft'].pk}/"}).json()
    assert draft["found"] is True and draft["published"] is False and draft["message"] == REFUSAL


def test_a_former_address_is_answered_with_the_article_now(journalist_client, tram, editor):
    article = tram["published"]
    article.slug = "le-tram-arrive"
    article.save(by=editor)
    answer = journalist_client.get(URL, {"address": "/article/tram-metz/"}).json()
    assert answer["href"] == "/article/le-tram-arrive/" and answer["title"] == "Le tram arrive à Metz"


def test_a_preview_address_of_no_article_is_refused(journalist_client, tram):
    answer = journalist_client.get(URL, {"address": "http://127.0.0.1:8000/apercu/999999/"}).json()
    assert answer["found"] is True and answer["published"] is False
    assert answer["message"] == (
        "Cette adresse d’aperçu ne mène à aucun article : les lecteurs ne pourraient pas la suivre."
    )


@pytest.mark.parametrize("address", ["https://example.org/article/tram-metz/", "/rien/", "/article/inconnu/"])
def test_other_addresses_are_not_known(journalist_client, tram, address):
    assert journalist_client.get(URL, {"address": address}).json() == {"found": False}


def test_only_staff_who_write_articles_may_search(client, moderator_client, make_user, tram):
    anonymous = client.get(URL, {"q": "tram"})
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    assert moderator_client.get(URL, {"q": "tram"}).status_code == 403
    reader = make_user("lecteur", is_staff=False)
    client.force_login(reader)
    assert client.get(URL, {"q": "tram"}).status_code == 302


def test_the_answer_is_never_cached_and_only_read(editor_client, tram):
    response = editor_client.get(URL, {"q": "tram"})
    assert "no-cache" in response["Cache-Control"] or "private" in response["Cache-Control"]
    assert editor_client.post(URL, {"q": "tram"}).status_code == 405


def test_documents_are_found_when_the_library_is_installed(journalist_client, tram):
    from django.apps import apps

    if not apps.is_installed("documents"):
        pytest.skip("no document library in this build")
    document_model = apps.get_model("documents", "Document")
    if not any(field.name == "title" for field in document_model._meta.get_fields()):
        pytest.skip("the document library has no title")
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import NoReverseMatch

    try:
        reverse("documents:document", args=[1])
    except NoReverseMatch:
        pytest.skip("the document library's addresses are not wired yet")

    try:
        document = document_model(title="Budget du tram 2024")
        document.file = SimpleUploadedFile("budget.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
        for name, value in {"kind": "pdf", "content_type": "application/pdf", "size": 15}.items():
            if hasattr(document, name):
                setattr(document, name, value)
        document.save()
    except Exception as error:  # the library is being built alongside: its model may ask more
        pytest.skip(f"could not make a document: {error}")
    found = groups(journalist_client, "budget tram")
    assert found["document"]["results"][0] == {
        "title": "Budget du tram 2024",
        "href": document.get_absolute_url(),
        "published": True,
        "note": "",
    }
