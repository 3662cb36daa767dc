"""What WordPress posts hold beyond text, imported as the body's own forms (issue 23): tables, quotations
with their source, pull quotes, embeds, galleries, sounds, videos and files.

Real items of WordPress's own test exports (../shared/wordpress/, never copied here) go through
``manage.py import_wordpress``; the stored bodies, the public pages and the report are checked. What
the body cannot hold (a table past the limits, a provider articles.embeds does not know, a gallery
whose pictures are not in the library, a sound not in the document library) stays text or a link,
and the report says so.
"""

import os
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from factories import jpeg, make_document, mp4_video
from lxml import etree

from articles.body import clean_body
from articles.models import Article, ArticleRevision
from wordpress import content, importer, wxr
from wordpress.models import ImportedItem

SHARED = Path(__file__).resolve().parents[2] / "shared" / "wordpress"
BLOCKS = SHARED / "64-block-test-data.xml"
THEME = SHARED / "themeunittestdata.wordpress.xml"
SITE = "https://wpthemetestdata.wordpress.com"
# The pictures the block test data's galleries show (its attachments have no file of their own here).
PICTURES = ["100_5540.jpg", "dcp_2082.jpg", "dsc03149.jpg", "dsc09114.jpg", "windmill.jpg", "img_0747.jpg"]
# Items of the block test data: their WordPress ids.
QUOTE, PULLQUOTE, TABLE, GALLERY, AUDIO, FILE, VIDEO, SHORTCODES = 23, 47, 57, 84, 86, 90, 95, 165

needs_exports = pytest.mark.skipif(
    not (BLOCKS.exists() and THEME.exists()) and not os.environ.get("CI"),
    reason="WordPress's test exports are not on this machine",
)


def run_import(path, *args) -> str:
    out = StringIO()
    call_command("import_wordpress", str(path), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def article(wordpress_id):
    return ImportedItem.objects.get(kind="post", wordpress_id=str(wordpress_id)).article


def problems_of(report: str, wordpress_id) -> list[str]:
    """The report's lines about one post, without the title."""
    return [line.split(" — ", 1)[1] for line in report.splitlines() if f"(WordPress n° {wordpress_id}) — " in line]


def public_page(client, wordpress_id) -> str:
    page = client.get(article(wordpress_id).get_absolute_url())
    assert page.status_code == 200
    return page.content.decode()


@pytest.fixture
def pictures(tmp_path):
    """A copy of the old site's uploads holding the block test data's pictures (not its sound nor its video)."""
    folder = tmp_path / "uploads"
    (folder / "2008/06").mkdir(parents=True)
    for number, name in enumerate(PICTURES):
        (folder / "2008/06" / name).write_bytes(jpeg((800, 600), f"#{number * 30 + 40:02x}6699"))
    return folder


@pytest.fixture
def blocks(db, pictures):
    """The block test data imported once, with its pictures."""
    return run_import(BLOCKS, "--media-dir", str(pictures))


# Tables, quotations, pull quotes --------------------------------------------------------------------


@needs_exports
def test_table_blocks_become_tables_with_their_caption_and_header_cells(blocks, client):
    body = article(TABLE).body
    assert "Cell 1 – Cell 2" not in body
    assert body.startswith(
        "<table><caption>Caption</caption><tbody><tr><td><p>Cell 1</p></td><td><p>Cell 2</p></td></tr>"
        "<tr><td><p>Cell 3</p></td><td><p>Cell 4</p></td></tr></tbody></table>"
        '<table><caption>Caption</caption><tbody><tr><th scope="col"><p>Header label</p></th>'
    )
    # The footer row (<tfoot>) is the table's last row.
    assert "<tr><td><p>Footer label</p></td><td><p>Footer label</p></td></tr></tbody></table>" in body
    page = public_page(client, TABLE)
    assert '<div class="table-scroll" role="region" tabindex="0" aria-labelledby="tableau-1"><table>' in page
    assert '<caption id="tableau-1">Caption</caption>' in page
    assert not problems_of(blocks, TABLE)


@needs_exports
def test_quote_blocks_keep_their_source_and_pull_quotes_are_set_apart(blocks, client):
    quote = article(QUOTE).body
    assert quote.count('<blockquote data-source="Citation">') == 26  # every quote block of the post
    assert '<blockquote data-source="Citation"><p>Quote, default (no alignment)</p></blockquote>' in quote
    assert "<em>Citation</em>" not in quote
    assert (
        '<figure class="quote"><blockquote><p>Quote, default (no alignment)</p></blockquote><figcaption>— Citation</figcaption></figure>'
        in public_page(client, QUOTE)
    )

    pullquote = article(PULLQUOTE).body
    assert '<blockquote data-pullquote=""><p>Pullquote, no alignment</p><p>— Citation</p></blockquote>' in pullquote
    assert '<figure class="pullquote"><blockquote><p>Pullquote, no alignment</p>' in public_page(client, PULLQUOTE)


@pytest.mark.parametrize(
    ("quotation", "stored"),
    [
        # The classic editor's: the source on the quotation's last line, after a dash or not.
        ("<blockquote>Il faut agir.\n— <cite>Jean Dupont, maire</cite></blockquote>", "Jean Dupont, maire"),
        ('<blockquote class="wp-block-quote"><p>Il faut agir.</p><cite>Jean Dupont</cite></blockquote>', "Jean Dupont"),
        ("<blockquote><p>Il faut agir.</p><p>- <cite><a href='https://x.fr'>Jean</a></cite></p></blockquote>", "Jean"),
    ],
)
def test_a_quotation_ending_with_its_cite_keeps_it_as_its_source(quotation, stored):
    converted = content.convert_body(quotation, NoLibrary(), site=SITE)
    assert converted.html == f'<blockquote data-source="{stored}"><p>Il faut agir.</p></blockquote>'


def test_a_cite_inside_a_sentence_or_alone_stays_words_of_the_quotation():
    converted = content.convert_body(
        "<blockquote><p>Comme le dit <cite>Le Monde</cite> :</p><p><cite>Hamlet</cite>, acte I.</p></blockquote>"
        "<blockquote><cite>Anonyme</cite></blockquote>",
        NoLibrary(),
        site=SITE,
    )
    assert converted.html == (
        "<blockquote><p>Comme le dit <em>Le Monde</em> :</p><p><em>Hamlet</em>, acte I.</p></blockquote>"
        "<blockquote><p><em>Anonyme</em></p></blockquote>"
    )


def test_classic_pull_quotes_are_pull_quotes():
    converted = content.convert_body(
        '<blockquote class="wp-block-pullquote"><p>Une phrase forte.</p><cite>La maire</cite></blockquote>',
        NoLibrary(),
        site=SITE,
    )
    assert converted.html == '<blockquote data-pullquote=""><p>Une phrase forte.</p><p>— La maire</p></blockquote>'


@needs_exports
def test_a_table_beyond_the_limits_stays_text_and_is_reported(db, pictures, settings):
    settings.BODY_TABLE_MAX_COLUMNS = 1
    report = run_import(BLOCKS, "--media-dir", str(pictures))
    body = article(TABLE).body
    assert "<table" not in body
    assert "<p>Cell 1 – Cell 2</p>" in body
    assert "<p><strong>Header label</strong> – <strong>Header label</strong></p>" in body
    assert "tableau trop grand, gardé en texte : « Caption » : 6 cellules sur 2 colonnes" in problems_of(report, TABLE)


def test_merged_cells_keep_their_text_and_are_reported():
    converted = content.convert_body(
        '<table><caption>Résultats</caption><tr><th colspan="2">Liste</th></tr><tr><td>Union</td><td>12 345</td></tr>'
        '<tr><td rowspan="2">Autres</td><td>3</td></tr></table>',
        NoLibrary(),
        site=SITE,
    )
    assert converted.html == (
        '<table><caption>Résultats</caption><tbody><tr><th scope="col"><p>Liste</p></th></tr>'
        "<tr><td><p>Union</p></td><td><p>12 345</p></td></tr><tr><td><p>Autres</p></td><td><p>3</p></td></tr>"
        "</tbody></table>"
    )
    assert converted.problems == [content.Problem(content.TABLE_SPANS, "« Résultats »")]


def test_classic_tables_their_cells_paragraphs_links_and_a_table_inside_a_cell():
    converted = content.convert_body(
        "<table>\n<thead><tr><th>Commune</th><th>Voix</th></tr></thead>\n<tbody>\n"
        '<tr><td><a href="https://metz.fr/">Metz</a>\n\nMoselle</td><td><table><tr><td>12</td><td>345</td></tr>'
        "</table></td></tr>\n</tbody></table>\nAprès.",
        NoLibrary(),
        site=SITE,
    )
    assert converted.html == (
        '<table><tbody><tr><th scope="col"><p>Commune</p></th><th scope="col"><p>Voix</p></th></tr>'
        '<tr><td><p><a href="https://metz.fr/">Metz</a></p><p>Moselle</p></td><td><p>12 345</p></td></tr>'
        "</tbody></table><p>Après.</p>"
    )
    assert clean_body(converted.html) == converted.html


# Galleries ----------------------------------------------------------------------------------------------


@needs_exports
def test_gallery_blocks_and_the_gallery_shortcode_become_galleries_of_library_images(blocks, client):
    windmill, img_0747 = (ImportedItem.objects.get(kind="attachment", wordpress_id=n).image_id for n in ("767", "769"))
    body = article(GALLERY).body
    assert body.startswith(
        f'<figure data-gallery="{img_0747} {windmill}"></figure>'
        f'<figure data-gallery="{img_0747} {windmill}"><figcaption>Gallery caption</figcaption></figure>'
    )
    assert "<img" not in body
    assert f'<figure data-gallery="{img_0747} {windmill}"></figure>' in article(SHORTCODES).body
    page = public_page(client, GALLERY)
    assert '<figure class="gallery" data-gallery-viewer>' in page
    assert "2 photos" in page  # articles.galleries' grid, with the library's pictures
    # The images' own captions in the post give way to the library's: said, not silently lost.
    assert (
        "légende d’une image de diaporama non reprise (la photothèque donne la sienne) : Single image caption"
        in problems_of(blocks, GALLERY)
    )


@needs_exports
def test_a_gallery_whose_pictures_are_missing_is_reported_and_imported_once_they_are_there(db, pictures):
    report = run_import(BLOCKS)
    assert "data-gallery" not in article(GALLERY).body
    assert "<p>Gallery caption</p>" in article(GALLERY).body  # the text stays
    assert "diaporama non importé : images absentes : Gallery caption" in problems_of(report, GALLERY)
    assert "diaporama non importé : images absentes : sans légende" in problems_of(report, SHORTCODES)

    report = run_import(BLOCKS, "--media-dir", str(pictures))
    assert "data-gallery" in article(GALLERY).body
    assert '<figure data-gallery="' in article(SHORTCODES).body
    assert not any("diaporama non importé" in problem for problem in problems_of(report, GALLERY))


# Embeds -------------------------------------------------------------------------------------------------


@needs_exports
def test_embeds_of_known_providers_become_facades_and_the_others_links(db, client):
    report = run_import(THEME)
    by_title = {row.article.title: row for row in ImportedItem.objects.filter(kind="post").select_related("article")}
    embeds = by_title["Block category: Embeds"].article
    assert '<figure data-embed="youtube" data-embed-id="ex8fMxXJDJw"><figcaption>YouTube</figcaption></figure>' in (
        embeds.body
    )
    assert '<figure data-embed="facebook" data-embed-id="' in embeds.body
    # wordpress.tv is no provider of ours: a link, and the report says it.
    wordpress_tv = (
        "https://wordpress.tv/2018/10/14/kjell-reigstad-allan-cole-how-we-made-our-first-gutenberg-powered-theme/"
    )
    assert f'<p><a href="{wordpress_tv}">{wordpress_tv}</a></p>' in embeds.body
    assert f"contenu intégré remplacé par un lien : {wordpress_tv}" in problems_of(
        report, by_title["Block category: Embeds"].wordpress_id
    )
    # WordPress's auto-embed: an address alone on its line.
    youtube = by_title["Post Format: Video (YouTube)"].article
    assert youtube.body.startswith('<figure data-embed="youtube" data-embed-id="SQEQr7c0-dw"></figure>')
    page = client.get(youtube.get_absolute_url()).content.decode()
    assert 'href="https://www.youtube.com/watch?v=SQEQr7c0-dw"' in page
    assert "<iframe" not in page  # nothing asked of YouTube before the reader's click
    assert not re.search(r"\[/?(embed|youtube|audio|video|gallery)\b", youtube.body + embeds.body)


@pytest.mark.parametrize(
    "shortcode",
    [
        "[embed]https://www.youtube.com/watch?v=dQw4w9WgXcQ[/embed]",
        "[youtube https://www.youtube.com/watch?v=dQw4w9WgXcQ]",
        "[youtube=https://www.youtube.com/watch?v=dQw4w9WgXcQ&amp;w=640&amp;h=360]",
        "[youtube dQw4w9WgXcQ]",
        '[video src="https://youtu.be/dQw4w9WgXcQ"]',
        '<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?rel=0"></iframe>',
        "<p>https://youtu.be/dQw4w9WgXcQ</p>",
        "<ul><li>https://youtu.be/dQw4w9WgXcQ</li></ul>",
        '<figure class="wp-block-embed"><div class="wp-block-embed__wrapper">https://youtu.be/dQw4w9WgXcQ</div></figure>',
        '<!-- wp:embed {"url":"https://youtu.be/dQw4w9WgXcQ","providerNameSlug":"youtube"} -->\n'
        '<figure class="wp-block-embed is-provider-youtube"><div class="wp-block-embed__wrapper">\n'
        "https://youtu.be/dQw4w9WgXcQ\n</div></figure>\n<!-- /wp:embed -->",
    ],
)
def test_every_way_wordpress_embedded_a_video_is_one_embed(shortcode):
    converted = content.convert_body(f"Avant.\n\n{shortcode}\n\nAprès.", NoLibrary(), site=SITE)
    assert converted.html == (
        '<p>Avant.</p><figure data-embed="youtube" data-embed-id="dQw4w9WgXcQ"></figure><p>Après.</p>'
    )
    assert converted.problems == []


def test_a_post_pasted_as_its_networks_embed_code_is_its_embed_with_its_text():
    """The code X gave to paste (as WordPress's own oEmbed cache in the theme test data holds it): no script
    of theirs, the post's text for readers before any click."""
    converted = content.convert_body(
        '<blockquote class="twitter-tweet" data-width="550" data-dnt="true"><p lang="en" dir="ltr">WordPress 5.0 '
        'Beta 2</p>&mdash; WordPress (@WordPress) <a href="https://twitter.com/WordPress/status/1057136472321613824'
        '?ref_src=twsrc%5Etfw">October 30, 2018</a></blockquote><script async src="https://platform.twitter.com/'
        'widgets.js" charset="utf-8"></script>'
        '<blockquote class="twitter-tweet"><p>Un message sans son adresse</p>&mdash; Quelqu’un</blockquote>',
        NoLibrary(),
        site=SITE,
    )
    assert converted.html == (
        '<figure data-embed="x" data-embed-id="1057136472321613824"><figcaption>WordPress 5.0 Beta 2 — WordPress '
        '(@WordPress) <a href="https://twitter.com/WordPress/status/1057136472321613824?ref_src=twsrc%5Etfw">'
        "October 30, 2018</a></figcaption></figure>"
        "<blockquote><p>Un message sans son adresse</p><p>— Quelqu’un</p></blockquote>"
    )
    assert clean_body(converted.html) == converted.html


# Sounds, videos, files -----------------------------------------------------------------------------------


@needs_exports
def test_sounds_videos_and_files_not_in_the_document_library_stay_links_reported(blocks, client):
    mp3 = "https://wpthemetestdata.files.wordpress.com/2008/06/originaldixielandjazzbandwithalbernard-stlouisblues.mp3"
    mov = "https://wpthemetestdata.files.wordpress.com/2013/12/2014-slider-mobile-behavior.mov"
    audio = article(AUDIO).body
    assert (
        f'<p><a href="{mp3}">St. Louis Blues, by Original Dixieland Jazz Band with Al Bernard (public domain)</a></p>'
        in (audio)
    )
    assert f"son, vidéo ou fichier absent de la médiathèque : lien vers l’ancien fichier : {mp3}" in problems_of(
        blocks, AUDIO
    )
    assert f'<p><a href="{mov}">With custom caption</a></p>' in article(VIDEO).body
    files = article(FILE).body
    assert f'<p><a href="{mov}">2014-slider-mobile-behavior</a></p>' in files
    assert "Download" not in files and "Custom button text" not in files  # the file's button, not text
    assert f'<p><a href="{mp3}">{mp3}</a></p>' in article(SHORTCODES).body  # [audio src=…]
    assert "<audio" not in public_page(client, AUDIO)


@pytest.mark.parametrize(
    "shortcode",
    [
        "[audio https://ancien.example.fr/wp-content/uploads/son.mp3]",
        '[audio mp3="/wp-content/uploads/son.mp3" autoplay="on"][/audio]',
        '[video width="640" mp4="/wp-content/uploads/son.mp3"]Votre navigateur ne lit pas les vidéos.[/video]',
    ],
)
def test_audio_and_video_shortcodes_without_the_document_library_are_links_to_their_file(shortcode):
    converted = content.convert_body(f"{shortcode} Fin.", NoLibrary(), site="https://ancien.example.fr")
    address = "https://ancien.example.fr/wp-content/uploads/son.mp3"
    assert converted.html == f'<p><a href="{address}">{address}</a></p><p>Fin.</p>'
    assert converted.problems == [content.Problem(content.MEDIA_AS_LINK, address)]


@pytest.mark.django_db
def test_sounds_videos_and_files_in_the_document_library_are_its_players_and_links():
    film = make_document(mp4_video(), name="film.mp4", title="Le film")
    budget = make_document(title="Budget 2024")
    library = NoLibrary(documents={1690: (film.pk, film.kind), 761: (budget.pk, budget.kind)})
    converted = content.convert_body(
        '<!-- wp:video {"id":1690} -->\n<figure class="wp-block-video"><video controls src="https://x.fr/a.mov">'
        '</video><figcaption class="wp-element-caption">Le pont</figcaption></figure>\n<!-- /wp:video -->\n\n'
        '<!-- wp:file {"id":761,"href":"https://x.fr/budget.pdf"} -->\n<div class="wp-block-file">'
        '<a id="wp-block-file--media-1" href="https://x.fr/budget.pdf">Le budget</a><a href="https://x.fr/budget.pdf"'
        ' class="wp-block-file__button" download>Télécharger</a></div>\n<!-- /wp:file -->',
        library,
        site=SITE,
    )
    assert converted.html == (
        f'<figure data-media="{film.pk}"><figcaption>Le pont</figcaption></figure>'
        f'<p><a href="/documents/{budget.pk}/">Le budget</a></p>'
    )
    assert converted.problems == []
    assert clean_body(converted.html) == converted.html


# Re-runs ---------------------------------------------------------------------------------------------------


@needs_exports
def test_posts_without_these_elements_keep_their_fingerprint():
    """A re-run of an archive imported before these formats rewrites only the posts that hold them."""
    items = {item.post_id: item for item in wxr.read(str(BLOCKS)) if isinstance(item, wxr.Item)}
    changed = {
        post_id
        for post_id, item in items.items()
        if importer.post_fingerprint(item) != importer.post_fingerprint(item, body_formats=False)
    }
    assert {str(n) for n in (QUOTE, PULLQUOTE, TABLE, GALLERY, AUDIO, FILE, VIDEO, SHORTCODES)} <= changed
    assert len(changed) < len(items) / 2
    heading = next(item for item in items.values() if item.title == "Heading")
    assert heading.post_id not in changed


@needs_exports
def test_the_run_after_these_formats_updates_the_posts_that_hold_them_and_only_those(blocks, pictures):
    # As an import made before them left it: the table flattened, and the old fingerprints.
    items = {item.post_id: item for item in wxr.read(str(BLOCKS)) if isinstance(item, wxr.Item)}
    for row in ImportedItem.objects.filter(kind="post"):
        row.fingerprint = importer.post_fingerprint(items[row.wordpress_id], body_formats=False)
        row.save(update_fields=["fingerprint"])
    table = article(TABLE)
    Article.objects.filter(pk=table.pk).update(body="<p>Cell 1 – Cell 2</p><p>Cell 3 – Cell 4</p>")
    before = {row.wordpress_id: ArticleRevision.objects.latest_number(row.article) for row in posts()}

    report = run_import(BLOCKS, "--media-dir", str(pictures))

    assert article(TABLE).body.startswith("<table><caption>Caption</caption>")
    after = {row.wordpress_id: ArticleRevision.objects.latest_number(row.article) for row in posts()}
    assert [post_id for post_id in after if after[post_id] != before[post_id]] == [str(TABLE)]
    assert re.search(r"Articles\s+0\s+1\s+\d+", report)
    # …and the run after that changes nothing at all.
    fingerprints = dict(posts().values_list("wordpress_id", "fingerprint"))
    report = run_import(BLOCKS, "--media-dir", str(pictures))
    assert dict(posts().values_list("wordpress_id", "fingerprint")) == fingerprints
    assert re.search(r"Articles\s+0\s+0\s+\d+", report)


def posts():
    return ImportedItem.objects.filter(kind="post", article__isnull=False).select_related("article")


@needs_exports
def test_every_post_of_the_block_test_data_is_a_body_the_editor_accepts(db):
    """Every post converts to a body clean_body keeps as it is: the new forms pass the editor's own checks."""
    for item in etree.parse(str(BLOCKS)).iter("item"):
        if item.findtext("{http://wordpress.org/export/1.2/}post_type") in ("post", "page"):
            text = item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded") or ""
            converted = content.convert_body(text, NoLibrary(), site=SITE)
            assert clean_body(converted.html) == converted.html, item.findtext("title")


class NoLibrary:
    """A resolver for bodies alone: no image, no other post; documents as given."""

    def __init__(self, documents=None):
        self.documents = documents or {}

    def image(self, *, attachment_id, url):
        return None

    def article_href(self, url):
        return None

    def document(self, *, attachment_id, url):
        return self.documents.get(attachment_id)
