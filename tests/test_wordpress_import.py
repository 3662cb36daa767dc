"""``manage.py import_wordpress``: a WordPress export, written here for each case, brought over as a newsroom would want.

Each test writes its own WXR file (bench.wxr) with the shapes real WordPress sites produce: posts of every
status, nested categories, places and people as custom taxonomies (``ville``, ``personnalite``), a
``[caption]``, a ``[note]`` whose quotes WordPress turned « smart », an unknown shortcode, attachments
with and without alt text, threads of comments of every status, a sticky post, links between posts.
"""

import re
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.core.management import CommandError, call_command
from django.utils import timezone
from factories import jpeg
from taggit.models import Tag

from articles.models import Article, ArticleRevision, Personality, Section, Territory
from bench import wxr
from comments.models import Comment
from images.models import Image
from wordpress import content
from wordpress.importer import WordPressImport
from wordpress.models import ImportedItem

SITE = "https://ancien.example.fr"
UPLOADS = f"{SITE}/wp-content/uploads"
EMAILS = ["claire.dupont@example.org", "lecteur.secret@example.net", "spammeur@example.com", "en.attente@example.org"]
PAST = datetime(2016, 7, 14, 9, 30, tzinfo=UTC)
FUTURE = datetime.now(UTC).replace(microsecond=0) + timedelta(days=10)

AUTHORS = [
    wxr.Author("cdupont", EMAILS[0], "Claire Dupont", "Claire", "Dupont", author_id=2),
    wxr.Author("redac", "redac@example.org", "La rédaction"),
]
TERMS = [
    wxr.Term(1, "category", "economie", "Économie &amp; emploi"),
    wxr.Term(2, "category", "emploi", "Emploi", parent="economie"),
    wxr.Term(3, "category", "societe", "Société"),
    wxr.Term(4, "post_tag", "fintech", "FinTech"),
    wxr.Term(5, "post_tag", "iot", "IoT"),
    wxr.Term(6, "ville", "metz", "Metz"),
    wxr.Term(7, "ville", "thionville", "Thionville"),
    wxr.Term(8, "personnalite", "jean-ministre", "Jean Ministre"),
    wxr.Term(9, "saison", "ete", "Été"),
]
BODY = (
    "Le salon a ouvert ses portes à Metz.\n\n"
    "<h3>Une région qui innove</h3>\n"
    "Les start-up sont venues nombreuses :\n<ul>\n<li>FinTech</li>\n<li>IoT</li>\n</ul>\n\n"
    '[caption id="attachment_100" align="aligncenter" width="300"]<a href="/2016/07/photo/">'
    f'<img class="size-medium wp-image-100" src="{UPLOADS}/2016/07/salon-300x200.jpg" alt="" width="300" height="200" />'
    "</a> Le stand de la Région[/caption]\n\n"
    'Lire aussi <a href="' + SITE + '/?p=2">notre article sur l’emploi</a>.\n\n'
    "[note color= »#ffcc00″ title= »À savoir″]Le salon rouvre le 12 octobre.[/note]\n\n"
    '[contact-form-7 id="4" title="Contact"]'
)


def attachment(post_id, path, *, alt=None, caption="", title="Photo"):
    meta = {"_wp_attached_file": path}
    if alt is not None:
        meta["_wp_attachment_image_alt"] = alt
    return wxr.Item(
        post_id, title, slug=f"photo-{post_id}", status="inherit", post_type="attachment", excerpt=caption,
        attachment_url=f"{UPLOADS}/{path}", date_gmt=PAST, meta=meta,
    )  # fmt: skip


def comments_of_the_salon():
    return [
        wxr.Comment(10, "Bravo pour ce salon !", author="Lectrice", email=EMAILS[1], url="https://blog.example.net",
                    date_gmt=PAST + timedelta(hours=1)),
        wxr.Comment(11, "Merci, on y sera.", author="Claire", email=EMAILS[0], parent=10,
                    date_gmt=PAST + timedelta(hours=2)),
        wxr.Comment(12, "Et pour les <b>PME</b> ?", author="En attente", email=EMAILS[3], approved="0",
                    date_gmt=PAST + timedelta(hours=3)),
        wxr.Comment(13, "Achetez mes pilules", author="Spam", email=EMAILS[2], approved="spam"),
        wxr.Comment(14, "À la corbeille", author="Corbeille", email=EMAILS[2], approved="trash"),
        wxr.Comment(15, "Un lien vers vous", author="Un blog", comment_type="pingback"),
    ]  # fmt: skip


def salon_post(**changes):
    fields = {
        "post_id": 1, "title": "Le salon de l’innovation ouvre à Metz", "slug": "salon-innovation-metz", "content": BODY,
        "date_gmt": PAST, "creator": "cdupont", "link": f"{SITE}/2016/07/14/salon-innovation-metz/", "sticky": True,
        "terms": [("category", "emploi", "Emploi"), ("post_tag", "fintech", "FinTech"), ("post_tag", "iot", "IoT"),
               ("ville", "metz", "Metz"), ("personnalite", "jean-ministre", "Jean Ministre"), ("saison", "ete", "Été")],
        "meta": {"_thumbnail_id": "101"}, "comments": comments_of_the_salon(),
    }  # fmt: skip
    fields.update(changes)
    return wxr.Item(**fields)


def export_items():
    return [
        salon_post(),
        wxr.Item(2, "L’emploi repart en Moselle", slug="emploi-repart", date_gmt=PAST + timedelta(days=1),
                 content=f'Voir <a href="{SITE}/2016/07/14/salon-innovation-metz/">le salon</a>.', creator="redac",
                 link=f"{SITE}/2016/07/15/emploi-repart/", terms=[("category", "societe", "Société"),
                 ("ville", "thionville", "Thionville")], excerpt="Un chapô écrit dans WordPress."),
        wxr.Item(3, "Programmé pour plus tard", slug="programme", status="future", date_gmt=FUTURE,
                 content="Bientôt.", creator="redac", terms=[("category", "societe", "Société")]),
        wxr.Item(4, "Un brouillon", slug="", status="draft", date=datetime(2017, 1, 5, 10, 0), date_gmt=None,
                 content="En cours.", creator="cdupont"),
        wxr.Item(5, "À relire", slug="a-relire", status="pending", content="Relisez-moi.", creator="cdupont"),
        wxr.Item(6, "Privé", slug="prive", status="private", content="Secret."),
        wxr.Item(7, "Jeté", slug="jete", status="trash", content="Poubelle."),
        wxr.Item(8, "Qui sommes-nous", slug="qui-sommes-nous", post_type="page", content="La rédaction."),
        wxr.Item(9, "Couleur ratée", slug="couleur-ratee", date_gmt=PAST, content='[note color="#zzzzzz"]Dedans[/note]',
                 terms=[("category", "societe", "Société")]),
        attachment(100, "2016/07/salon.jpg", alt="Le stand de la Région au salon"),
        attachment(101, "2016/07/une.jpg", caption="La foule à l’ouverture"),
        attachment(102, "2016/07/sans-texte.jpg"),
        attachment(103, "2016/07/disparue.jpg", alt="Perdue"),
        attachment(104, "2016/07/IMG_1234.JPG", caption="IMG_1234.JPG"),
    ]  # fmt: skip


@pytest.fixture
def media_dir(tmp_path):
    folder = tmp_path / "uploads"
    (folder / "2016/07").mkdir(parents=True)
    for name in ["salon.jpg", "une.jpg", "sans-texte.jpg", "IMG_1234.JPG"]:
        (folder / "2016/07" / name).write_bytes(jpeg((640, 480), "#336699"))
    return folder


def write_export(folder: Path, items, name="export.xml", **header) -> Path:
    path = folder / name
    path.write_text(wxr.document(items, site=SITE, authors=AUTHORS, terms=TERMS, **header), encoding="utf-8")
    return path


def run_import(path, *args) -> str:
    out = StringIO()
    call_command("import_wordpress", str(path), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def imported(db, tmp_path, media_dir):
    """The export above, imported once with its media."""
    report = run_import(write_export(tmp_path, export_items()), "--media-dir", str(media_dir))
    return report


def article(wordpress_id) -> Article:
    return ImportedItem.objects.get(kind="post", wordpress_id=str(wordpress_id)).article


def every_row() -> dict:
    """Every row of every table of ours, to tell whether anything at all was written."""
    return {
        model._meta.label: sorted(map(repr, model.objects.values_list()))
        for model in apps.get_models()
        if model._meta.app_label not in {"sessions", "contenttypes", "admin"}
    }


# What the import brings ----------------------------------------------------------------------------


def test_the_report_counts_and_names_every_problem(imported):
    assert "Import WordPress de https://ancien.example.fr" in imported
    counts = {line.split()[0]: line.split()[1:] for line in imported.splitlines()[3:9]}
    assert counts["Articles"][:2] == ["6", "0"]  # 1, 2, 3, 4, 5, 9; 6, 7 (private, trash) skipped
    assert counts["Pages"][:2] == ["1", "0"]  # « Qui sommes-nous », a page of the site (tests/test_wordpress_pages.py)
    assert counts["Commentaires"][0] == "3"  # approved, its reply, the pending one
    assert counts["Images"][0] == "4"
    assert "articles privés (--status private pour les importer) : 1" in imported
    assert "articles à la corbeille (--status trash pour les importer) : 1" in imported
    assert "rétroliens (pingbacks, trackbacks) : 1" in imported
    assert "commentaires indésirables ou à la corbeille : 2" in imported
    problems = imported.split("Problèmes à reprendre")[1]
    assert re.search(
        r"« Le salon de l’innovation ouvre à Metz » \(WordPress n° 1\) — shortcode inconnu : \[contact-form-7", problems
    )
    assert re.search(r"« Couleur ratée » \(WordPress n° 9\) — couleur invalide : #zzzzzz", problems)
    assert re.search(r"\(WordPress n° 103\) — fichier d’image introuvable : .*2016/07/disparue\.jpg", problems)
    assert re.search(r"\(WordPress n° 102\) — texte alternatif manquant", problems)
    assert re.search(r"taxinomie inconnue : « saison » \(1 terme\)", problems)


def test_taxonomies_become_sections_tags_places_and_people(imported):
    salon = article(1)
    # A sub-category files the article in its parent's section, and is kept as a tag.
    assert salon.section.name == "Économie & emploi" and salon.section.slug == "economie"
    assert sorted(salon.tags.names()) == ["Emploi", "FinTech", "IoT"]
    assert Tag.objects.get(name="FinTech").slug == "fintech"
    assert [t.name for t in salon.territories.all()] == ["Metz"]
    assert [p.name for p in salon.personalities.all()] == ["Jean Ministre"]
    assert article(2).section.name == "Société"
    assert Territory.objects.filter(name="Thionville", slug="thionville").exists()
    assert not Section.objects.filter(name="Emploi").exists()


def test_existing_places_and_people_are_reused_not_doubled(db, tmp_path, media_dir, make_territory, make_personality):
    metz = make_territory("Metz", slug="metz-57")
    minister = make_personality("Jean Ministre", slug="jean-ministre")
    run_import(write_export(tmp_path, export_items()), "--media-dir", str(media_dir))
    assert list(article(1).territories.all()) == [metz]
    assert list(article(1).personalities.all()) == [minister]
    assert Territory.objects.filter(name="Metz").count() == 1


def test_statuses_dates_authors_and_the_sticky_post(imported):
    salon, scheduled, draft, pending = article(1), article(3), article(4), article(5)
    assert salon.status == "published" and salon.published_at == PAST and salon.is_visible
    assert salon.is_featured and not article(2).is_featured
    assert scheduled.status == "published" and scheduled.published_at == FUTURE and scheduled.is_scheduled
    assert draft.status == "draft" and draft.published_at is None
    assert draft.slug == "un-brouillon"  # no WordPress slug yet: from its title
    # A date in the site's time zone when WordPress gave no GMT one (its drafts).
    assert timezone.localtime(Article.objects.get(pk=draft.pk).created_at).replace(tzinfo=None) == datetime(
        2017, 1, 5, 10
    )
    assert pending.status == "submitted"
    assert not ImportedItem.objects.filter(kind="post", wordpress_id__in=["6", "7", "8"]).exists()
    claire = get_user_model().objects.get(username="cdupont")
    assert list(salon.authors.all()) == [claire]
    assert claire.get_full_name() == "Claire Dupont" and claire.email == EMAILS[0]
    assert claire.is_staff and not claire.has_usable_password()
    assert list(claire.groups.values_list("name", flat=True)) == ["Journalistes"]
    assert article(1).revisions.get().action == ArticleRevision.Action.IMPORTED


def test_standfirst_is_the_excerpt_or_the_first_paragraph(imported):
    assert article(2).standfirst == "Un chapô écrit dans WordPress."
    assert article(1).standfirst == "Le salon a ouvert ses portes à Metz."


def test_images_from_the_media_folder_with_alt_text_caption_and_main_image(imported):
    salon = article(1)
    main = salon.main_image
    assert main.alt_text == "La foule à l’ouverture" and main.caption == "La foule à l’ouverture"  # alt from caption
    assert main.renditions and main.width == 640
    no_text = ImportedItem.objects.get(kind="attachment", wordpress_id="102").image
    assert no_text.alt_text == ""  # flagged in the report for the desk
    file_named = ImportedItem.objects.get(kind="attachment", wordpress_id="104").image
    assert file_named.caption == "" and file_named.alt_text == ""
    assert not ImportedItem.objects.filter(kind="attachment", wordpress_id="103").exists()
    figure_image = ImportedItem.objects.get(kind="attachment", wordpress_id="100").image
    assert f'data-file="{figure_image.pk}"' in salon.body


def test_the_article_page_shows_no_shortcode_and_the_callout_in_colour(imported, client):
    page = client.get(article(1).get_absolute_url()).content.decode()
    assert "[note" not in page and "[caption" not in page and "[contact-form-7" not in page
    assert "»" not in re.sub(r"«[^»]*»", "", page.split("<main", 1)[1])  # no stray smart quote of the shortcode
    assert re.search(r'<aside class="callout" style="--callout-bg: #ffcc00;[^"]*" aria-label="À savoir">', page)
    assert "Le salon rouvre le 12 octobre." in page
    assert '<span class="caption">Le stand de la Région</span>' in page
    assert "<h3>Une région qui innove</h3>" in page and "<li><p>FinTech</p></li>" in page
    # Places and people linked on the page.
    assert 'href="' + Territory.objects.get(name="Metz").get_absolute_url() + '"' in page
    assert 'href="' + Personality.objects.get(name="Jean Ministre").get_absolute_url() + '"' in page


def test_links_between_posts_become_links_between_articles(imported, client):
    salon, emploi = article(1), article(2)
    assert f'href="/article/{emploi.slug}/"' in salon.body  # ?p=2, a post later in the file
    assert f'href="/article/{salon.slug}/"' in emploi.body  # an old permalink
    assert f'href="{emploi.get_absolute_url()}"' in client.get(salon.get_absolute_url()).content.decode()
    assert f'href="{salon.get_absolute_url()}"' in client.get(emploi.get_absolute_url()).content.decode()


def test_comments_keep_their_thread_and_status(imported, client):
    salon = article(1)
    first = ImportedItem.objects.get(kind="comment", wordpress_id="10").comment
    reply = ImportedItem.objects.get(kind="comment", wordpress_id="11").comment
    pending = ImportedItem.objects.get(kind="comment", wordpress_id="12").comment
    assert first.status == "approved" and reply.status == "approved" and reply.parent == first
    assert pending.status == "pending" and pending in Comment.objects.pending()
    assert pending.body == "Et pour les PME ?"
    assert first.author_url == "https://blog.example.net" and first.created_at == PAST + timedelta(hours=1)
    assert not Comment.objects.filter(author_email=EMAILS[2]).exists()  # spam and trash
    assert Comment.objects.filter(article=salon).count() == 3
    assert Article.objects.get(pk=salon.pk).comment_count == 2
    page = client.get(salon.get_absolute_url()).content.decode()
    thread = page.split("Bravo pour ce salon", 1)[1]
    assert "Merci, on y sera." in thread  # the reply, under its parent
    assert "Et pour les" not in page and "Achetez" not in page


def test_no_email_address_in_any_public_page(imported, client):
    salon = article(1)
    pages = ["/", salon.get_absolute_url(), article(2).get_absolute_url(), salon.section.get_absolute_url(),
             "/rss/", "/sitemap.xml", Territory.objects.get(name="Metz").get_absolute_url(),
             Personality.objects.get(name="Jean Ministre").get_absolute_url()]  # fmt: skip
    pages += [f"/rss/?{i}" for i in range(0)]
    for path in pages:
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        text = response.content.decode().lower()
        for email in EMAILS:
            assert email not in text, (path, email)
        assert "gravatar" not in text


# Running it again ------------------------------------------------------------------------------------


def test_importing_the_same_file_again_changes_no_row(db, tmp_path, media_dir):
    path = write_export(tmp_path, export_items())
    run_import(path, "--media-dir", str(media_dir))
    before = every_row()
    media = sorted(p for p in Path(Image._meta.get_field("file").storage.location).rglob("*") if p.is_file())
    report = run_import(path, "--media-dir", str(media_dir))
    assert every_row() == before
    assert sorted(p for p in Path(Image._meta.get_field("file").storage.location).rglob("*") if p.is_file()) == media
    assert re.search(r"Articles\s+0\s+0\s+6", report)


def test_a_newer_export_updates_what_changed_and_adds_what_is_new(db, tmp_path, media_dir):
    run_import(write_export(tmp_path, export_items()), "--media-dir", str(media_dir))
    salon_pk = article(1).pk
    items = export_items()
    items[0] = salon_post(
        title="Le salon de l’innovation fait le plein à Metz",
        comments=[*comments_of_the_salon()[:2],
                  wxr.Comment(12, "Et pour les PME ?", author="En attente", email=EMAILS[3], approved="1"),
                  wxr.Comment(16, "Nouveau commentaire", author="Nouveau", email="n@example.org", parent=11)],
    )  # fmt: skip
    items.append(wxr.Item(20, "Un nouvel article", slug="nouveau", date_gmt=PAST, content="Neuf."))
    report = run_import(write_export(tmp_path, items, name="newer.xml"), "--media-dir", str(media_dir))
    salon = article(1)
    assert salon.pk == salon_pk and salon.title == "Le salon de l’innovation fait le plein à Metz"
    assert salon.revisions.count() == 2
    assert ImportedItem.objects.get(kind="comment", wordpress_id="12").comment.status == "approved"
    assert ImportedItem.objects.get(kind="comment", wordpress_id="16").comment.parent.body == "Merci, on y sera."
    assert article(20).title == "Un nouvel article"
    assert re.search(r"Articles\s+1\s+1\s+5", report)
    assert Article.objects.get(pk=salon_pk).comment_count == 4


def test_images_missing_at_first_are_added_by_a_run_that_finds_them(db, tmp_path, media_dir):
    path = write_export(tmp_path, export_items())
    run_import(path)  # without --media-dir: every image missing
    assert article(1).main_image is None and "data-file" not in article(1).body
    before = every_row()
    run_import(path)  # still without: nothing to write again
    assert every_row() == before
    report = run_import(path, "--media-dir", str(media_dir))
    assert article(1).main_image.alt_text == "La foule à l’ouverture" and "data-file" in article(1).body
    assert re.search(r"Articles\s+0\s+1\s+5", report)
    before = every_row()
    run_import(path, "--media-dir", str(media_dir))
    assert every_row() == before


def test_an_article_edited_here_is_not_overwritten_by_a_newer_export(db, tmp_path, media_dir, editor):
    run_import(write_export(tmp_path, export_items()), "--media-dir", str(media_dir))
    salon = article(1)
    salon.title = "Titre revu par la rédaction"
    salon.save(by=editor)
    ArticleRevision.objects.record(salon, editor)
    items = export_items()
    items[0] = salon_post(title="Titre changé dans WordPress")
    report = run_import(write_export(tmp_path, items, name="newer.xml"), "--media-dir", str(media_dir))
    assert article(1).title == "Titre revu par la rédaction"
    assert "(WordPress n° 1) — modifié dans la rédaction depuis l’import, non écrasé" in report


def test_a_moderators_decision_here_wins_over_a_newer_export(db, tmp_path, media_dir, moderator):
    run_import(write_export(tmp_path, export_items()), "--media-dir", str(media_dir))
    pending = ImportedItem.objects.get(kind="comment", wordpress_id="12").comment
    pending.reject(by=moderator)
    items = export_items()
    items[0] = salon_post(
        comments=[*comments_of_the_salon()[:2], wxr.Comment(12, "Et pour les PME ?", email=EMAILS[3], approved="1")]
    )
    run_import(write_export(tmp_path, items, name="newer.xml"), "--media-dir", str(media_dir))
    assert Comment.objects.get(pk=pending.pk).status == "rejected"


def test_a_dry_run_writes_nothing_and_prints_the_report(db, tmp_path, media_dir):
    before = every_row()
    report = run_import(write_export(tmp_path, export_items()), "--media-dir", str(media_dir), "--dry-run")
    assert "Simulation (--dry-run) : rien n’a été enregistré ni écrit." in report
    assert re.search(r"Articles\s+6\s+0\s+0", report)
    assert every_row() == before
    storage = Path(Image._meta.get_field("file").storage.location)
    assert not storage.exists() or not [p for p in storage.rglob("*") if p.is_file()]


def test_a_dry_run_leaves_the_page_cache_alone(db, tmp_path, media_dir, monkeypatch):
    from pagecache import core

    marked = []
    monkeypatch.setattr(core, "_mark", lambda tags, at_once=False: marked.append(tags))
    run_import(write_export(tmp_path, export_items()), "--media-dir", str(media_dir), "--dry-run")
    assert marked == []  # nothing changed: no page made stale (all of them, for a whole export)
    run_import(write_export(tmp_path, export_items()), "--media-dir", str(media_dir))
    assert marked == [{core.SITE_TAG}]


def test_one_broken_post_does_not_stop_the_others(db, tmp_path, media_dir, monkeypatch):
    convert = content.convert_body

    def breaking(text, resolver, *, site):
        if "Bientôt" in text:
            raise RuntimeError("panne simulée")
        return convert(text, resolver, site=site)

    monkeypatch.setattr(content, "convert_body", breaking)
    report = run_import(write_export(tmp_path, export_items()), "--media-dir", str(media_dir))
    assert (
        "« Programmé pour plus tard » (WordPress n° 3) — article non importé : RuntimeError : panne simulée" in report
    )
    assert not ImportedItem.objects.filter(kind="post", wordpress_id="3").exists()
    assert not Article.objects.filter(title="Programmé pour plus tard").exists()
    assert article(9).title == "Couleur ratée"


def test_a_failed_post_leaves_no_image_file_behind(db, tmp_path, media_dir, monkeypatch):
    def failing(self, item, article):
        raise RuntimeError("panne simulée")

    monkeypatch.setattr(WordPressImport, "import_comments", failing)
    run_import(write_export(tmp_path, export_items()), "--media-dir", str(media_dir))
    assert not ImportedItem.objects.filter(kind="post").exists()
    storage = Path(Image._meta.get_field("file").storage.location)
    on_disk = {str(path.relative_to(storage)) for path in storage.rglob("*") if path.is_file()}
    assert on_disk == {name for image in Image.objects.all() for name in image.file_names()}
    assert Image.objects.count() == 4  # the attachments, imported again when the file reaches them


# Options -----------------------------------------------------------------------------------------


def test_section_map_taxonomy_post_type_and_status_options(db, tmp_path, media_dir):
    run_import(
        write_export(tmp_path, export_items()),
        "--media-dir", str(media_dir),
        "--section-map", "emploi=Emploi & formation",
        "--taxonomy", "saison=territory",
        "--post-type", "page",
        "--status", "private",
    )  # fmt: skip
    assert article(1).section.name == "Emploi & formation"
    assert "Été" in [t.name for t in article(1).territories.all()]
    assert article(8).title == "Qui sommes-nous" and article(8).section.name == "Non classé"
    assert article(6).status == "draft"
    assert not ImportedItem.objects.filter(kind="post", wordpress_id="7").exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<rss><channel><item><title>Coupé", "incomplet ou n’est pas du XML valide"),
        ('<?xml version="1.0"?><rss version="2.0"><channel><title>Un flux</title><item><title>x</title></item>'
         "</channel></rss>", "il lui manque wp:wxr_version"),
        ("<html><body>Bonjour</body></html>", "il ne commence pas par <rss>"),
        ("pas du tout du XML", "incomplet ou n’est pas du XML valide"),
    ],
)  # fmt: skip
def test_a_broken_or_foreign_file_is_refused_in_french_and_imports_nothing(db, tmp_path, text, message):
    path = tmp_path / "export.xml"
    path.write_text(text)
    before = every_row()
    with pytest.raises(CommandError, match=re.escape(message)) as error:
        run_import(path)
    assert "Rien n’a été importé." in str(error.value)
    assert every_row() == before


def test_a_truncated_export_imports_nothing_even_its_first_posts(db, tmp_path, media_dir):
    whole = write_export(tmp_path, export_items()).read_text()
    path = tmp_path / "truncated.xml"
    path.write_text(whole[: len(whole) * 2 // 3])
    with pytest.raises(CommandError, match="incomplet"):
        run_import(path, "--media-dir", str(media_dir))
    assert not Article.objects.exists() and not ImportedItem.objects.exists()


def test_wrong_options_are_explained(db, tmp_path):
    path = write_export(tmp_path, [])
    with pytest.raises(CommandError, match="Dossier d’images introuvable"):
        run_import(path, "--media-dir", str(tmp_path / "nulle-part"))
    with pytest.raises(CommandError, match="le rôle doit être territory ou personality"):
        run_import(path, "--taxonomy", "saison=section")
    with pytest.raises(CommandError, match="--section-map attend NOM=VALEUR"):
        run_import(path, "--section-map", "emploi")
    with pytest.raises(CommandError, match="Fichier introuvable"):
        run_import(tmp_path / "absent.xml")


def test_progress_is_printed_when_not_on_a_terminal(db, tmp_path):
    err = StringIO()
    call_command(
        "import_wordpress", str(write_export(tmp_path, export_items())), "-v", "2", stdout=StringIO(), stderr=err
    )
    assert "Lecture du fichier : 100 %" in err.getvalue() and "Import : 100 %" in err.getvalue()


# WordPress's own export ---------------------------------------------------------------------------

THEME_UNIT_TEST = Path(__file__).resolve().parents[2] / "shared/wordpress/themeunittestdata.wordpress.xml"


@pytest.mark.skipif(not THEME_UNIT_TEST.exists(), reason="WordPress's theme unit test export is not on this machine")
def test_wordpress_own_test_export_imports_with_its_missing_media_reported(db, client):
    report = run_import(THEME_UNIT_TEST)
    assert "fichier d’image introuvable" in report
    # « Template: Password Protected (the password is "enter") »: never public here.
    assert not article(1168).is_visible
    assert "(WordPress n° 1168) — protégé par un mot de passe dans WordPress : importé sans être publié" in report
    imported = ImportedItem.objects.filter(kind="post").select_related("article")
    assert imported.count() >= 50
    for row in imported:
        assert not re.search(r"\[/?(caption|gallery|embed|audio|video|note)\b", row.article.body), row.article.title
        if row.article.is_visible:
            page = client.get(row.article.get_absolute_url())
            assert page.status_code == 200
            text = page.content.decode()
            assert "themeshaperwp+demos@gmail.com" not in text


def test_images_without_alt_text_are_found_by_the_desk(imported, editor_client):
    listed = editor_client.get("/admin/images/image/?texte_alternatif=manquant")
    assert listed.status_code == 200
    assert listed.content.decode().count("Texte alternatif manquant : à décrire") == 2  # 102, and 104 (file name)
    described = editor_client.get("/admin/images/image/?texte_alternatif=present").content.decode()
    assert "Texte alternatif manquant" not in described.split("<table", 1)[1]
    assert "Le stand de la Région au salon" in described


# Old addresses -------------------------------------------------------------------------------------


def test_every_old_address_leads_to_the_new_page(imported, client):
    salon = article(1)
    economie = Section.objects.get(slug="economie")
    old_to_new = {
        "/?p=1": salon.get_absolute_url(),
        "/2016/07/14/salon-innovation-metz/": salon.get_absolute_url(),
        "/2016/07/salon-innovation-metz/": salon.get_absolute_url(),
        "/salon-innovation-metz/": salon.get_absolute_url(),
        "/category/economie/emploi/salon-innovation-metz/": salon.get_absolute_url(),
        "/category/economie/": economie.get_absolute_url(),
        "/tag/fintech/": None,
        "/ville/metz/": Territory.objects.get(name="Metz").get_absolute_url(),
        "/feed/": "/rss/",
        "/?author=2": None,
        "/author/cdupont/": None,
    }
    for old, new in old_to_new.items():
        response = client.get(old)
        assert response.status_code == 301, old
        if new is not None:
            assert response["Location"] == new, old
        assert client.get(response["Location"]).status_code == 200, old
    # WordPress's « personnalite » archive is our own address for people: the kept slug answers at once.
    minister = Personality.objects.get(name="Jean Ministre")
    assert minister.get_absolute_url() == "/personnalite/jean-ministre/"
    assert client.get("/personnalite/jean-ministre/").status_code == 200
    assert client.get("/personnalite/jean-ministre/feed/").status_code == 301
    # A post not public here keeps its old address to itself.
    assert client.get("/?p=5").status_code in {200, 404} and client.get("/?p=5").get("Location") is None
    assert client.get("/a-relire/").status_code == 404


def test_imported_articles_are_found_by_search_with_their_places(imported, client):
    # The search data is refreshed once per chunk of posts, not after each change (search.indexing).
    found = client.get("/recherche/", {"q": "Thionville"}).content.decode()
    assert "L’emploi repart en Moselle" in found
    assert "Le salon de l’innovation" in client.get("/recherche/", {"q": "salon innovation"}).content.decode()


def test_a_post_binned_in_wordpress_since_leaves_readers_too(db, tmp_path, media_dir, client):
    run_import(write_export(tmp_path, export_items()), "--media-dir", str(media_dir))
    address = article(2).get_absolute_url()
    items = export_items()
    items[1].status = "trash"
    report = run_import(write_export(tmp_path, items, name="newer.xml"), "--media-dir", str(media_dir))
    assert article(2).status == "unpublished"
    assert client.get(address).status_code == 404
    assert re.search(r"Articles\s+0\s+1\s+5", report)
    assert article(2).revisions.first().remark.startswith("WordPress n° 2 : articles à la corbeille")


@pytest.mark.parametrize("version", ["1.0", "1.1"])
def test_older_export_versions_are_read_alike(db, tmp_path, media_dir, version):
    report = run_import(write_export(tmp_path, export_items(), version=version), "--media-dir", str(media_dir))
    assert re.search(r"Articles\s+6\s+0\s+0", report)
    assert article(1).territories.get().name == "Metz"


def test_an_author_named_by_an_email_address_is_never_shown_by_it(db, tmp_path, client):
    items = [
        wxr.Item(30, "Signé d’une adresse", slug="signe", date_gmt=PAST, content="Texte.", creator="jo@example.org")
    ]
    authors = [wxr.Author("jo@example.org", "jo@example.org", "jo@example.org")]
    path = tmp_path / "export.xml"
    path.write_text(wxr.document(items, site=SITE, authors=authors), encoding="utf-8")
    run_import(path)
    user = get_user_model().objects.get(username="jo@example.org")
    assert user.first_name == "" and user.last_name == ""
    for address in [article(30).get_absolute_url(), "/rss/", "/"]:
        assert "jo@example.org" not in client.get(address).content.decode()


# Password-protected posts: its readers needed the old site's password; here nobody would.

RESERVED_TEXT = "Le détail des tarifs réservé aux abonnés"


def protected_post(**changes):
    fields = {
        "post_id": 30, "title": "Réservé aux abonnés : les tarifs 2024", "slug": "tarifs-abonnes", "date_gmt": PAST,
        "content": f"<p>{RESERVED_TEXT}.</p>", "creator": "cdupont", "password": "abonne2024",
        "link": f"{SITE}/2016/07/14/tarifs-abonnes/",
        "terms": [("category", "societe", "Société"), ("post_tag", "fintech", "FinTech"), ("ville", "metz", "Metz")],
        "comments": [wxr.Comment(40, "Enfin les tarifs !", author="Abonné", email="abonne@example.org", approved="1")],
    }  # fmt: skip
    fields.update(changes)
    return wxr.Item(**fields)


def public_pages_of_the_protected_post(client):
    """Every page a reader or a robot could find the post's text on, by its address, its subjects or a search."""
    addresses = ["/", "/rss/", "/sitemap.xml", "/sitemap-articles.xml", "/2016/07/14/tarifs-abonnes/", "/?p=30",
                 "/tarifs-abonnes/", Territory.objects.get(name="Metz").get_absolute_url(), "/mot-cle/fintech/",
                 article(30).get_absolute_url(), f"/recherche/?q={RESERVED_TEXT.split()[3]}"]  # fmt: skip
    return {address: client.get(address, follow=True) for address in addresses}


def test_a_password_protected_post_is_imported_without_being_published(db, tmp_path, media_dir, client):
    report = run_import(write_export(tmp_path, [*export_items(), protected_post()]), "--media-dir", str(media_dir))

    reserved = article(30)
    assert reserved.status == Article.Status.UNPUBLISHED and reserved.published_at == PAST
    assert RESERVED_TEXT in reserved.body  # the desk has it, to decide
    assert "(WordPress n° 30) — protégé par un mot de passe dans WordPress : importé sans être publié" in report
    assert "réservé, non publié ici" in reserved.revisions.get().remark
    assert "abonne2024" not in repr(every_row())  # the old site's password is kept nowhere
    for address, response in public_pages_of_the_protected_post(client).items():
        page = response.content.decode()
        assert RESERVED_TEXT not in page and "Enfin les tarifs" not in page and "tarifs 2024" not in page, address


def test_a_post_protected_since_its_import_leaves_the_public_site(db, tmp_path, media_dir, client):
    run_import(write_export(tmp_path, [*export_items(), protected_post(password="")]), "--media-dir", str(media_dir))
    assert article(30).is_visible and client.get("/?p=30").status_code == 301

    report = run_import(write_export(tmp_path, [*export_items(), protected_post()], name="newer.xml"))

    assert article(30).status == Article.Status.UNPUBLISHED
    assert "(WordPress n° 30) — protégé par un mot de passe dans WordPress : importé sans être publié" in report
    for address, response in public_pages_of_the_protected_post(client).items():
        assert RESERVED_TEXT not in response.content.decode(), address


def test_a_protected_post_the_newsroom_published_and_edited_here_is_reported_not_withdrawn(
    db, tmp_path, media_dir, editor
):
    run_import(write_export(tmp_path, [*export_items(), protected_post(password="")]), "--media-dir", str(media_dir))
    reserved = article(30)
    reserved.title = "Les tarifs 2024, revus par la rédaction"
    reserved.save(by=editor)
    ArticleRevision.objects.record(reserved, editor)

    report = run_import(write_export(tmp_path, [*export_items(), protected_post()], name="newer.xml"))

    assert article(30).is_visible  # the newsroom's decision, as for any article edited here
    assert (
        "(WordPress n° 30) — protégé par un mot de passe dans WordPress, mais modifié dans la rédaction : laissé tel quel"
        in report
    )


def test_an_unchanged_post_keeps_its_fingerprint_now_that_protection_is_read():
    """Re-running an older import must not rewrite every post because the reader learnt a field."""
    from wordpress import wxr as reader
    from wordpress.importer import post_fingerprint

    plain = reader.Item("1", title="Titre")
    assert post_fingerprint(plain) == content_digest_without_protection(plain)
    assert post_fingerprint(reader.Item("1", title="Titre", protected=True)) != post_fingerprint(plain)


def content_digest_without_protection(item):
    from dataclasses import asdict

    from wordpress.importer import digest

    data = {**asdict(item), "comments": None}
    del data["protected"]
    del data["menu_order"]  # read since too (attachments' order, issue 24), never in a post's fingerprint
    return digest(data)


# Hostile or broken exports ----------------------------------------------------------------------------


def test_files_outside_the_media_folder_are_never_read(db, tmp_path, media_dir):
    outside = tmp_path / "ailleurs"
    outside.mkdir()
    (outside / "secret.jpg").write_bytes(jpeg((64, 48), "#ff0000"))
    items = [
        attachment(100, "../ailleurs/secret.jpg", alt="Relative"),
        attachment(101, str(outside / "secret.jpg"), alt="Absolute"),
        wxr.Item(1, "Chemins", slug="chemins", date_gmt=PAST, meta={"_thumbnail_id": "100"},
                 content=f'<img src="{UPLOADS}/../../ailleurs/secret.jpg"> [caption id="attachment_101"]x[/caption]'),
    ]  # fmt: skip
    report = run_import(write_export(tmp_path, items), "--media-dir", str(media_dir))
    assert not Image.objects.exists()
    assert article(1).main_image is None
    assert re.search(r"\(WordPress n° 100\) — fichier d’image introuvable : \.\./ailleurs/secret\.jpg", report)


def test_a_broken_post_leaves_no_phantom_term_or_author_to_the_next(db, tmp_path, monkeypatch):
    comment_text = content.comment_text

    def breaking(text):
        if "panne" in text:
            raise RuntimeError("panne simulée")
        return comment_text(text)

    monkeypatch.setattr(content, "comment_text", breaking)
    terms = [("category", "nouvelle", "Nouvelle"), ("post_tag", "inedit", "Inédit"), ("ville", "nancy", "Nancy")]
    items = [
        wxr.Item(1, "Cassé", slug="casse", date_gmt=PAST, content="x", creator="nouvelle-plume", terms=terms,
                 comments=[wxr.Comment(10, "panne")]),
        wxr.Item(2, "Entier", slug="entier", date_gmt=PAST, content="x", creator="nouvelle-plume", terms=terms),
    ]  # fmt: skip
    path = tmp_path / "export.xml"
    path.write_text(wxr.document(items, site=SITE), encoding="utf-8")
    report = run_import(path)
    assert "(WordPress n° 1) — article non importé" in report and "(WordPress n° 2)" not in report
    entier = article(2)
    assert entier.section.name == "Nouvelle" and list(entier.tags.names()) == ["Inédit"]
    assert entier.territories.get().name == "Nancy" and entier.authors.get().username == "nouvelle-plume"


def test_categories_whose_long_names_begin_alike_do_not_stop_the_import(db, tmp_path):
    terms = [
        wxr.Term(1, "category", "longue-1", "L" * 120 + " un"),
        wxr.Term(2, "category", "longue-2", "L" * 120 + " deux"),
    ]
    items = [wxr.Item(1, "Rangé", slug="range", date_gmt=PAST, content="x", terms=[("category", "longue-2", "L")])]
    path = tmp_path / "export.xml"
    path.write_text(wxr.document(items, site=SITE, terms=terms), encoding="utf-8")
    run_import(path)
    assert article(1).section.name == "L" * 100


def test_a_term_or_author_that_cannot_be_written_is_reported_and_the_import_goes_on(db, tmp_path, monkeypatch):
    from wordpress.importer import WordPressImport

    def breaking(self, role, name, slug, term):
        raise RuntimeError("panne simulée")

    monkeypatch.setattr(WordPressImport, "create_term", breaking)
    terms = [wxr.Term(1, "category", "economie", "Économie")]
    items = [wxr.Item(1, "Rangé", slug="range", date_gmt=PAST, content="x", terms=[("category", "economie", "É")])]
    path = tmp_path / "export.xml"
    path.write_text(wxr.document(items, site=SITE, terms=terms), encoding="utf-8")
    report = run_import(path)
    assert "« Économie » (WordPress n° 1) — élément non importé : RuntimeError : panne simulée" in report
    assert "« Rangé » (WordPress n° 1) — article non importé" in report  # its category fails again, reported


def test_a_repeated_post_id_does_not_overwrite_the_first_and_a_second_run_changes_nothing(db, tmp_path):
    items = [
        wxr.Item(3, "Premier", slug="premier", date_gmt=PAST, content="Le premier."),
        wxr.Item(3, "Second", slug="second", date_gmt=PAST, content="Le second."),
    ]
    path = write_export(tmp_path, items)
    report = run_import(path)
    assert article(3).title == "Premier"
    assert "« Second » (WordPress n° 3) — article non importé : identifiant WordPress en double" in report
    before = every_row()
    run_import(path)
    assert every_row() == before


def test_an_author_named_by_an_email_address_is_not_bylined_with_it(db, tmp_path, client):
    email = "stagiaire@example.org"
    items = [
        wxr.Item(1, "Par un stagiaire", slug="stagiaire", date_gmt=PAST, content="x", creator=email),
        wxr.Item(2, "Par un inconnu", slug="inconnu", date_gmt=PAST, content="x", creator="pigiste@example.net"),
    ]
    path = tmp_path / "export.xml"
    path.write_text(wxr.document(items, site=SITE, authors=[wxr.Author(email, email, email)]), encoding="utf-8")
    run_import(path)
    for wordpress_id, address in [(1, email), (2, "pigiste@example.net")]:
        assert address not in client.get(article(wordpress_id).get_absolute_url()).content.decode()
        assert address not in article(wordpress_id).authors.get().get_full_name()


def test_terms_without_name_or_slug_create_nothing_empty(db, tmp_path):
    items = [
        wxr.Item(1, "Vide", slug="vide", date_gmt=PAST, content="x", terms=[("category", "", ""), ("post_tag", "", "")])
    ]
    run_import(write_export(tmp_path, items))
    assert not Section.objects.filter(name="").exists() and not Tag.objects.filter(name="").exists()
    assert article(1).section.name == "Non classé"


def test_a_published_post_without_a_readable_date_is_not_dated_today(db, tmp_path):
    items = [wxr.Item(1, "Sans date", slug="sans-date", date_gmt=None, date=None, content="x")]
    path = write_export(tmp_path, items)
    report = run_import(path)
    assert not article(1).is_visible and article(1).published_at is None
    assert "« Sans date » (WordPress n° 1) — date de publication illisible" in report
    before = every_row()
    run_import(path)
    assert every_row() == before


def test_a_post_with_a_very_long_slug_or_address_is_imported(db, tmp_path):
    items = [wxr.Item(1, "Long", slug="a" * 250, date_gmt=PAST, content="x", link=f"{SITE}/{'b' * 600}/")]
    run_import(write_export(tmp_path, items))
    row = ImportedItem.objects.get(kind="post", wordpress_id="1")
    assert len(row.wordpress_slug) <= 200 and len(row.old_path) <= 500
    assert len(row.article.slug) <= 200


def test_repeated_comment_ids_keep_the_post_and_the_first_comment(db, tmp_path):
    items = [
        wxr.Item(1, "Premier", slug="premier", date_gmt=PAST, content="x", comments=[wxr.Comment(10, "Le vrai.")]),
        wxr.Item(2, "Second", slug="second", date_gmt=PAST, content="x",
                 comments=[wxr.Comment(10, "Un autre."), wxr.Comment(11, "Doublé."), wxr.Comment(11, "Doublé bis.")]),
    ]  # fmt: skip
    path = write_export(tmp_path, items)
    run_import(path)
    assert list(Comment.objects.filter(article=article(1)).values_list("body", flat=True)) == ["Le vrai."]
    assert list(Comment.objects.filter(article=article(2)).values_list("body", flat=True)) == ["Doublé."]
    before = every_row()
    run_import(path)
    assert every_row() == before


def test_a_slug_and_title_in_another_script_give_the_article_its_wordpress_number(db, tmp_path, client):
    cyrillic = "%d0%bf%d1%80%d0%b8%d0%b2%d0%b5%d1%82"
    items = [
        wxr.Item(4, "Привет", slug=cyrillic, date_gmt=PAST, content=f'<a href="{SITE}/?p=5">lien</a>'),
        wxr.Item(5, "Мир", slug="%d0%bc%d0%b8%d1%80", date_gmt=PAST, content="x"),
    ]
    run_import(write_export(tmp_path, items))
    assert (article(4).slug, article(5).slug) == ("article-4", "article-5")
    assert 'href="/article/article-5/"' in article(4).body
    assert client.get(f"/{cyrillic}/")["Location"] == "/article/article-4/"


def test_an_author_is_never_merged_with_somebody_else_who_has_the_login(db, tmp_path, make_user):
    User = get_user_model()
    admin = User.objects.create_superuser("admin", "", "secret")  # createsuperuser lets the email be empty
    other = make_user("redac-wordpress", email="autre@example.org")
    items = [
        wxr.Item(1, "Par admin", slug="par-admin", date_gmt=PAST, content="x", creator="admin"),
        wxr.Item(2, "Par la rédaction", slug="par-redac", date_gmt=PAST, content="x", creator="redac"),
    ]
    make_user("redac", email="redac.locale@example.org")
    run_import(write_export(tmp_path, items))
    assert article(1).authors.get() != admin and not article(1).authors.get().is_superuser
    assert article(2).authors.get() not in (other, User.objects.get(username="redac"))
    assert article(2).authors.get().email == "redac@example.org"


def test_attachments_that_are_not_pictures_go_to_the_documents_not_reported_as_broken_images(db, tmp_path, media_dir):
    # Issue 24: PDFs, sounds and videos go to the document library (tests/test_wordpress_media.py); a broken
    # one is a refused document, a missing one a missing document, never a broken or missing image.
    (media_dir / "2016/07/dossier.pdf").write_bytes(b"%PDF-1.4 un dossier de presse")
    items = [attachment(200, "2016/07/dossier.pdf"), attachment(201, "2016/07/interview.mp3")]
    report = run_import(write_export(tmp_path, items), "--media-dir", str(media_dir))
    assert "document refusé" in report and "fichier de document introuvable" in report
    assert "image illisible" not in report and "fichier d’image introuvable" not in report
    # Neither a folder nor downloads: skipped as before, not reported one by one.
    report = run_import(write_export(tmp_path, items))
    assert "fichiers joints qui ne sont pas des images (PDF, son, vidéo…) : 2" in report


def test_an_imported_author_cannot_sign_in_nor_reset_a_password(imported, client):
    assert not client.login(username="cdupont", password="")
    # Django's password reset, were it offered, would find no account to mail for that address.
    assert list(PasswordResetForm().get_users(EMAILS[0])) == []
