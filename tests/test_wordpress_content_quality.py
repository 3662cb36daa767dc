"""What readers and the migration team get of a WordPress post beyond its text (issue 24).

Reusable blocks inlined and updated, footnotes numbered with a list of notes, a standfirst that never
repeats the body, bylines that never show a login, Yoast's and Rank Math's SEO data and primary
category, a binned post's slug, and a report whose counts are the same in a dry run, a run and a
re-run, written as Markdown or CSV. Small exports are written here for each case (bench.wxr);
WordPress's own block test data (../shared/wordpress/, never copied here) is read where it has the case.
"""

import csv
import os
import re
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from factories import jpeg

from articles.models import Article, Section
from bench import wxr
from wordpress import post_parts
from wordpress.importer import Options, WordPressImport
from wordpress.models import ImportedItem

SITE = "https://ancien.example.fr"
PAST = datetime(2024, 5, 14, 9, 30, tzinfo=UTC)
BLOCK_TEST_DATA = Path(__file__).resolve().parents[2] / "shared" / "wordpress" / "64-block-test-data.xml"
FOOTNOTES_POST = 75  # the block test data's « Footnotes » post

needs_block_test_data = pytest.mark.skipif(
    not BLOCK_TEST_DATA.exists() and not os.environ.get("CI"), reason="WordPress's block test data is not here"
)

AUTHORS = [
    wxr.Author("admin", "admin@example.org", "admin"),
    wxr.Author("secretariat", "secretariat@example.org", "Secretariat"),
    wxr.Author("cdupont", "claire@example.org", "cdupont", "Claire", "Dupont"),
]
TERMS = [
    wxr.Term(3, "category", "economie", "Économie"),
    wxr.Term(4, "category", "sport", "Sport"),
]
SUBSCRIBE = (
    '<!-- wp:paragraph {"className":"abonnement"} -->\n<p class="abonnement">Abonnez-vous pour 1 € le premier mois.</p>'
    "\n<!-- /wp:paragraph -->"
)


def block(post_id, text, *, status="publish"):
    return wxr.Item(post_id, "Encadré abonnement", slug=f"bloc-{post_id}", content=text, status=status,
                    post_type="wp_block", date_gmt=PAST)  # fmt: skip


def post(post_id, content, **fields):
    values = {"title": f"Article {post_id}", "slug": f"article-{post_id}", "content": content, "date_gmt": PAST,
              "creator": "cdupont", "link": f"{SITE}/2024/05/14/article-{post_id}/",
              "terms": [("category", "economie", "Économie")]}  # fmt: skip
    values.update(fields)
    return wxr.Item(post_id, **values)


def write_export(folder: Path, items, name="export.xml") -> Path:
    path = folder / name
    path.write_text(wxr.document(items, site=SITE, authors=AUTHORS, terms=TERMS), encoding="utf-8")
    return path


def run_import(path, *args) -> str:
    out = StringIO()
    call_command("import_wordpress", str(path), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def article(wordpress_id) -> Article:
    return ImportedItem.objects.get(kind="post", wordpress_id=str(wordpress_id)).article


def reader_page(client, wordpress_id) -> str:
    page = client.get(article(wordpress_id).get_absolute_url())
    assert page.status_code == 200
    return page.content.decode()


def body_text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# Reusable blocks ---------------------------------------------------------------------------------------


def test_a_reusable_block_is_inlined_wherever_posts_name_it_and_a_missing_one_is_reported(db, tmp_path):
    items = [
        post(1, '<!-- wp:paragraph --><p>Le marché ouvre.</p><!-- /wp:paragraph -->\n<!-- wp:block {"ref":12} /-->'
                "\n<!-- wp:paragraph --><p>Suite du texte.</p><!-- /wp:paragraph -->"),
        post(2, '<p>Le stade est plein.</p>\n\n<!-- wp:block {"ref":12} /-->\n\n<p>Fin.</p>'),
        post(3, '<p>Un texte.</p>\n\n<!-- wp:block {"ref":99} /-->\n\n<p>La suite.</p>'),
        block(12, SUBSCRIBE),  # after the posts that use it, as in a real export
    ]  # fmt: skip
    report = run_import(write_export(tmp_path, items))
    for wordpress_id in (1, 2):
        assert "<p>Abonnez-vous pour 1 € le premier mois.</p>" in article(wordpress_id).body
    assert "wp:block" not in article(1).body
    assert "« Article 3 » (WordPress n° 3) — bloc réutilisable introuvable, sa place laissée vide : n° 99" in report
    assert "blocs réutilisables (insérés dans les articles qui les citent) : 1" in report
    assert Article.objects.count() == 3  # the block is no article


def test_a_changed_reusable_block_updates_every_post_using_it_on_the_next_import(db, tmp_path):
    posts = [post(1, '<p>Début.</p>\n\n<!-- wp:block {"ref":12} /-->'), post(2, '<!-- wp:block {"ref":12} /-->\n\n<p>Fin.</p>'),
             post(3, "<p>Sans bloc.</p>\n\n<p>Rien d’autre.</p>")]  # fmt: skip
    run_import(write_export(tmp_path, [*posts, block(12, SUBSCRIBE)]))
    untouched = article(3).revisions.count()
    run_import(write_export(tmp_path, [*posts, block(12, SUBSCRIBE)]))
    assert [article(n).revisions.count() for n in (1, 2, 3)] == [1, 1, untouched]  # same file: nothing written

    changed = block(12, "<p>Abonnez-vous : 2 € le premier mois.</p>")
    report = run_import(write_export(tmp_path, [*posts, changed]))
    for wordpress_id in (1, 2):
        assert "2 € le premier mois" in article(wordpress_id).body
        assert "1 €" not in article(wordpress_id).body
        assert article(wordpress_id).revisions.count() == 2
    assert article(3).revisions.count() == untouched  # a post without the block is not written again
    assert re.search(r"Articles\s+0\s+2\s+1\s+1\n", report)  # updated, updated, unchanged; the block itself


def test_a_draft_reusable_block_is_not_shown_as_wordpress_would_not(db, tmp_path):
    run_import(
        write_export(
            tmp_path, [post(1, '<p>Début.</p>\n\n<!-- wp:block {"ref":12} /-->'), block(12, SUBSCRIBE, status="draft")]
        )
    )
    assert "Abonnez-vous" not in article(1).body


# Footnotes ---------------------------------------------------------------------------------------------


def footnoted_post(post_id=1):
    notes = '[{"id":"n-a","content":"Selon l’Insee, <a href=\\"https://www.insee.fr/\\">chiffres 2023</a>."},{"id":"n-b","content":"Une autre note."}]'
    text = (
        "<!-- wp:paragraph --><p>Le chômage baisse.</p><!-- /wp:paragraph -->\n"
        '<!-- wp:paragraph --><p>Il recule de 2 %<sup data-fn="n-a" class="fn"><a href="#n-a" id="n-a-link">1</a></sup>'
        ' dans la région<sup data-fn="n-b" class="fn"><a href="#n-b" id="n-b-link">2</a></sup>.</p><!-- /wp:paragraph -->\n'
        "<!-- wp:footnotes /-->"
    )
    return post(post_id, text, meta={"footnotes": notes})


def test_footnotes_are_numbered_in_the_text_and_listed_under_notes_at_the_end(db, tmp_path, client):
    run_import(write_export(tmp_path, [footnoted_post()]))
    body = article(1).body
    assert "data-fn" not in body and "wp:footnotes" not in body
    assert (
        body.endswith(
            '<h2>Notes</h2><ol><li><p>Selon l’Insee, <a href="https://www.insee.fr/">chiffres 2023</a>.</p></li>'
            "<li><p>Une autre note.</p></li></ol>"
        )
        or 'id="note-1"' in body
    )
    assert re.search(r"recule de 2 %(?:<a [^>]*>)?\[1\]", body)
    assert re.search(r"la région(?:<a [^>]*>)?\[2\]", body)
    page = reader_page(client, 1)
    # Every link inside the page leads somewhere: no number that links nowhere (the complaint).
    for target in re.findall(r'href="#([^"]+)"', page):
        assert f'id="{target}"' in page, target


def test_the_calls_and_the_notes_link_both_ways(db, tmp_path):
    # articles.body keeps footnotes' ids (« appel-N », « note-N »): the import writes the links both ways.
    assert post_parts.anchors_kept() is True
    run_import(write_export(tmp_path, [footnoted_post()]))
    body = article(1).body
    assert '<a href="#note-1" id="appel-1">[1]</a>' in body and '<a href="#note-2" id="appel-2">[2]</a>' in body
    assert '<li id="note-1"><p>Selon' in body and '<a href="#appel-1" title="Revenir au texte">↩</a></p></li>' in body


def test_a_call_of_no_note_is_removed_and_reported_and_a_note_no_call_names_is_still_listed(db, tmp_path):
    item = post(1, '<p>Début<sup data-fn="perdu"><a href="#perdu">1</a></sup>.</p>\n\n<p>Fin.</p>',
                meta={"footnotes": '[{"id":"seule","content":"Note orpheline."}]'})  # fmt: skip
    report = run_import(write_export(tmp_path, [item]))
    body = article(1).body
    assert article(1).standfirst == "Début." and "perdu" not in body
    assert re.search(r"<h2>Notes</h2><ol><li[^>]*><p>Note orpheline\.", body)
    assert "appels de note sans note, retirés : 1" in report


@needs_block_test_data
def test_the_block_test_datas_footnotes_reach_readers(db, client):
    run_import(BLOCK_TEST_DATA)
    body = article(FOOTNOTES_POST).body
    assert re.search(r"A paragraph(?:<a [^>]*>)?\[1\]", body)
    assert re.search(r"Another paragraph(?:<a [^>]*>)?\[2\]", body)
    assert re.search(r"<h2>Notes</h2><ol><li[^>]*><p>A note.*</li><li[^>]*><p>Another note", body)
    page = reader_page(client, FOOTNOTES_POST)
    assert "Another note" in page
    for target in re.findall(r'href="#([^"]+)"', page):
        assert f'id="{target}"' in page, target


# The standfirst ----------------------------------------------------------------------------------------


def test_without_an_excerpt_the_first_paragraph_becomes_the_standfirst_and_leaves_the_body(db, tmp_path, client):
    run_import(write_export(tmp_path, [post(1, "Le marché de Metz rouvre samedi.\n\nLes commerçants sont prêts.")]))
    imported = article(1)
    assert imported.standfirst == "Le marché de Metz rouvre samedi."
    assert imported.body == "<p>Les commerçants sont prêts.</p>"
    page = reader_page(client, 1)
    assert page.count('<p class="standfirst">') == 1
    assert "rouvre samedi" not in page.split('<p class="standfirst">', 1)[1].split("</p>", 1)[1]


def test_an_excerpt_that_repeats_the_first_paragraph_takes_it_out_of_the_body(db, tmp_path):
    item = post(1, "Le marché de Metz rouvre samedi.\n\nLes commerçants sont prêts.",
                excerpt="Le marché de Metz rouvre samedi")  # fmt: skip
    run_import(write_export(tmp_path, [item]))
    assert article(1).standfirst == "Le marché de Metz rouvre samedi"
    assert article(1).body == "<p>Les commerçants sont prêts.</p>"


def test_a_first_paragraph_a_standfirst_could_not_hold_stays_in_the_body_and_no_standfirst_repeats_it(db, tmp_path):
    with_link = f'Lire <a href="{SITE}/ailleurs/">notre enquête</a> d’abord.\n\nLa suite.'
    run_import(write_export(tmp_path, [post(1, with_link), post(2, "Un seul paragraphe.")]))
    for wordpress_id in (1, 2):
        imported = article(wordpress_id)
        assert imported.standfirst == ""
        assert body_text(imported.body).startswith(("Lire notre enquête", "Un seul paragraphe"))


def test_an_excerpt_other_than_the_first_paragraph_is_the_standfirst_and_the_body_is_whole(db, tmp_path):
    run_import(write_export(tmp_path, [post(1, "Premier.\n\nSecond.", excerpt="Un chapô écrit à part.")]))
    assert article(1).standfirst == "Un chapô écrit à part."
    assert article(1).body == "<p>Premier.</p><p>Second.</p>"


# Bylines -----------------------------------------------------------------------------------------------


def test_a_display_name_that_is_the_login_gives_no_name_and_readers_never_see_a_login(db, tmp_path, client):
    items = [post(1, "Un.\n\nDeux.", creator="admin"), post(2, "Un.\n\nDeux.", creator="secretariat"),
             post(3, "Un.\n\nDeux.", creator="cdupont"), post(4, "Un.\n\nDeux.", creator="inconnu")]  # fmt: skip
    User = get_user_model()
    User.objects.create_user("admin", "autre@example.org", "x")  # the newsroom's own admin: the author is another
    run_import(write_export(tmp_path, items))
    admin = ImportedItem.objects.get(kind="author", wordpress_id="admin").user
    assert admin.username == "admin-wordpress"
    assert (admin.first_name, admin.last_name) == ("", "")
    secretariat = ImportedItem.objects.get(kind="author", wordpress_id="secretariat").user
    assert (secretariat.first_name, secretariat.last_name) == ("", "")  # « Secretariat »: the login, capitalised
    claire = ImportedItem.objects.get(kind="author", wordpress_id="cdupont").user
    assert (claire.first_name, claire.last_name) == ("Claire", "Dupont")
    assert get_user_model().objects.get(username="inconnu").get_full_name() == ""
    for wordpress_id, byline in ((1, "La rédaction"), (2, "La rédaction"), (3, "Claire Dupont"), (4, "La rédaction")):
        page = reader_page(client, wordpress_id)
        assert byline in page
        assert not re.search(r"Par\s+(?:<[^>]+>\s*)*(?:admin|secretariat|Secretariat|inconnu)\b", page)


# SEO ---------------------------------------------------------------------------------------------------


def test_yoast_and_rank_math_titles_and_descriptions_with_their_variables(db, tmp_path, client):
    items = [
        post(1, "Un.\n\nDeux.", title="Budget 2025 : la ville investit",
             meta={"_yoast_wpseo_title": "%%title%% %%sep%% %%sitename%%",
                   "_yoast_wpseo_metadesc": "Tout sur %%title%% %%page%% en %%category%%."}),
        post(2, "Un.\n\nDeux.", title="Le FC Metz gagne",
             meta={"rank_math_title": "%title% : le résumé %sep% %sitename%",
                   "rank_math_description": "Le match, les buts, %excerpt%"}),
        post(3, "Un.\n\nDeux.", meta={"_yoast_wpseo_title": "x" * 90, "_yoast_wpseo_metadesc": "mot " * 60}),
    ]  # fmt: skip
    report = run_import(write_export(tmp_path, items))
    first, second, third = article(1), article(2), article(3)
    assert first.seo_title == ""  # only the post's own title: nothing to override
    assert first.seo_description == "Tout sur Budget 2025 : la ville investit en Économie."
    assert second.seo_title == "Le FC Metz gagne : le résumé"
    assert second.seo_description == "Le match, les buts, Un."
    assert len(third.seo_title) <= 70 and third.seo_title.endswith("…")
    assert len(third.seo_description) <= 160 and third.seo_description.endswith("…")
    assert "titre pour les moteurs de recherche de plus de 70 caractères" in report
    page = reader_page(client, 2)
    assert "<title>Le FC Metz gagne : le résumé – " in page
    assert 'content="Le match, les buts, Un."' in page
    assert "%" not in first.seo_description + second.seo_title + second.seo_description


def test_the_primary_category_decides_the_section_the_others_stay_tags(db, tmp_path):
    categories = [("category", "economie", "Économie"), ("category", "sport", "Sport")]
    items = [post(1, "Un.\n\nDeux.", terms=categories, meta={"_yoast_wpseo_primary_category": "4"}),
             post(2, "Un.\n\nDeux.", terms=categories, meta={"rank_math_primary_category": "4"}),
             post(3, "Un.\n\nDeux.", terms=categories)]  # fmt: skip
    run_import(write_export(tmp_path, items))
    assert article(1).section.slug == article(2).section.slug == "sport"
    assert list(article(1).tags.names()) == ["Économie"]
    assert article(3).section.slug == "economie"  # no primary category: the first one, as before
    assert Section.objects.filter(slug="sport").exists()


# Trashed posts -----------------------------------------------------------------------------------------


def test_a_binned_post_loses_wordpress_s_trashed_suffix_and_stays_off_the_site(db, tmp_path, client):
    items = [post(1, "Un.\n\nDeux.", slug="mon-article__trashed", status="trash"),
             post(2, "Un.\n\nDeux.", slug="autre__trashed-2", status="trash", meta={"_wp_desired_post_slug": "autre"})]  # fmt: skip
    run_import(write_export(tmp_path, items), "--status", "trash")
    assert article(1).slug == "mon-article" and article(2).slug == "autre"
    assert ImportedItem.objects.get(kind="post", wordpress_id="1").wordpress_slug == "mon-article"
    for wordpress_id in (1, 2):
        assert article(wordpress_id).status == Article.Status.UNPUBLISHED
        assert client.get(f"/article/{article(wordpress_id).slug}/").status_code == 404


def test_the_untrashed_slug_prefers_the_slug_wordpress_kept():
    assert post_parts.untrashed_slug("x__trashed", {"_wp_desired_post_slug": "mon-titre"}) == "mon-titre"
    assert post_parts.untrashed_slug("x__trashed-3", {}) == "x"
    assert post_parts.untrashed_slug("garde", {}) == "garde"


# The report --------------------------------------------------------------------------------------------


def mixed_export(tmp_path, *, photos=False) -> Path:
    """Every kind of item and outcome: posts of every status, a private post with comments,
    comments of every status, an undeclared author, a picture with no file, a reusable block, an error."""
    comments = [wxr.Comment(10, "Bravo", author="A", date_gmt=PAST), wxr.Comment(11, "Merci", author="B", parent=10, date_gmt=PAST),
                wxr.Comment(12, "En attente", author="C", approved="0", date_gmt=PAST),
                wxr.Comment(13, "Pilules", author="D", approved="spam"), wxr.Comment(14, "Lien", author="E", comment_type="pingback")]  # fmt: skip
    picture = wxr.Item(50, "Photo", slug="photo", status="inherit", post_type="attachment",
                       attachment_url=f"{SITE}/wp-content/uploads/2024/05/absente.jpg", meta={"_wp_attached_file": "2024/05/absente.jpg"})  # fmt: skip

    def photo(post_id, name):
        (tmp_path / "uploads/2024/05").mkdir(parents=True, exist_ok=True)
        (tmp_path / "uploads/2024/05" / name).write_bytes(jpeg((64, 48), "#336699"))
        return wxr.Item(post_id, "Photo", slug=f"photo-{post_id}", status="inherit", post_type="attachment",
                        attachment_url=f"{SITE}/wp-content/uploads/2024/05/{name}",
                        meta={"_wp_attached_file": f"2024/05/{name}", "_wp_attachment_image_alt": "Une photo"})  # fmt: skip

    with_photos = [
        photo(51, "avant.jpg"),  # before the post showing it, and after (below)
        post(7, f'<p>Photos.</p><p><img class="wp-image-51" src="{SITE}/wp-content/uploads/2024/05/avant.jpg" alt=""></p>'
                f'<p><img class="wp-image-52" src="{SITE}/wp-content/uploads/2024/05/apres.jpg" alt=""></p>'),
        photo(52, "apres.jpg"),
    ]  # fmt: skip
    items = [
        *(with_photos if photos else []),
        post(1, '<p>Un.</p>\n\n<!-- wp:block {"ref":12} /-->', comments=comments, meta={"_thumbnail_id": "50"}),
        picture,
        post(2, "Deux.\n\nTrois.", creator="nouveau", comments=[wxr.Comment(20, "Oui", author="F", date_gmt=PAST)]),
        post(3, "Privé.", status="private", comments=[wxr.Comment(30, "Secret", author="G", date_gmt=PAST)]),
        post(5, "Brouillon.", status="draft"),
        post(6, "Un double.", comments=[wxr.Comment(60, "Perdu", author="I", date_gmt=PAST)]),
        post(6, "Le même identifiant.", comments=[wxr.Comment(61, "Perdu aussi", author="J", date_gmt=PAST)]),
        block(12, SUBSCRIBE),
    ]  # fmt: skip
    return write_export(tmp_path, items)


def totals(report) -> dict:
    """Per kind, every item counted once whatever its outcome."""
    kinds = {kind for kind, _outcome in report.counts}
    return {kind: sum(number for (k, _o), number in report.counts.items() if k == kind) for kind in kinds}


def dry_run_and_re_run(path: Path, media_dir: Path):
    dry = WordPressImport(path, Options(media_dir=media_dir, dry_run=True)).run()
    assert not Article.objects.exists()
    first = WordPressImport(path, Options(media_dir=media_dir)).run()
    again = WordPressImport(path, Options(media_dir=media_dir)).run()
    return dry, first, again


def test_a_picture_whose_item_comes_after_its_post_is_counted_once(db, tmp_path):
    # Imported through the post, then met at its own item: not counted a second time there.
    dry, first, again = dry_run_and_re_run(mixed_export(tmp_path, photos=True), tmp_path / "uploads")
    assert dry.counts == first.counts
    assert totals(first) == totals(again)


def test_the_counts_are_the_same_in_a_dry_run_a_run_and_a_re_run(db, tmp_path):
    dry, first, again = dry_run_and_re_run(mixed_export(tmp_path), tmp_path / "uploads")
    assert dry.counts == first.counts
    assert dry.skipped == first.skipped
    assert totals(first) == totals(again)
    assert first.skipped == again.skipped
    assert again.counts["post", "imported"] == again.counts["comment", "imported"] == 0
    # The comments of the private post and of the second post n° 6 are counted, as skipped.
    assert first.skipped["commentaires d’éléments non importés"] == 2
    assert totals(first)["comment"] == 5 + 1 + 1 + 1 + 1


def test_the_report_is_written_as_markdown_or_csv_for_the_migration_team(db, tmp_path):
    path = mixed_export(tmp_path)
    printed = run_import(path, "--dry-run", "--report", str(tmp_path / "rapport.md"))
    markdown = (tmp_path / "rapport.md").read_text(encoding="utf-8")
    assert markdown.startswith(f"# Import WordPress de {SITE}\n")
    assert "| Articles | 4 | 0 | 0 | 3 |" in markdown
    assert "## Problèmes à reprendre" in markdown
    assert "| Article 6 | 6 | article non importé | identifiant WordPress en double |" in markdown
    assert "Simulation (--dry-run)" in markdown and "Simulation (--dry-run)" in printed

    run_import(path, "--report", str(tmp_path / "rapport.csv"))
    with open(tmp_path / "rapport.csv", encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream))
    assert rows[0] == ["ligne", "élément", "WordPress n°", "résultat ou problème", "nombre", "détail"]
    assert ["compte", "Articles", "", "importés", "4", ""] in rows
    assert ["ignorés", "", "", "commentaires d’éléments non importés", "2", ""] in rows
    assert ["problème", "Article 6", "6", "article non importé", "", "identifiant WordPress en double"] in rows


def test_a_report_file_of_another_kind_or_folder_is_refused_before_anything_is_imported(db, tmp_path):
    path = mixed_export(tmp_path)
    for wrong in ("rapport.txt", "absent/rapport.md"):
        with pytest.raises(CommandError, match="--report"):
            run_import(path, "--report", str(tmp_path / wrong))
    assert not Article.objects.exists()


def test_a_title_that_would_be_a_spreadsheet_formula_is_quoted_in_the_csv(db, tmp_path):
    item = post(1, '<p>x</p><!-- wp:block {"ref":99} /-->', title='=HYPERLINK("https://evil.example")')
    run_import(write_export(tmp_path, [item]), "--report", str(tmp_path / "r.csv"))
    text = (tmp_path / "r.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text
    assert "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("%%title%% %%sep%% %%sitename%%", ""),  # the post's own title: nothing of its own
        ("%%sitename%% | %%title%%", ""),
        ("Budget %%sep%% Ville %%page%%", "Budget – Ville"),  # a separator between two words stays
        ("%title% : le résumé %sep% %sitename%", "Mon titre : le résumé"),
        ("Le match, les buts, %excerpt%", "Le match, les buts"),  # no excerpt: no hanging comma
        ("Spécial %%currentyear%% %%cf_rubrique%%", "Spécial"),  # unknown or moving variables dropped
    ],
)
def test_seo_variables_are_expanded_or_dropped_with_what_they_leave_hanging(template, expected):
    seo = post_parts.seo_data({"rank_math_title": template}, title="Mon titre", excerpt="", category="Sport")
    assert seo.title == expected
