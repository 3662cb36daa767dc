"""The demo newsroom: realistic, loaded once, demo logins only on a development machine."""

import io

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from articles.models import Article, Personality, Section, Territory

pytestmark = pytest.mark.django_db


def load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_demo_is_a_small_realistic_newsroom(settings, client):
    settings.DEBUG = True
    output = load_demo()

    assert set(Section.objects.values_list("name", flat=True)) == {
        "Économie & emploi",
        "Politique",
        "Société",
        "Sport",
        "Culture",
    }
    metz = Territory.objects.get(name="Metz")
    assert {t.name for t in metz.containers.all()} == {"Moselle", "Grand Est", "Sillon Lorrain"}
    assert 18 <= Article.objects.count() <= 25
    assert Article.objects.filter(status=Article.Status.DRAFT).exists()
    assert any(article.is_scheduled for article in Article.objects.all())
    published = Article.objects.published()
    for territory in Territory.objects.all():
        assert published.about_territory(territory).exists(), territory
    for personality in Personality.objects.all():
        assert published.about_personality(personality).exists(), personality
    assert client.get(reverse("articles:home")).status_code == 200

    users = get_user_model().objects.in_bulk(field_name="username")
    assert users["journaliste"].groups.get().name == "Journalistes"
    assert users["redacteur-en-chef"].groups.get().name == "Rédaction en chef"
    assert users["moderateur"].groups.get().name == "Modérateurs"
    for username in ["journaliste", "redacteur-en-chef", "moderateur"]:
        assert username in output
    assert "demo-newsroom-2026" in output


def test_a_second_run_changes_nothing(settings):
    settings.DEBUG = True
    load_demo()
    before = row_counts()
    modified = dict(Article.objects.values_list("slug", "modified_at"))
    load_demo()
    assert row_counts() == before
    assert dict(Article.objects.values_list("slug", "modified_at")) == modified


def test_demo_accounts_are_never_created_without_debug(settings):
    settings.DEBUG = False
    output = load_demo()
    assert not get_user_model().objects.exists()
    assert "demo-newsroom-2026" not in output
    assert Article.objects.exists()


def test_the_demo_has_the_legal_notice_and_the_other_pages_in_the_footer(client):
    output = load_demo()
    assert "Pages : 5 créé(s)" in output
    home = client.get(reverse("articles:home")).content.decode()
    footer = home[home.index('<footer class="site-footer">') :]
    titles = ["À propos", "Contact", "Mentions légales", "Politique de confidentialité"]
    positions = [footer.index(f">{title}</a>") for title in titles]
    assert positions == sorted(positions)
    assert "L’équipe" not in footer  # under « À propos », not in the footer

    legal = client.get("/page/mentions-legales/")
    assert legal.status_code == 200
    text = legal.content.decode()
    # What the LCEN asks of a press site: publisher, director of publication, host, contact; all invented.
    for heading in ["Éditeur", "Directeur de la publication", "Hébergeur", "Contact et droit de réponse"]:
        assert f"<h2>{heading}</h2>" in text
    assert "fictive" in text and "mailto:redaction@example.org" in text
    privacy = client.get("/page/politique-de-confidentialite/").content.decode()
    assert "adresse IP" in privacy and "Combien de temps" in privacy and "CNIL" in privacy
    team = client.get("/page/l-equipe/").content.decode()
    assert '<a href="/page/a-propos/">À propos</a>' in team  # the breadcrumb
