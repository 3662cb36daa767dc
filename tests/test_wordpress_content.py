"""A WordPress post's content as our stored body (wordpress/content.py).

WordPress's paragraphs (wpautop), its tags, Gutenberg's comments, shortcodes — the callout
boxes with the attributes WordPress's smart quotes mangle, captions, galleries, unknown
ones — images of the site's uploads and of elsewhere, embeds, links to other posts; every
body passes the editor's own sanitiser. Real WordPress output is tried too: every post of
WordPress's public theme unit test export.
"""

import re
from pathlib import Path

import pytest
from lxml import etree

from articles.body import SHORTCODE, clean_body
from wordpress.content import (
    EMBED_AS_LINK,
    FOREIGN_IMAGE,
    GALLERY_IMAGE_CAPTION,
    GALLERY_WITHOUT_IDS,
    INVALID_COLOUR,
    LITERAL_SHORTCODE,
    MEDIA_AS_LINK,
    MISSING_IMAGE,
    UNKNOWN_SHORTCODE,
    Problem,
    comment_text,
    convert_body,
    is_file_name_caption,
    plain_text_of,
    shortcode_attributes,
    standfirst_from,
)

SITE = "https://ancien.example.fr"
UPLOADS = f"{SITE}/wp-content/uploads/2016/07"
EXPORT = Path(__file__).resolve().parents[2] / "shared" / "wordpress" / "themeunittestdata.wordpress.xml"
WXR = {"wp": "https://wordpress.org/export/1.2/", "content": "http://purl.org/rss/1.0/modules/content/"}


class FakeResolver:
    """The importer's answers: library images by attachment id or address, imported posts by address."""

    def __init__(self, images=None, posts=None):
        self.images = images or {}
        self.posts = posts or {}
        self.asked: list[tuple[int | None, str]] = []

    def image(self, *, attachment_id, url):
        self.asked.append((attachment_id, url))
        return self.images.get(attachment_id) or self.images.get(url)

    def article_href(self, url):
        return self.posts.get(url)


def convert(content, resolver=None, **answers):
    return convert_body(content, resolver or FakeResolver(**answers), site=SITE)


def html_of(content, **answers) -> str:
    return convert(content, **answers).html


def figure(image, caption=""):
    figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f'<figure><img data-file="{image.pk}" alt="">{figcaption}</figure>'


@pytest.fixture
def photos(make_image):
    """Two library images, the WordPress attachments 12 and 13."""
    return make_image(), make_image()


# Paragraphs, as WordPress's wpautop makes them -------------------------------------------------


def test_blank_lines_make_paragraphs_and_single_newlines_line_breaks():
    assert html_of("Un.\nDeux.\n\n\nTrois.") == "<p>Un.<br>Deux.</p><p>Trois.</p>"


def test_a_newline_after_a_br_tag_is_no_second_break_and_two_br_end_a_paragraph():
    assert html_of("Un<br />\nDeux<br><br>Trois") == "<p>Un<br>Deux</p><p>Trois</p>"


def test_block_tags_are_not_wrapped_and_text_around_them_is_split():
    assert html_of("Texte <div>bloc</div> suite\n<h2>Titre</h2>\nFin") == (
        "<p>Texte</p><p>bloc</p><p>suite</p><h2>Titre</h2><p>Fin</p>"
    )


def test_gutenberg_comments_are_dropped_and_its_newlines_are_not_breaks():
    content = "<!-- wp:paragraph -->\n<p>Un\ndeux</p>\n<!-- /wp:paragraph --><!--more--><!-- wp:separator /-->"
    assert html_of(content) == "<p>Un deux</p>"


def test_more_and_page_breaks_end_a_paragraph():
    assert html_of("Avant<!--more-->Après<!--nextpage-->Fin") == "<p>Avant</p><p>Après</p><p>Fin</p>"


def test_empty_content_and_empty_paragraphs_give_nothing():
    assert html_of("") == ""
    assert html_of(" \n&nbsp;\n\n<p>&nbsp;</p><p></p>") == ""
    assert html_of("<p>&nbsp;</p>Vrai&nbsp;!") == "<p>Vrai&nbsp;!</p>"


def test_bold_across_a_blank_line_goes_on_in_the_next_paragraph():
    assert (
        html_of("<strong>Gras\n\nencore</strong> fin")
        == "<p><strong>Gras</strong></p><p><strong>encore</strong> fin</p>"
    )


# Tags ---------------------------------------------------------------------------------------------


def test_headings_bold_and_italic_are_mapped():
    content = "<h1>A</h1><h2>B</h2><h3>C</h3><h4>D</h4><h6>E</h6><p><b>g</b> <i>i</i> <cite>c</cite></p>"
    assert html_of(content) == (
        "<h2>A</h2><h2>B</h2><h3>C</h3><h3>D</h3><h3>E</h3><p><strong>g</strong> <em>i</em> <em>c</em></p>"
    )


def test_other_elements_are_unwrapped():
    content = (
        '<section><span style="color:red">rouge</span> <font face="x">police</font></section><center>centré</center>'
    )
    assert html_of(content) == "<p>rouge police</p><p>centré</p>"


def test_lists_and_quotations_hold_paragraphs_as_the_editor_writes_them():
    content = '<ol start="3">\n\t<li>un</li>\n\t<li>deux\n<ul>\n\t<li>trois</li>\n</ul>\n</li>\n</ol><blockquote>Cité\n<cite>Elle</cite></blockquote>'
    assert html_of(content) == (
        '<ol start="3"><li><p>un</p></li><li><p>deux</p><ul><li><p>trois</p></li></ul></li></ol>'
        '<blockquote data-source="Elle"><p>Cité</p></blockquote>'
    )


def test_unclosed_items_and_misnested_inline_elements():
    assert html_of("<ul><li>un<li>deux</ul>") == "<ul><li><p>un</p></li><li><p>deux</p></li></ul>"
    assert html_of("<strong>a<em>b</strong>c</em>") == "<p><strong>a<em>b</em></strong><em>c</em></p>"


def test_tables_are_kept_as_tables_with_their_header_cells():
    content = "<table><tr><th>Nom</th><th>Âge</th></tr><tr><td>Jean</td><td></td><td><p>42</p></td></tr></table>"
    assert html_of(content) == (
        '<table><tbody><tr><th scope="col"><p>Nom</p></th><th scope="col"><p>Âge</p></th></tr>'
        "<tr><td><p>Jean</p></td><td><p></p></td><td><p>42</p></td></tr></tbody></table>"
    )


def test_preformatted_text_and_code_become_paragraphs():
    assert html_of("<pre>ligne 1\n  ligne 2\n\nligne 4</pre>Du <code>code</code>.") == (
        "<p>ligne 1<br>ligne 2</p><p>ligne 4</p><p>Du code.</p>"
    )


def test_scripts_styles_and_forms_fields_are_removed():
    assert html_of(
        "<style>p{}</style><script>alert(1)</script><noscript>x</noscript><select><option>o</option></select>Fin"
    ) == ("<p>Fin</p>")


# Embeds --------------------------------------------------------------------------------------------


def test_an_iframe_becomes_a_link_to_its_video():
    converted = convert('<p>Voyez :</p><iframe src="https://www.youtube.com/embed/abc?rel=0" width="560"></iframe>')
    assert converted.html == (
        '<p>Voyez :</p><p><a href="https://www.youtube.com/watch?v=abc">https://www.youtube.com/watch?v=abc</a></p>'
    )
    assert converted.problems == [Problem(EMBED_AS_LINK, "https://www.youtube.com/watch?v=abc")]


def test_video_and_audio_players_outside_the_document_library_become_links():
    converted = convert(f'<video controls><source src="{UPLOADS}/film.mp4"></video><audio src="/son.mp3"></audio>')
    assert converted.html == (
        f'<p><a href="{UPLOADS}/film.mp4">{UPLOADS}/film.mp4</a></p><p><a href="{SITE}/son.mp3">{SITE}/son.mp3</a></p>'
    )
    assert [problem.kind for problem in converted.problems] == [MEDIA_AS_LINK, MEDIA_AS_LINK]


def test_the_embed_shortcode_and_an_address_alone_on_its_line_become_links():
    converted = convert(
        "[embed width=500]https://vimeo.com/123[/embed]\nVoir\nhttps://youtu.be/xyz\nou https://x.fr ici"
    )
    assert converted.html == (
        '<p><a href="https://vimeo.com/123">https://vimeo.com/123</a></p><p>Voir</p>'
        '<p><a href="https://youtu.be/xyz">https://youtu.be/xyz</a></p><p>ou https://x.fr ici</p>'
    )
    assert converted.problems == [
        Problem(EMBED_AS_LINK, "https://vimeo.com/123"),
        Problem(EMBED_AS_LINK, "https://youtu.be/xyz"),
    ]


# Callout boxes ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "attributes",
    [
        "color= »#ffcc00″ title= »À savoir″",  # French smart quotes, no-break spaces, a double prime
        "color=\u00a0»#ffcc00″ title=«\u00a0À savoir\u00a0»",
        "color=”#ffcc00″ title=”À savoir”",
        "color=&#8221;#ffcc00&#8243; title=&#8221;À savoir&#8221;",
        "color=“#ffcc00” title=“À savoir”",
        "color=&laquo;&nbsp;#ffcc00&nbsp;&raquo; title=&laquo;&nbsp;À savoir&nbsp;&raquo;",
        "color=″#ffcc00″ title=′À savoir′",
        "color=′#ffcc00′ title=’À savoir’",
        "color='#ffcc00' title='À savoir'",
        'color="#ffcc00" title="À savoir"',
        "color=#ffcc00 title=”À savoir",  # a closing quote lost
    ],
)
def test_callout_attributes_mangled_by_smart_quotes(attributes):
    converted = convert(f"[note {attributes}]Texte.\n\nSuite.[/note]\n\nAprès.")
    assert converted.html == (
        '<aside data-callout="" data-color="jaune" data-title="À savoir"><p>Texte.</p><p>Suite.</p></aside>'
        "<p>Après.</p>"
    )
    assert converted.problems == []


def test_an_apostrophe_inside_a_quoted_title_stays():
    named, _positional = shortcode_attributes(" title=’L’été en ville’ color=bleu")
    assert named == {"title": "L’été en ville", "color": "bleu"}


@pytest.mark.parametrize(
    ("shortcode", "attributes"),
    [
        ("NOTE", ""),
        ("notes", ' couleur="vert"'),
        ("encadre", " bg=#d7f0dd"),
        ("Encadré", ' background="#D7F0DD"'),
        ("box", ' colour="vert"'),
        ("callout", ' color="vert"'),
        ("alert", ' color="vert"'),
        ("notice", ' color="vert"'),
        ("info", ' color="vert"'),
        ("infobox", ' color="vert"'),
        ("su_note", ' note_color="#d7f0dd"'),
        ("su_box", ' box_color="#d7f0dd" titre="Boîte"'),
    ],
)
def test_every_box_shortcode_is_a_callout(shortcode, attributes):
    html = html_of(f"[{shortcode}{attributes}]Dedans[/{shortcode}]")
    colour = "jaune" if not attributes else "vert"
    title = ' data-title="Boîte"' if "titre" in attributes else ""
    assert html == f'<aside data-callout="" data-color="{colour}"{title}><p>Dedans</p></aside>'


def test_a_hex_colour_outside_the_palette_is_kept():
    assert html_of("[note color=#ABC]x[/note]") == '<aside data-callout="" data-color="#aabbcc"><p>x</p></aside>'


def test_an_invalid_colour_is_the_palettes_first_and_reported():
    converted = convert("[note color=”#zzzzzz″]X[/note][note color=fuchsia]Y[/note]")
    assert converted.html == (
        '<aside data-callout="" data-color="jaune"><p>X</p></aside><aside data-callout="" data-color="jaune"><p>Y</p></aside>'
    )
    assert converted.problems == [Problem(INVALID_COLOUR, "#zzzzzz"), Problem(INVALID_COLOUR, "fuchsia")]


def test_a_box_written_around_wpautops_paragraphs():
    assert html_of("<p>[note title=Info]</p><p>Dedans</p><p>[/note]</p><p>Après</p>") == (
        '<aside data-callout="" data-color="jaune" data-title="Info"><p>Dedans</p></aside><p>Après</p>'
    )


# Other shortcodes ------------------------------------------------------------------------------


def test_unknown_shortcodes_are_removed_their_text_kept_and_each_name_reported_once():
    converted = convert(
        'Avant [contact-form-7 id="1" title="Contact"] [foo bar=1]dedans[/foo] [foo /] [audio loop="on"] '
        "[video]vidéo[/video] [vc_row]fin"
    )
    assert converted.html == "<p>Avant dedans vidéo fin</p>"
    assert converted.problems == [
        Problem(UNKNOWN_SHORTCODE, "[contact-form-7]"),
        Problem(UNKNOWN_SHORTCODE, "[foo]"),
        Problem(UNKNOWN_SHORTCODE, "[audio]"),  # without a file to play
        Problem(UNKNOWN_SHORTCODE, "[video]"),
        Problem(UNKNOWN_SHORTCODE, "[vc_row]"),
    ]


def test_brackets_in_prose_are_not_shortcodes():
    converted = convert("Des coracles [simple boat], [sic] et […] ; [Note : à vérifier].")
    assert converted.html == "<p>Des coracles [simple boat], [sic] et […] ; (Note : à vérifier).</p>"
    assert converted.problems == []


def test_escaped_shortcodes_are_text_unless_the_editor_would_refuse_them():
    converted = convert("Tapez [[foo]] ou [[note]] ou [[bar]]x[/bar]].")
    assert converted.html == "<p>Tapez [foo] ou ou [bar]x[/bar].</p>"
    assert converted.problems == [Problem(LITERAL_SHORTCODE, "[note]")]


def test_no_raw_shortcode_survives_even_split_by_markup():
    html = html_of("[<em>note</em>] [ caption ] [Citation nécessaire]")
    assert not SHORTCODE.search(html)
    assert "nécessaire" in html


def test_a_gallery_without_ids_is_reported():
    assert convert('[gallery columns="3"]').problems == [Problem(GALLERY_WITHOUT_IDS, '[gallery columns="3"]')]


# Images ----------------------------------------------------------------------------------------


def test_the_resolver_is_asked_with_the_attachment_and_the_absolute_address():
    resolver = FakeResolver()
    convert('<img class="alignleft wp-image-12 size-medium" src="/wp-content/uploads/a-300x200.jpg?w=300">', resolver)
    convert(
        '[caption id="attachment_13"]<img src="https://i0.wp.com/ancien.example.fr/wp-content/uploads/b.jpg">[/caption]',
        resolver,
    )
    assert resolver.asked == [
        (12, f"{SITE}/wp-content/uploads/a-300x200.jpg"),
        (13, f"{SITE}/wp-content/uploads/b.jpg"),
    ]


def test_missing_and_foreign_images_are_dropped_their_text_kept_and_reported():
    converted = convert(
        f'<p>Avant <img src="{UPLOADS}/a-300x200.jpg"> après <img src="https://autre.fr/b.jpg"> fin</p>'
    )
    assert converted.html == "<p>Avant après fin</p>"
    assert converted.problems == [
        Problem(MISSING_IMAGE, f"{UPLOADS}/a-300x200.jpg"),
        Problem(FOREIGN_IMAGE, "https://autre.fr/b.jpg"),
    ]


def test_emojis_drawn_as_images_are_their_text():
    assert html_of('Bien <img class="wp-smiley" src="/wp-includes/images/smilies/icon_smile.gif" alt=":-)">') == (
        "<p>Bien :-)</p>"
    )


def test_the_caption_of_a_missing_image_is_kept_as_text():
    converted = convert(f'[caption id="attachment_99"]<img src="{UPLOADS}/x.jpg"> Le maire[/caption]')
    assert converted.html == "<p>Le maire</p>"
    assert converted.problems == [Problem(MISSING_IMAGE, f"{UPLOADS}/x.jpg")]


@pytest.mark.django_db
def test_an_image_is_lifted_out_of_its_paragraph_without_the_link_around_it(photos):
    first, _second = photos
    content = (
        f'<p>Texte <a href="{UPLOADS}/a.jpg"><img class="wp-image-12" src="{UPLOADS}/a-300x200.jpg"></a> suite</p>'
    )
    assert html_of(content, images={12: first.pk}) == f"<p>Texte</p>{figure(first)}<p>suite</p>"


@pytest.mark.django_db
def test_captions_new_and_old_forms_and_file_names_not_shown(photos):
    first, second = photos
    content = (
        f'[caption id="attachment_12" align="alignleft" width="300"]<a href="{UPLOADS}/a.jpg">'
        f'<img class="size-medium wp-image-12" src="{UPLOADS}/a-300x200.jpg" /></a> Le <em>port</em>[/caption]'
        f'[caption id="attachment_13" caption="La darse, côté est"]<img src="{UPLOADS}/b.jpg" />[/caption]'
        f'[caption id="attachment_12"]<img src="{UPLOADS}/a.jpg" /> FB_IMG_1468476316958.jpg[/caption]'
        f'[caption id="attachment_13" caption="IMG_1234.JPG"]<img src="{UPLOADS}/b.jpg" />[/caption]'
    )
    assert html_of(content, images={12: first.pk, 13: second.pk}) == (
        figure(first, "Le <em>port</em>") + figure(second, "La darse, côté est") + figure(first) + figure(second)
    )


@pytest.mark.django_db
def test_gutenberg_figures_and_galleries(photos):
    first, second = photos
    content = (
        '<!-- wp:image {"id":12} --><figure class="wp-block-image"><img src="/a.jpg" class="wp-image-12"/>'
        "<figcaption>Vue du port</figcaption></figure><!-- /wp:image -->"
        '<figure class="wp-block-gallery"><ul class="blocks-gallery-grid"><li><figure><img data-id="12" src="/a.jpg"/>'
        '</figure></li><li><figure><img data-id="13" src="/b.jpg"/><figcaption>Deux</figcaption></figure></li></ul>'
        "<figcaption>La galerie</figcaption></figure>"
    )
    converted = convert(content, images={12: first.pk, 13: second.pk})
    assert converted.html == (
        figure(first, "Vue du port")
        + f'<figure data-gallery="{first.pk} {second.pk}"><figcaption>La galerie</figcaption></figure>'
    )
    assert converted.problems == [Problem(GALLERY_IMAGE_CAPTION, "Deux")]


@pytest.mark.django_db
def test_a_gallery_shortcode_is_a_gallery_of_the_images_in_the_library(photos):
    first, second = photos
    converted = convert('[gallery ids="12,99,13" columns="2"]', images={12: first.pk, 13: second.pk})
    assert converted.html == f'<figure data-gallery="{first.pk} {second.pk}"></figure>'
    assert converted.problems == [Problem(MISSING_IMAGE, "pièce jointe 99")]


@pytest.mark.django_db
def test_a_caption_inside_a_note_inside_a_list(photos):
    first, _second = photos
    content = (
        '<ul><li>Point[note couleur=”bleu″ titre=”Photo”]Avant\n\n[caption id="attachment_12"]'
        f'<img src="{UPLOADS}/a.jpg"> Légende[/caption]\n\nAprès[/note]</li></ul>'
    )
    assert html_of(content, images={12: first.pk}) == (
        '<ul><li><p>Point</p><aside data-callout="" data-color="bleu" data-title="Photo"><p>Avant</p>'
        f"{figure(first, 'Légende')}<p>Après</p></aside></li></ul>"
    )


# Links -----------------------------------------------------------------------------------------


def test_links_to_imported_posts_become_internal_and_others_stay():
    html = html_of(
        '<a href="/?p=12">a</a> <a href="http://www.ancien.example.fr/2016/07/14/le-port/#suite">b</a> '
        '<a href="https://ailleurs.fr/x">c</a> <a href="/contact/">d</a> <a href="#note">e</a> '
        '<a href="mailto:redac@example.fr">f</a> <a href="javascript:alert(1)">g</a>',
        posts={
            f"{SITE}/?p=12": "/article/le-port/",
            "http://www.ancien.example.fr/2016/07/14/le-port/#suite": "/article/le-port/#suite",
        },
    )
    assert html == (
        '<p><a href="/article/le-port/">a</a> <a href="/article/le-port/#suite">b</a> '
        f'<a href="https://ailleurs.fr/x">c</a> <a href="{SITE}/contact/">d</a> <a href="#note">e</a> '
        '<a href="mailto:redac@example.fr">f</a> g</p>'
    )


# The small texts around the body -------------------------------------------------------------


def test_plain_text_of_titles_and_names():
    assert plain_text_of("L&#8217;été <em>chaud</em>\n à  Metz &amp; Nancy") == "L’été chaud à Metz & Nancy"
    assert plain_text_of("Pourquoi\u00a0?") == "Pourquoi\u00a0?"
    assert plain_text_of("Q&amp;amp;A") == "Q&A"


@pytest.mark.parametrize("caption", ["FB_IMG_1468476316958.jpg", "IMG_1234.JPG", "DSC_0001", "dsc20050727_091048_222"])
def test_file_names_are_no_captions(caption):
    assert is_file_name_caption(caption)


@pytest.mark.parametrize("caption", ["Le port de Metz", "Photo IMG_1234.jpg de Jean", "1939-1945", "2016"])
def test_real_captions_are_captions(caption):
    assert not is_file_name_caption(caption)


def test_standfirst_is_the_first_paragraph_of_the_body_itself():
    body = '<aside data-callout="" data-color="jaune"><p>Note</p></aside><h2>Titre</h2><p>Le <em>port</em><br>grandit.</p><p>Suite</p>'
    assert standfirst_from(body) == "Le port grandit."
    long = standfirst_from("<p>" + "mot, " * 200 + "</p>", 50)
    assert long == "mot, mot, mot, mot, mot, mot, mot, mot, mot, mot…"


def test_comment_text_keeps_paragraphs_lines_and_link_addresses():
    content = (
        'Bravo pour <a href="https://x.fr/rapport" rel="nofollow">le rapport</a> &amp; merci.\nSigné\n\n'
        '<blockquote>Ce qui était dit</blockquote><b>Oui</b> <a href="https://y.fr">https://y.fr</a>'
    )
    assert comment_text(content) == (
        "Bravo pour le rapport (https://x.fr/rapport) & merci.\nSigné\n\n« Ce qui était dit »\n\nOui https://y.fr"
    )


# Real WordPress output -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.skipif(not EXPORT.exists(), reason="WordPress's theme unit test export is not here")
def test_every_post_and_page_of_the_theme_unit_test_export(photos):
    """Every post converts to a body the editor accepts, with no shortcode left; its images found in the library."""
    first, second = photos

    class ExportResolver(FakeResolver):
        def image(self, *, attachment_id, url):  # every attachment of the export, as two library images
            return (first if (attachment_id or len(url)) % 2 else second).pk

    bodies = {}
    for item in etree.parse(str(EXPORT)).iter("item"):
        if item.findtext("wp:post_type", namespaces=WXR) in ("post", "page"):
            content = item.findtext("content:encoded", namespaces=WXR) or ""
            converted = convert_body(content, ExportResolver(), site="https://wpthemetestdata.wordpress.com")
            assert clean_body(converted.html) == converted.html
            bodies[item.findtext("title")] = converted.html
    assert len(bodies) > 70
    for html in bodies.values():
        assert not SHORTCODE.search(html)
        for shortcode in ("[caption", "[gallery", "[audio", "[embed", "<!--"):
            assert shortcode not in html
    assert "coracles [simple boat]." in bodies["Post Format: Standard"]
    assert "<figcaption>Bell on wharf in San Francisco</figcaption>" in bodies["Post Format: Image (Caption)"]
    assert re.search(r'<figure data-gallery="(\d+ ){5}\d+">', bodies["Post Format: Gallery (Tiled)"])
