"""A journalist writes a whole rich article in Chromium (issue 23's « Done when »): a photo dropped from the
desktop, a table, a link found by the title of an earlier article, a pull quote, a video of another site
pasted as its address, a gallery, a PDF uploaded from the editor and a video of the library — then the
saved body and the public page are checked, element by element."""

import re

import factories
import pytest
from browser import (
    BROWSER_TESTS,
    EDITABLE,
    back_in_the_editor,
    body_value,
    click_tool,
    drop_file,
    fill_dialog,
    log_in,
    paste,
    present,
    press,
    requested_urls,
    save_new_article,
    type_text,
    wait_for,
    wait_until,
)
from django.urls import reverse
from factories import jpeg

from articles.models import Article
from documents.models import Document
from images.models import Image

pytestmark = BROWSER_TESTS

LIBRARY = "dialog.newsroom-library[open]"
VIDEO = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


@pytest.fixture
def newsroom(make_article, make_image):
    earlier = make_article("Le tram arrive à Metz en 2027", slug="tram-metz-2027")
    photos = [make_image(alt_text=f"Le derby, action {n}", caption=f"Action {n}") for n in range(3)]
    video = factories.make_document(factories.mp4_video(), name="derby.mp4", title="Les buts du derby en vidéo")
    return earlier, photos, video


def to_the_end(driver):
    """Click at the end of the text, as one does to go on writing after what was just inserted."""
    driver.execute_script("document.querySelector(arguments[0]).editor.commands.focus('end')", EDITABLE)


def new_paragraph(driver):
    """At the end of the text, on a line of its own (a new one unless the last is empty)."""
    to_the_end(driver)
    empty = driver.execute_script(
        "const {$from} = document.querySelector(arguments[0]).editor.state.selection;"
        "return $from.parent.type.name === 'paragraph' && $from.parent.content.size === 0 && $from.depth === 1",
        EDITABLE,
    )
    if not empty:
        press(driver, "\ue007")  # Enter


def test_a_journalist_writes_a_rich_article_and_readers_get_it_whole(
    browser, live_server, journalist, section, newsroom, tmp_path
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    earlier, photos, video = newsroom
    driver = log_in(browser, live_server, journalist)
    driver.get(live_server.url + reverse("admin:articles_article_add"))
    wait_for(driver, EDITABLE).click()
    type_text(driver, "Le derby s’est joué devant 12 000 spectateurs.")

    # A photo dropped from the desktop: its alt text asked for in place, then it goes in.
    assert drop_file(driver, jpeg(), "IMG_2041.jpg", "image/jpeg")
    dialog = wait_for(driver, LIBRARY)
    wait_until(driver, lambda d: d.switch_to.active_element.get_attribute("name") == "upload-alt_text")
    dialog.find_element(By.NAME, "upload-alt_text").send_keys("La tribune nord, drapeaux levés")
    dialog.find_element(By.CSS_SELECTOR, "[type=submit]").click()
    wait_until(driver, lambda d: not present(d, LIBRARY))
    dropped = Image.objects.get(alt_text="La tribune nord, drapeaux levés")
    wait_until(driver, lambda d: f'data-file="{dropped.pk}"' in body_value(d))

    # A table: a header row, then cell after cell with Tab, and its caption.
    new_paragraph(driver)
    type_text(driver, "Le classement après la journée :")
    press(driver, Keys.ENTER)
    click_tool(driver, "table")
    type_text(driver, Keys.TAB.join(["Club", "Points", "Diff.", "Metz", "21", "+9", "Nancy", "18", "+4"]))
    click_tool(driver, "table:caption")
    fill_dialog(driver, "Classement de Ligue 2")

    # A link found by the title of an earlier article, the title as its text: ↓ at the table's end leaves it.
    press(driver, Keys.ARROW_DOWN)
    type_text(driver, "Lire aussi : ")
    click_tool(driver, "link")
    wait_for(driver, "dialog[open].newsroom-link-dialog")
    driver.switch_to.active_element.send_keys("tram arrive")
    wait_for(driver, "[role=listbox] [role=option]")
    driver.switch_to.active_element.send_keys(Keys.ARROW_DOWN, Keys.ENTER)
    back_in_the_editor(driver)
    wait_until(
        driver, lambda d: '<a href="/article/tram-metz-2027/">Le tram arrive à Metz en 2027</a>' in body_value(d)
    )

    # A pull quote.
    new_paragraph(driver)
    type_text(driver, "Ce club ne lâche jamais rien.")
    click_tool(driver, "pullquote")
    press(driver, Keys.ARROW_DOWN)  # out of the quotation

    # A video of another site, pasted as its address alone on a line: the text for readers asked for.
    new_paragraph(driver)
    paste(driver, VIDEO)
    embed_dialog = wait_for(driver, "dialog.newsroom-embed-dialog[open]")
    address, text = embed_dialog.find_elements(By.CSS_SELECTOR, "input[type=text]")
    assert address.get_attribute("value") == VIDEO
    text.send_keys("Le résumé du match", Keys.ENTER)
    wait_until(driver, lambda d: 'data-embed="youtube" data-embed-id="dQw4w9WgXcQ"' in body_value(d))

    # A gallery of three library photos, in the order chosen.
    new_paragraph(driver)
    click_tool(driver, "gallery")
    gallery = wait_for(driver, LIBRARY)
    for photo in photos:
        wait_for(driver, f'{LIBRARY} .newsroom-library-image[data-image-id="{photo.pk}"]').click()
    gallery.find_element(By.ID, "newsroom-library-caption").send_keys("Le derby en images")
    gallery.find_element(By.CSS_SELECTOR, ".newsroom-library-gallery .default").click()
    ids = " ".join(str(photo.pk) for photo in photos)
    wait_until(driver, lambda d: f'data-gallery="{ids}"' in body_value(d))
    wait_until(driver, lambda d: not present(d, LIBRARY))

    # The match sheet as a PDF, uploaded from the editor, linked by its title.
    new_paragraph(driver)
    type_text(driver, "La feuille de match : ")
    pdf = tmp_path / "feuille.pdf"
    pdf.write_bytes(factories.draw_pdf(["Feuille de match", "Metz - Nancy"]))
    wait_for(driver, 'button[aria-label="Insérer un document, un son ou une vidéo de la médiathèque"]').click()
    media = wait_for(driver, "dialog.newsroom-media[open]")
    media.find_element(By.ID, "newsroom-media-file").send_keys(str(pdf))
    media.find_element(By.ID, "newsroom-media-doc-title").send_keys("Feuille de match")
    media.find_element(By.CSS_SELECTOR, ".newsroom-media-upload button.default").click()
    wait_until(driver, lambda d: ">Feuille de match</a>" in body_value(d))
    sheet = Document.objects.get(title="Feuille de match")

    # And the library's video of the goals.
    new_paragraph(driver)
    wait_for(driver, 'button[aria-label="Insérer un document, un son ou une vidéo de la médiathèque"]').click()
    media = wait_for(driver, "dialog.newsroom-media[open]")
    wait_for(driver, ".newsroom-media-choice")
    next(b for b in media.find_elements(By.CSS_SELECTOR, ".newsroom-media-choice") if video.title in b.text).click()
    wait_until(driver, lambda d: f'data-media="{video.pk}"' in body_value(d))
    back_in_the_editor(driver)

    save_new_article(driver, title="Le derby pour Metz", slug="derby-metz", section=section, standfirst="3-1.")
    body = Article.objects.get(slug="derby-metz").body
    for stored in [
        f'<img src="" alt="" data-file="{dropped.pk}">',
        "<caption>Classement de Ligue 2</caption>",
        '<th scope="col"><p>Club</p></th>',
        "<td><p>21</p></td>",
        '<a href="/article/tram-metz-2027/">Le tram arrive à Metz en 2027</a>',
        '<blockquote data-pullquote=""><p>Ce club ne lâche jamais rien.</p></blockquote>',
        '<figure data-embed="youtube" data-embed-id="dQw4w9WgXcQ"><figcaption>Le résumé du match</figcaption></figure>',
        f'<figure data-gallery="{ids}"><figcaption>Le derby en images</figcaption></figure>',
        f'<a href="/documents/{sheet.pk}/">Feuille de match</a>',
        f'<figure data-media="{video.pk}"></figure>',
    ]:
        assert stored in body or stored.replace('src="" alt="" ', "") in re.sub(r' (src|alt)="[^"]*"', "", body), (
            stored,
            body,
        )
    assert "IMG_2041" not in body

    # Published by an editor, the page as a reader gets it.
    article = Article.objects.get(slug="derby-metz")
    article.status = Article.Status.PUBLISHED
    article.save()
    requested_urls(driver)  # forget the desk's requests
    driver.get(live_server.url + article.get_absolute_url())
    wait_for(driver, ".gallery")
    page = driver.page_source
    assert 'class="table-scroll"' in page and "Classement de Ligue 2" in page
    assert "La tribune nord, drapeaux levés" in page
    assert 'href="/article/tram-metz-2027/"' in page
    assert 'class="pullquote"' in page and "Ce club ne lâche jamais rien." in page
    assert "Afficher le contenu de YouTube" in page and "<iframe" not in page
    assert all(f"Action {n}" in page for n in range(3))
    assert re.search(r'Feuille de match</a> <span class="document-meta">\(PDF, ', page)
    assert f'<source src="/documents/{video.pk}/"' in page
    ours = live_server.url.split("//", 1)[1]
    assert [url for url in requested_urls(driver) if url.startswith("http") and ours not in url] == []


FOOTNOTED = (
    '<p>Le stade a coûté 40 millions<a href="#note-1" id="appel-1">[1]</a>.</p>'
    '<h2>Notes</h2><ol><li id="note-1"><p>Selon la chambre régionale des comptes. <a href="#appel-1">↩</a></p></li></ol>'
)


def test_footnotes_keep_their_links_both_ways_through_the_editor(browser, live_server, editor, make_article):
    article = make_article("Le stade", slug="le-stade", body=FOOTNOTED)
    driver = log_in(browser, live_server, editor)  # a published article: an editor's change is saved at once
    driver.get(live_server.url + reverse("admin:articles_article_change", args=[article.pk]))
    wait_for(driver, EDITABLE).click()
    to_the_end(driver)
    type_text(driver, " Rapport 2026.")
    wait_until(driver, lambda d: "Rapport 2026." in body_value(d))
    driver.find_element("css selector", "input[name=_continue]").click()
    wait_for(driver, ".messagelist")

    article.refresh_from_db()
    assert "Rapport 2026." in article.body  # saved through the editor
    assert '<a href="#note-1" id="appel-1">[1]</a>' in article.body
    assert '<li id="note-1">' in article.body and '<a href="#appel-1">↩</a>' in article.body
