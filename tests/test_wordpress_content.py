"""WordPress post content → our stored body: wpautop, tags, shortcodes (smart quotes too), images, links."""

from pathlib import Path

import pytest

from articles.body import SHORTCODE, clean_body
from wordpress.content import (
    EMBED_AS_LINK,
    FOREIGN_IMAGE,
    INVALID_COLOUR,
    MISSING_IMAGE,
    UNKNOWN_SHORTCODE,
    Problem,
    comment_text,
    convert_body,
    is_file_name_caption,
    plain_text_of,
    standfirst_from,
)

SITE = "https://ancien.example.fr"
EXPORT = Path("/work/shared/wordpress/themeunittestdata.wordpress.xml")


class FakeResolver:
    def __init__(self, images=None, posts=None):
        self.images = images or {}
        self.posts = posts or {}

    def image(self, *, attachment_id, url):
        return self.images.get(attachment_id) or self.images.get(url)

    def article_href(self, url):
        return self.posts.get(url)


def convert(content, **resolver):
    return convert_body(content, FakeResolver(**resolver), site=SITE)


def test_blank_lines_make_paragraphs_and_single_newlines_breaks():
    assert convert("Un.\nDeux.\n\nTrois.").html == "<p>Un.<br>Deux.</p><p>Trois.</p>"


def test_empty_content_gives_an_empty_body():
    assert convert("  \n ").html == ""


def test_headings_bold_italic_and_gutenberg_comments():
    body = convert("<!-- wp:heading --><h1>Titre</h1><!-- /wp:heading --><h5>Sous</h5><p><b>g</b> <i>i</i></p>").html
    assert body == "<h2>Titre</h2><h3>Sous</h3><p><strong>g</strong> <em>i</em></p>"


def test_lists_nest_in_their_items():
    body = convert("<ul>\n\t<li>un</li>\n\t<li>deux\n<ul>\n\t<li>trois</li>\n</ul>\n</li>\n</ul>").html
    assert body == "<ul><li><p>un</p></li><li><p>deux</p><ul><li><p>trois</p></li></ul></li></ul>"


def test_tables_become_one_paragraph_per_row():
    body = convert("<table><tr><td>1</td><td></td><td>3</td></tr><tr><td>4</td></tr></table>").html
    assert body == "<p>1 – 3</p><p>4</p>"


@pytest.mark.parametrize(
    "attributes",
    [
        "color= »#ffcc00″ title=”À savoir”",
        "color=”#ffcc00″ title=”À savoir”",
        "color=&#8221;#ffcc00&#8243; title=&#8221;À savoir&#8243;",
        "color=“#ffcc00” title=“À savoir”",
        "color=&laquo;&nbsp;#ffcc00&nbsp;&raquo; title=&laquo;&nbsp;À savoir&nbsp;&raquo;",
        "color=″#ffcc00″ title=′À savoir′",
        'color="#ffcc00" title="À savoir"',
    ],
)
def test_callout_attributes_mangled_by_smart_quotes(attributes):
    converted = convert(f"[note {attributes}]Texte.\n\nSuite.[/note]\n\nAprès.")
    assert converted.html == (
        '<aside data-callout="" data-color="jaune" data-title="À savoir"><p>Texte.</p><p>Suite.</p></aside><p>Après.</p>'
    )
    assert converted.problems == []


def test_invalid_colour_falls_back_to_the_palette_and_is_reported():
    converted = convert("[encadré couleur=”#zzzzzz″]X[/encadré]")
    assert converted.html == '<aside data-callout="" data-color="jaune"><p>X</p></aside>'
    assert converted.problems == [Problem(INVALID_COLOUR, "#zzzzzz")]


def test_unknown_shortcodes_removed_text_kept_each_reported_once():
    converted = convert('Avant [contact-form-7 id="1"] [foo a=1]dedans[/foo] [foo /] et [simple boat].')
    assert converted.html == "<p>Avant dedans et [simple boat].</p>"
    assert converted.problems == [Problem(UNKNOWN_SHORTCODE, "[contact-form-7]"), Problem(UNKNOWN_SHORTCODE, "[foo]")]


def test_escaped_shortcodes_kept_as_text_unless_refused_by_the_editor():
    html = convert("[[foo]] et [[note]] [Citation nécessaire]").html
    assert "[foo]" in html and "[note]" not in html
    assert not SHORTCODE.search(html)


def test_embeds_become_links():
    converted = convert('Texte\nhttps://youtu.be/abc\n<iframe src="https://www.youtube.com/embed/xyz"></iframe>')
    assert '<a href="https://youtu.be/abc">https://youtu.be/abc</a>' in converted.html
    assert '<a href="https://www.youtube.com/watch?v=xyz">' in converted.html
    assert Problem(EMBED_AS_LINK, "https://www.youtube.com/watch?v=xyz") in converted.problems


def test_links_to_imported_posts_become_internal():
    html = convert(
        '<a href="/?p=12">lien</a> <a href="https://ailleurs.fr/">x</a> <a href="javascript:alert(1)">js</a>',
        posts={f"{SITE}/?p=12": "/article/le-port/"},
    ).html
    assert html == '<p><a href="/article/le-port/">lien</a> <a href="https://ailleurs.fr/">x</a> js</p>'


def test_missing_and_foreign_images_are_dropped_and_reported():
    converted = convert(
        f'<p>Avant <img src="{SITE}/wp-content/uploads/a-300x200.jpg"> après <img src="https://autre.fr/b.jpg"></p>'
    )
    assert converted.html == "<p>Avant après</p>"
    assert converted.problems == [
        Problem(MISSING_IMAGE, f"{SITE}/wp-content/uploads/a-300x200.jpg"),
        Problem(FOREIGN_IMAGE, "https://autre.fr/b.jpg"),
    ]


@pytest.mark.django_db
def test_images_captions_galleries_and_a_caption_inside_a_note(make_image):
    first, second = make_image(), make_image()
    images = {12: first.pk, 13: second.pk}
    converted = convert(
        '<p>Texte <a href="x.jpg"><img class="wp-image-13" src="/wp-content/uploads/b.jpg"></a> suite</p>'
        '[note color="bleu"][caption id="attachment_12" width="300"]<a href="#"><img class="wp-image-12" '
        'src="https://ancien.example.fr/wp-content/uploads/a.jpg" /></a> Le port[/caption][/note]'
        '[caption id="attachment_13" caption="IMG_1234.JPG"]<img src="/wp-content/uploads/b.jpg">[/caption]'
        '[gallery ids="12,99"]',
        images=images,
    )
    assert converted.html == (
        f'<p>Texte</p><figure><img data-file="{second.pk}" alt=""></figure><p>suite</p>'
        f'<aside data-callout="" data-color="bleu"><figure><img data-file="{first.pk}" alt="">'
        "<figcaption>Le port</figcaption></figure></aside>"
        f'<figure><img data-file="{second.pk}" alt=""></figure>'
        f'<figure><img data-file="{first.pk}" alt=""></figure>'
    )
    assert converted.problems == [Problem(MISSING_IMAGE, "pièce jointe 99")]


def test_small_texts():
    assert plain_text_of("L&#8217;été <em>chaud</em>\n à  Metz") == "L’été chaud à Metz"
    assert is_file_name_caption("FB_IMG_1468476316958.jpg") and is_file_name_caption("IMG_1234.JPG")
    assert not is_file_name_caption("Le port de Metz")
    assert standfirst_from("<p>" + "mot " * 200 + "</p>", 50).endswith("…")
    assert len(standfirst_from("<p>" + "mot " * 200 + "</p>", 50)) <= 50
    assert comment_text('Bravo <a href="https://x.fr/r">le rapport</a>\n\n<b>Oui</b>') == (
        "Bravo le rapport (https://x.fr/r)\n\nOui"
    )


@pytest.mark.skipif(not EXPORT.exists(), reason="WordPress's theme unit test export is not here")
def test_every_post_of_the_theme_unit_test_export_converts():
    from lxml import etree

    namespaces = {"wp": "https://wordpress.org/export/1.2/", "content": "http://purl.org/rss/1.0/modules/content/"}
    converted = 0
    for item in etree.parse(str(EXPORT)).iter("item"):
        if item.findtext("wp:post_type", namespaces=namespaces) not in ("post", "page"):
            continue
        body = convert_body(
            item.findtext("content:encoded", namespaces=namespaces) or "",
            FakeResolver(),
            site="https://wpthemetestdata.wordpress.com",
        ).html
        assert clean_body(body) == body
        for name in ("[caption", "[gallery", "[audio", "[embed", "<!--"):
            assert name not in body
        converted += 1
    assert converted > 50
