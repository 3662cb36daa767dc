"""Static pages (« À propos », « Mentions légales »…): readers, the footer, the cache, versions and the admin."""

import factories
import pytest
from budgets import READER_PAGE_BUDGET
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from test_csp import directives, inline_code, nonce_of

from pages.caching import FOOTER_CACHE_KEY, footer_links
from pages.models import Page, PageRevision

pytestmark = pytest.mark.django_db

LEGAL = "<p>Éditeur : Éditions Exemple SAS (fictive).</p>"


def make_page(title, slug, *, status=Page.Status.PUBLISHED, **fields) -> Page:
    page = Page(
        title=title, slug=slug, status=status, body=fields.pop("body", f"<p>Le texte de {title}.</p>"), **fields
    )
    page.save()
    return page


def form_data(**overrides) -> dict:
    """What the page's add form sends: a draft « Mentions légales », with the given fields changed."""
    data = {
        "title": "Mentions légales",
        "slug": "mentions-legales",
        "parent": "",
        "body": LEGAL,
        "status": Page.Status.DRAFT,
        "footer_position": 0,
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


# Readers -----------------------------------------------------------------------------------------


def test_a_published_page_at_its_address_with_the_article_body_rendering(client, make_article, make_image):
    image = make_image(alt_text="La façade de la rédaction, rue de l’Exemple")
    make_article("Le salon de l’innovation", slug="salon-innovation")
    page = make_page(
        "À propos",
        "a-propos",
        body=f'<p>Lire <a href="/article/salon-innovation/">notre reportage</a>.</p>'
        f'<figure><img data-file="{image.pk}" alt=""><figcaption>Nos locaux</figcaption></figure>',
    )
    assert page.get_absolute_url() == "/page/a-propos/"
    response = client.get("/page/a-propos/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>À propos</h1>" in html
    assert '<a href="/article/salon-innovation/">notre reportage</a>' in html
    assert "La façade de la rédaction, rue de l’Exemple" in html  # the library's alt text, rendered at save
    assert "<title>À propos – " in html


def test_drafts_answer_404_to_readers_and_show_in_the_staff_preview(client, journalist):
    page = make_page("Politique de confidentialité", "politique-de-confidentialite", status=Page.Status.DRAFT)
    assert client.get(page.get_absolute_url()).status_code == 404
    assert client.get(page.get_preview_url()).status_code == 302  # to the login
    client.force_login(journalist)
    preview = client.get(page.get_preview_url())
    assert preview.status_code == 200
    assert "Politique de confidentialité" in preview.content.decode()
    assert '<meta name="robots" content="noindex, nofollow">' in preview.content.decode()
    assert "no-cache" in preview["Cache-Control"]


def test_a_child_page_names_its_parent_and_the_parent_lists_it(client):
    about = make_page("Qui sommes-nous", "qui-sommes-nous")
    team = make_page("L’équipe", "l-equipe", parent=about)
    make_page("Nos projets", "nos-projets", parent=about, status=Page.Status.DRAFT)
    # The address does not depend on the parent: moving a page breaks no link.
    assert team.get_absolute_url() == "/page/l-equipe/"
    child = client.get(team.get_absolute_url()).content.decode()
    assert 'aria-label="Fil d’Ariane"' in child and '<a href="/page/qui-sommes-nous/">Qui sommes-nous</a>' in child
    parent = client.get(about.get_absolute_url()).content.decode()
    assert '<a href="/page/l-equipe/">L’équipe</a>' in parent
    assert "Nos projets" not in parent


def test_the_footer_lists_published_footer_pages_in_the_editors_order(client):
    make_page("Contact", "contact", show_in_footer=True, footer_position=2)
    make_page("Mentions légales", "mentions-legales", show_in_footer=True, footer_position=3)
    make_page("À propos", "a-propos", show_in_footer=True, footer_position=1)
    make_page("Brouillon", "brouillon", show_in_footer=True, status=Page.Status.DRAFT)
    make_page("Hors du pied", "hors-du-pied")
    html = client.get("/").content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    assert footer.index("À propos") < footer.index("Contact") < footer.index("Mentions légales")
    assert "Brouillon" not in footer and "Hors du pied" not in footer
    on_its_page = client.get("/page/contact/").content.decode()
    assert '<a href="/page/contact/" aria-current="page">Contact</a>' in on_its_page


def test_the_footer_is_read_once_then_from_the_cache_until_a_page_changes(django_assert_num_queries):
    contact = make_page("Contact", "contact", show_in_footer=True)
    with django_assert_num_queries(1):
        assert [link.title for link in footer_links()] == ["Contact"]
    with django_assert_num_queries(0):
        footer_links()
    contact.title = "Nous écrire"
    contact.save()
    assert cache.get(FOOTER_CACHE_KEY) is None
    assert [link.title for link in footer_links()] == ["Nous écrire"]
    contact.delete()
    assert footer_links() == []


def test_a_page_view_stays_within_the_reader_budget(client, django_assert_num_queries):
    about = make_page("À propos", "a-propos", show_in_footer=True)
    team = make_page("L’équipe", "l-equipe", parent=about, show_in_footer=True)
    # Cold: the page with its parents, its sub-pages, the section menu, the footer, the breaking-news
    # alert (alerts.caching: like the menus, read once into the cache, then no query), the lists of the
    # footer's newsletter form (newsletters.caching, the same).
    with django_assert_num_queries(6) as cold:
        assert client.get(team.get_absolute_url()).status_code == 200
    assert len(cold) <= READER_PAGE_BUDGET
    # Warm: the menu and the footer come from the cache.
    with django_assert_num_queries(2):
        assert client.get(team.get_absolute_url()).status_code == 200


def test_the_sitemap_lists_published_pages(client):
    make_page("Mentions légales", "mentions-legales")
    make_page("Brouillon", "brouillon", status=Page.Status.DRAFT)
    index = client.get(reverse("sitemap_index")).content.decode()
    assert "/sitemap-pages.xml" in index
    pages = client.get("/sitemap-pages.xml").content.decode()
    assert "/page/mentions-legales/" in pages and "/page/brouillon/" not in pages


# The page cache ------------------------------------------------------------------------------------


def hits(urls) -> set[str]:
    reader = Client()
    return {url for url in urls if reader.head(url).get("X-Cache") == "HIT"}


def warm(urls) -> None:
    reader = Client()
    for url in urls:
        reader.get(url)
        assert reader.get(url)["X-Cache"] == "HIT", url


def test_editing_a_page_purges_it_and_a_footer_change_purges_every_page(page_cache, make_article):
    article = make_article("Le salon de l’innovation", slug="salon-innovation")
    legal = make_page("Mentions légales", "mentions-legales", show_in_footer=True)
    team = make_page("L’équipe", "l-equipe")
    urls = ["/", article.get_absolute_url(), legal.get_absolute_url(), team.get_absolute_url()]
    warm(urls)

    team.body = "<p>Une rédaction de douze journalistes.</p>"
    team.save()  # not in the footer: its page only
    assert hits(urls) == set(urls) - {team.get_absolute_url()}
    assert "douze journalistes" in Client().get(team.get_absolute_url()).content.decode()

    warm(urls)
    legal.title = "Mentions légales et crédits"
    legal.save()  # in the footer: every page shows it
    assert hits(urls) == set()
    assert "Mentions légales et crédits" in Client().get(article.get_absolute_url()).content.decode()

    warm(urls)
    legal.status = Page.Status.DRAFT
    legal.save()  # withdrawn: its page answers 404 at once, and leaves the footer
    assert Client().get(legal.get_absolute_url()).status_code == 404
    assert "Mentions légales" not in Client().get("/").content.decode()


def test_a_linked_article_unpublished_turns_the_link_to_text(make_article, editor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # committed, as the desk's save would be
        article = make_article("Le salon de l’innovation", slug="salon-innovation")
    page = make_page("À propos", "a-propos", body='<p>Lire <a href="/article/salon-innovation/">ce reportage</a>.</p>')
    assert 'href="/article/salon-innovation/"' in page.body_html
    with django_capture_on_commit_callbacks(execute=True):
        article.unpublish(by=editor)
    page.refresh_from_db()
    assert 'href="/article/salon-innovation/"' not in page.body_html and "ce reportage" in page.body_html


def test_an_image_edited_in_the_library_is_rendered_again_in_the_page(make_image, django_capture_on_commit_callbacks):
    image = make_image(alt_text="Ancien texte")
    page = make_page("À propos", "a-propos", body=f'<figure><img data-file="{image.pk}" alt=""></figure>')
    with django_capture_on_commit_callbacks(execute=True):
        image.alt_text = "La rédaction au complet devant ses locaux"
        image.save()
    page.refresh_from_db()
    assert "La rédaction au complet devant ses locaux" in page.body_html and "Ancien texte" not in page.body_html


# The admin -----------------------------------------------------------------------------------------


def test_editors_write_pages_with_the_articles_editor_under_the_staff_policy(editor_client):
    response = editor_client.get(reverse("admin:pages_page_add"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Ajouter une page</h1>" in html
    assert "prose-editor" in html  # the same field and editor as the article's body
    nonce = nonce_of(response)
    assert "'unsafe-inline'" not in directives(response)["script-src"]
    code = inline_code(response)
    assert {"type": "importmap", "nonce": nonce} in code.scripts
    assert all(script.get("nonce") == nonce for script in code.scripts)


def test_an_editor_adds_publishes_changes_and_restores_a_page(editor_client, editor):
    response = editor_client.post(reverse("admin:pages_page_add"), form_data(status=Page.Status.PUBLISHED))
    assert response.status_code == 302, response.context["adminform"].form.errors
    page = Page.objects.get(slug="mentions-legales")
    assert page.is_published and Client().get("/page/mentions-legales/").status_code == 200
    change = reverse("admin:pages_page_change", args=[page.pk])
    editor_client.post(change, form_data(title="Mentions légales du site", status=Page.Status.PUBLISHED))
    editor_client.post(change, form_data(title="Mentions légales du site", status=Page.Status.PUBLISHED))
    assert list(page.revisions.values_list("number", "title")) == [
        (2, "Mentions légales du site"),
        (1, "Mentions légales"),
    ]
    assert page.revisions.get(number=1).author == editor

    history = editor_client.get(reverse("admin:pages_page_history", args=[page.pk])).content.decode()
    assert "Restaurer la version 1" in history and "Restaurer la version 2" not in history

    restore = reverse("admin:pages_page_restore", args=[page.pk, 1])
    assert editor_client.get(restore).status_code == 405
    response = editor_client.post(restore)
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.title == "Mentions légales" and page.is_published
    latest = page.revisions.first()
    assert (latest.number, latest.remark) == (3, "Version 1 restaurée")


def test_journalists_read_pages_but_change_nothing(journalist_client):
    page = make_page("Mentions légales", "mentions-legales")
    PageRevision.objects.record(page, None)
    assert journalist_client.get(reverse("admin:pages_page_changelist")).status_code == 200
    view = journalist_client.get(reverse("admin:pages_page_change", args=[page.pk]))
    assert view.status_code == 200 and "<h1>Consulter la page</h1>" in view.content.decode()
    assert journalist_client.get(reverse("admin:pages_page_add")).status_code == 403
    forged = journalist_client.post(reverse("admin:pages_page_change", args=[page.pk]), form_data(title="Piraté"))
    assert forged.status_code == 403
    assert (
        journalist_client.post(reverse("admin:pages_page_delete", args=[page.pk]), {"post": "yes"}).status_code == 403
    )
    assert journalist_client.post(reverse("admin:pages_page_restore", args=[page.pk, 1])).status_code == 403
    history = journalist_client.get(reverse("admin:pages_page_history", args=[page.pk])).content.decode()
    assert "Restaurer" not in history
    page.refresh_from_db()
    assert page.title == "Mentions légales"


def test_a_taken_address_is_refused_in_french_next_to_the_field(editor_client):
    make_page("Contact", "contact")
    response = editor_client.post(reverse("admin:pages_page_add"), form_data(title="Nous contacter", slug="contact"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["slug"] == [
        "Une autre page a déjà cette adresse ; choisissez-en une autre."
    ]
    figures = editor_client.post(reverse("admin:pages_page_add"), form_data(slug="2"))
    assert "seulement de chiffres" in figures.context["adminform"].form.errors["slug"][0]


def test_a_page_cannot_be_placed_under_its_own_child(editor_client):
    about = make_page("À propos", "a-propos")
    team = make_page("L’équipe", "l-equipe", parent=about)
    response = editor_client.post(
        reverse("admin:pages_page_change", args=[about.pk]),
        form_data(title="À propos", slug="a-propos", parent=team.pk),
    )
    assert response.status_code == 200
    assert "sous une de ses sous-pages" in response.context["adminform"].form.errors["parent"][0]


def test_a_document_a_published_page_links_to_reaches_readers():
    document = factories.make_document(title="Statuts de la société éditrice")
    assert Client().get(document.get_absolute_url()).status_code == 404  # no page nor article shows it yet
    page = make_page(
        "Mentions légales", "mentions-legales", body=f'<p><a href="/documents/{document.pk}/">Statuts</a></p>'
    )
    assert Client().get(document.get_absolute_url()).status_code == 200
    page.status = Page.Status.DRAFT
    page.save()
    assert Client().get(document.get_absolute_url()).status_code == 404
