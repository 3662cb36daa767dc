"""Images and galleries in the editor and on the public page, in headless Chromium (tests/browser.py).

The library opens in a dialog of the editor's own page (no popup window): an image goes in with
2 clicks; an image file dropped or pasted into the text is uploaded in place once its alt text
is given (and not at all if the journalist cancels); a gallery of several images is chosen,
ordered and saved from the same dialog. On the public page, the gallery's viewer opens on a click,
moves with the arrow keys, closes with Esc and gives the focus back; axe finds nothing.
"""

import pytest
from browser import (
    BROWSER_TESTS,
    EDITABLE,
    axe_violations,
    body_value,
    drop_file,
    log_in,
    present,
    save_new_article,
    wait_for,
    wait_until,
)
from django.urls import reverse
from factories import jpeg

from articles.models import Article
from images.models import Image

pytestmark = BROWSER_TESTS

LIBRARY = "dialog.newsroom-library[open]"


@pytest.fixture
def journalist_browser(browser, live_server, journalist):
    return log_in(browser, live_server, journalist)


@pytest.fixture
def photos(make_image):
    return [
        make_image(alt_text=f"Le derby, action n° {n}", caption=f"Légende {n}", credit="Photo : Jeanne Martin")
        for n in range(1, 5)
    ]


def open_editor(driver, live_server):
    driver.get(live_server.url + reverse("admin:articles_article_add"))
    wait_for(driver, EDITABLE).click()


def tool(driver, name: str):
    return wait_for(driver, f'.prose-menubar__group button[data-name="{name}"]')


def wait_for_dropped_file(driver, name: str):
    """The dialog's upload form holds the dropped file (the form is fetched from the picker when first
    needed, so it may take a moment)."""
    wait_until(
        driver,
        lambda d: (
            d.execute_script("return document.querySelector('dialog[open] input[type=file]')?.files[0]?.name") == name
        ),
    )


def test_a_library_image_goes_in_with_two_clicks_and_no_window(journalist_browser, live_server, section, photos):
    from selenium.webdriver.common.by import By

    driver = journalist_browser
    open_editor(driver, live_server)
    driver.switch_to.active_element.send_keys("Le match a tenu ses promesses.")

    tool(driver, "figure").click()  # 1
    wait_for(driver, f'{LIBRARY} .newsroom-library-image[data-image-id="{photos[2].pk}"]').click()  # 2

    assert len(driver.window_handles) == 1
    wait_until(driver, lambda d: not present(d, LIBRARY))
    assert f'data-file="{photos[2].pk}"' in body_value(driver)
    # The cursor waits after the picture: typing goes on in the text.
    driver.switch_to.active_element.send_keys("Après la photo.")
    # From its caption, the same button and dialog change the picture, and keep the caption.
    driver.find_element(By.CSS_SELECTOR, ".prose-editor figcaption").click()
    tool(driver, "figure").click()
    wait_until(driver, lambda d: d.find_element(By.ID, "newsroom-library-title").text == "Remplacer l’image")
    wait_for(driver, f'{LIBRARY} .newsroom-library-image[data-image-id="{photos[0].pk}"]').click()
    wait_until(driver, lambda d: f'data-file="{photos[0].pk}"' in body_value(d))
    assert body_value(driver).count("<figure") == 1 and f'data-file="{photos[2].pk}"' not in body_value(driver)
    assert f">{photos[2].caption}</figcaption>" in body_value(driver)
    save_new_article(driver, title="Le derby", slug="le-derby", section=section, standfirst="Un grand match.")
    article = Article.objects.get(slug="le-derby")
    assert f'data-file="{photos[0].pk}"' in article.body
    assert article.body.index("<figure") < article.body.index("Après la photo.")


def test_an_image_file_dropped_into_the_text_is_uploaded_there_once_described(journalist_browser, live_server, section):
    from selenium.webdriver.common.by import By

    driver = journalist_browser
    open_editor(driver, live_server)
    driver.switch_to.active_element.send_keys("Avant la photo.")

    assert drop_file(driver, jpeg(), "IMG_2041.jpg", "image/jpeg"), "the drop was left to the browser"
    dialog = wait_for(driver, LIBRARY)
    # A placeholder marks the spot; the file is chosen, the alt text asked for first.
    assert present(driver, ".prose-editor .newsroom-upload-placeholder")
    wait_for_dropped_file(driver, "IMG_2041.jpg")
    wait_until(driver, lambda d: d.switch_to.active_element.get_attribute("name") == "upload-alt_text")
    assert not Image.objects.exists()

    # Sent without its alt text: refused in French, and nothing typed or chosen is lost.
    dialog.find_element(By.NAME, "upload-caption").send_keys("La tribune nord en fête.")
    dialog.find_element(By.CSS_SELECTOR, "[type=submit]").click()
    error = wait_for(driver, f"{LIBRARY} [data-field=alt_text] .errorlist li")
    assert error.text == "Décrivez l’image pour les personnes qui ne la voient pas."
    assert driver.execute_script("return document.querySelector('dialog[open] input[type=file]').files.length") == 1
    assert dialog.find_element(By.NAME, "upload-caption").get_attribute("value") == "La tribune nord en fête."
    assert not Image.objects.exists()

    dialog.find_element(By.NAME, "upload-alt_text").send_keys("La tribune nord, drapeaux levés")
    dialog.find_element(By.CSS_SELECTOR, "[type=submit]").click()
    wait_until(driver, lambda d: not present(d, LIBRARY))
    image = Image.objects.get()
    assert image.alt_text == "La tribune nord, drapeaux levés"
    assert not present(driver, ".newsroom-upload-placeholder")
    assert f'data-file="{image.pk}"' in body_value(driver)

    save_new_article(driver, title="La fête", slug="la-fete", section=section, standfirst="La tribune.")
    body = Article.objects.get(slug="la-fete").body
    assert body.index("Avant la photo.") < body.index(f'data-file="{image.pk}"')
    assert "La tribune nord en fête." in body and "IMG_2041" not in body


def test_a_dropped_image_cancelled_is_neither_inserted_nor_uploaded(journalist_browser, live_server):
    from selenium.webdriver.common.by import By

    driver = journalist_browser
    open_editor(driver, live_server)
    driver.switch_to.active_element.send_keys("Texte.")
    before = body_value(driver)

    drop_file(driver, jpeg(), "photo.jpg", "image/jpeg", how="paste")
    dialog = wait_for(driver, LIBRARY)
    wait_for_dropped_file(driver, "photo.jpg")
    dialog.find_element(By.NAME, "upload-alt_text").send_keys("Une photo qu’on ne gardera pas")
    wait_for(driver, f"{LIBRARY} .newsroom-library-form button[type=button]").click()  # « Annuler »

    wait_until(driver, lambda d: not present(d, LIBRARY))
    assert not present(driver, ".newsroom-upload-placeholder")
    assert body_value(driver) == before
    assert not Image.objects.exists()


def test_a_file_that_is_no_image_is_refused_in_french_not_silently(journalist_browser, live_server):
    driver = journalist_browser
    open_editor(driver, live_server)
    driver.switch_to.active_element.send_keys("Texte.")

    assert drop_file(driver, b"%PDF-1.4 budget", "budget.pdf", "application/pdf")
    error = wait_for(driver, f"{LIBRARY} [data-field=file] .errorlist li")
    assert error.text == "« budget.pdf » n’est pas une image : la photothèque prend les photos JPEG, PNG, WebP ou GIF."
    driver.find_element("css selector", f"{LIBRARY} .newsroom-library-close").click()
    wait_until(driver, lambda d: not present(d, LIBRARY))
    assert "<figure" not in body_value(driver)
    assert not Image.objects.exists()


def test_a_gallery_of_three_is_chosen_ordered_and_saved(journalist_browser, live_server, section, photos):
    from selenium.webdriver.common.by import By

    driver = journalist_browser
    open_editor(driver, live_server)
    driver.switch_to.active_element.send_keys("Les photos du match.")

    # From the image button, the same dialog turns to a multiple choice (the toolbar's own
    # « Créer un diaporama » button opens it so directly).
    tool(driver, "figure").click()
    wait_for(driver, f"{LIBRARY} .newsroom-library-to-gallery").click()
    dialog = wait_for(driver, LIBRARY)
    assert dialog.find_element(By.ID, "newsroom-library-title").text == "Créer un diaporama"
    for photo in (photos[0], photos[1], photos[3]):
        wait_for(driver, f'{LIBRARY} .newsroom-library-image[data-image-id="{photo.pk}"]').click()
    chosen = dialog.find_element(By.CSS_SELECTOR, ".newsroom-library-chosen")
    assert chosen.text.count("Le derby, action") == 3
    # The last one moved up by one: 1, 4, 2.
    dialog.find_element(By.CSS_SELECTOR, f'button[aria-label="Avancer « {photos[3].alt_text} »"]').click()
    dialog.find_element(By.ID, "newsroom-library-caption").send_keys("Le derby en images")
    dialog.find_element(By.CSS_SELECTOR, ".newsroom-library-gallery .default").click()

    wait_until(driver, lambda d: not present(d, LIBRARY))
    shown = wait_for(driver, ".prose-editor .newsroom-gallery")
    assert "3 images" in shown.text
    wait_until(driver, lambda d: len(present(d, ".newsroom-gallery-strip img")) == 3)
    expected = f'<figure data-gallery="{photos[0].pk} {photos[3].pk} {photos[1].pk}"><figcaption>Le derby en images</figcaption></figure>'
    assert expected in body_value(driver)

    # Changed again: a double click opens it with its images, one is taken out.
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).double_click(shown).perform()
    dialog = wait_for(driver, LIBRARY)
    wait_until(driver, lambda d: len(present(d, f"{LIBRARY} .newsroom-library-chosen li[data-image-id]")) == 3)
    dialog.find_element(By.CSS_SELECTOR, f'button[aria-label="Retirer « {photos[0].alt_text} »"]').click()
    dialog.find_element(By.CSS_SELECTOR, ".newsroom-library-gallery .default").click()
    wait_until(driver, lambda d: f'data-gallery="{photos[3].pk} {photos[1].pk}"' in body_value(d))

    # From the keyboard: the gallery selected, Enter opens it; Esc leaves it as it was.
    from selenium.webdriver.common.keys import Keys

    driver.execute_script(
        "const {editor} = document.querySelector(arguments[0]);"
        "let at = null; editor.state.doc.descendants((node, pos) => { if (node.type.name === 'gallery') at = pos });"
        "editor.chain().focus().setNodeSelection(at).run()",
        EDITABLE,
    )
    driver.switch_to.active_element.send_keys(Keys.ENTER)
    wait_for(driver, LIBRARY)
    wait_until(driver, lambda d: len(present(d, f"{LIBRARY} .newsroom-library-chosen li[data-image-id]")) == 2)
    driver.switch_to.active_element.send_keys(Keys.ESCAPE)
    wait_until(driver, lambda d: not present(d, LIBRARY))
    assert f'data-gallery="{photos[3].pk} {photos[1].pk}"' in body_value(driver)

    save_new_article(driver, title="Le derby en images", slug="derby-images", section=section, standfirst="Photos.")
    body = Article.objects.get(slug="derby-images").body
    assert (
        f'<figure data-gallery="{photos[3].pk} {photos[1].pk}"><figcaption>Le derby en images</figcaption></figure>'
        in body
    )


def test_readers_browse_a_gallery_in_its_viewer(browser, live_server, make_article, photos):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    ids = " ".join(str(photo.pk) for photo in photos[:3])
    article = make_article(
        "Le derby en images",
        body=f'<p>Trois photos.</p><figure data-gallery="{ids}"><figcaption>Le derby</figcaption></figure><p>Fin.</p>',
    )
    driver = browser
    driver.get(live_server.url + article.get_absolute_url())
    assert axe_violations(driver) == []

    first = wait_for(driver, ".gallery-grid a")
    first.click()
    viewer = wait_for(driver, "dialog.gallery-viewer[open]")
    assert "Image 1 sur 3" in viewer.text and "Légende 1" in viewer.text and "Photo : Jeanne Martin" in viewer.text
    assert viewer.get_attribute("aria-label") == "Diaporama : Le derby"
    assert driver.current_url.endswith(article.get_absolute_url())  # the link's page was not followed
    assert axe_violations(driver) == []

    driver.switch_to.active_element.send_keys(Keys.ARROW_RIGHT)
    wait_until(driver, lambda d: "Image 2 sur 3" in viewer.text)
    assert "Légende 2" in viewer.text
    viewer.find_element(By.CSS_SELECTOR, ".gallery-viewer-previous").click()
    wait_until(driver, lambda d: "Image 1 sur 3" in viewer.text)
    viewer.find_element(By.CSS_SELECTOR, ".gallery-viewer-previous").click()
    wait_until(driver, lambda d: "Image 3 sur 3" in viewer.text)  # round the end
    # A swipe to the left (a finger's pointer events on the picture): the next one, round to the first.
    driver.execute_script(
        """
        const stage = document.querySelector(".gallery-viewer-stage");
        for (const [type, x] of [["pointerdown", 300], ["pointerup", 120]]) {
          stage.dispatchEvent(new PointerEvent(type, {clientX: x, clientY: 200, pointerType: "touch", bubbles: true}));
        }
        """
    )
    wait_until(driver, lambda d: "Image 1 sur 3" in viewer.text)

    driver.switch_to.active_element.send_keys(Keys.ESCAPE)
    wait_until(driver, lambda d: not present(d, "dialog.gallery-viewer[open]"))
    assert driver.execute_script("return document.activeElement === document.querySelector('.gallery-grid a')")


def test_a_dropped_image_too_heavy_or_a_full_disk_is_said_in_french_in_the_dialog(
    journalist_browser, live_server, settings, monkeypatch
):
    import errno

    from django.core.files.storage import FileSystemStorage
    from selenium.webdriver.common.by import By

    driver = journalist_browser
    settings.IMAGES_MAX_UPLOAD_BYTES = 200_000
    open_editor(driver, live_server)
    driver.switch_to.active_element.send_keys("Texte.")
    before = body_value(driver)

    # Heavier than the library takes: said before anything is sent (the limit comes with the list).
    drop_file(driver, jpeg((3000, 2000), "red") + b"\0" * 200_000, "IMG_0001.jpg", "image/jpeg")
    error = wait_for(driver, f"{LIBRARY} [data-field=file] .errorlist li")
    assert error.text == (
        "« IMG_0001.jpg » est trop lourd pour la photothèque (plus de 0,2 Mo) : choisissez une image plus légère."
    )
    assert not Image.objects.exists()
    driver.find_element(By.CSS_SELECTOR, f"{LIBRARY} .newsroom-library-close").click()
    wait_until(driver, lambda d: not present(d, LIBRARY))

    # The disk fills up while the picture is written: the server's French message, next to the file.
    def disk_full(storage, name, content):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(FileSystemStorage, "_save", disk_full)
    drop_file(driver, jpeg(), "photo.jpg", "image/jpeg")
    dialog = wait_for(driver, LIBRARY)
    wait_for_dropped_file(driver, "photo.jpg")
    dialog.find_element(By.NAME, "upload-alt_text").send_keys("La place Stanislas sous la pluie")
    dialog.find_element(By.CSS_SELECTOR, "[type=submit]").click()
    error = wait_for(driver, f"{LIBRARY} [data-field=file] .errorlist li")
    assert "Le disque du serveur est plein" in error.text
    assert dialog.find_element(By.NAME, "upload-alt_text").get_attribute("value") == "La place Stanislas sous la pluie"
    assert driver.execute_script("return document.querySelector('dialog[open] input[type=file]').files.length") == 1
    assert not Image.objects.exists()
    driver.find_element(By.CSS_SELECTOR, f"{LIBRARY} .newsroom-library-close").click()
    wait_until(driver, lambda d: not present(d, LIBRARY))
    assert body_value(driver) == before


RUN_AXE_IN = """
const [selector, done] = [arguments[0], arguments[arguments.length - 1]];
axe.run(document.querySelector(selector), {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
  .then(results => done(results.violations.map(v => v.id + ": " + v.nodes.map(n => n.target.join(" ")).join(", "))));
"""


def test_the_library_dialog_passes_axe_in_each_of_its_modes(journalist_browser, live_server, photos):
    from browser import AXE_JS
    from selenium.webdriver.common.by import By

    driver = journalist_browser
    open_editor(driver, live_server)
    driver.execute_script(AXE_JS.read_text())
    driver.set_script_timeout(60)

    tool(driver, "gallery").click()
    dialog = wait_for(driver, LIBRARY)
    wait_for(driver, f'{LIBRARY} .newsroom-library-image[data-image-id="{photos[0].pk}"]').click()
    wait_for(driver, f'{LIBRARY} .newsroom-library-image[data-image-id="{photos[1].pk}"]').click()
    assert driver.execute_async_script(RUN_AXE_IN, LIBRARY) == []
    dialog.find_element(By.CSS_SELECTOR, '[aria-controls="newsroom-library-upload"]').click()
    wait_for(driver, f"{LIBRARY} #id_upload-file")
    assert driver.execute_async_script(RUN_AXE_IN, LIBRARY) == []
