"""Writing a whole article as a journalist does, in headless Chromium at 1280 px (tests/browser.py).

Paragraphs around a picture uploaded from the editor's own picker, a sub-heading, a note, a list,
a link pasted from the development server; the toolbar read for any English word; a draft kept
in the browser and offered back after the tab was closed.
"""

import re
import time
from html.parser import HTMLParser

import pytest
from browser import (
    BROWSER_TESTS,
    EDITABLE,
    back_in_the_editor,
    body_value,
    click_tool,
    log_in,
    paste,
    present,
    press,
    type_text,
    wait_for,
)
from django.urls import reverse
from factories import jpeg

from articles.body import CALLOUT_BUTTON, IMAGE_BUTTON
from articles.models import Article, ArticleRevision, BodyReference
from images.models import Image

pytestmark = BROWSER_TESTS

DEV_SERVER = "http://127.0.0.1:8000"
CAPTION = "Le pont des Roches sous la neige."


class _Outline(HTMLParser):
    """The body's top-level elements, and the text of each figure's caption."""

    def __init__(self):
        super().__init__()
        self.depth, self.blocks, self.captions, self.in_caption = 0, [], [], False

    def handle_starttag(self, tag, attrs):
        if tag in {"br", "img"}:
            return
        if self.depth == 0:
            self.blocks.append(tag)
        if tag == "figcaption":
            self.in_caption = True
            self.captions.append("")
        self.depth += 1

    def handle_endtag(self, tag):
        if tag in {"br", "img"}:
            return
        self.depth -= 1
        if tag == "figcaption":
            self.in_caption = False

    def handle_data(self, data):
        if self.in_caption:
            self.captions[-1] += data


def outline_of(html: str) -> _Outline:
    parser = _Outline()
    parser.feed(html)
    return parser


@pytest.fixture
def journalist_browser(browser, live_server, journalist):
    return log_in(browser, live_server, journalist)


def to_caption_end(driver):
    """Click in the figure's caption and press End, until the editor has seen the cursor move there.

    Under load a click can land while the editor is still drawing the content just set, and be
    lost: it is tried again, up to a deadline, rather than read once (docs/testing.md)."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    def at_caption_end(d):
        return d.execute_script(
            "const {$from} = document.querySelector(arguments[0]).editor.state.selection;"
            "return $from.parent.type.name === 'caption' && $from.parentOffset === $from.parent.content.size",
            EDITABLE,
        )

    deadline = time.monotonic() + 10
    while True:
        driver.find_element(By.CSS_SELECTOR, ".prose-editor figcaption").click()
        press(driver, Keys.END)
        try:
            WebDriverWait(driver, 1).until(at_caption_end)
            return
        except TimeoutException:
            assert time.monotonic() < deadline, "the cursor never reached the end of the figure's caption"


def selection_parent(driver) -> str:
    """The name of the editor node holding the cursor (paragraph, caption…)."""
    return driver.execute_script(
        "const node = window.getSelection().anchorNode;"
        "const element = node.nodeType === 1 ? node : node.parentElement;"
        "return element.closest('figcaption, p, h2, h3, li, aside').tagName.toLowerCase()"
    )


def open_library(driver):
    """The image button opens the library in a dialog of the page itself (static/articles/editor/library.js)."""
    click_tool(driver, "figure")
    return wait_for(driver, "dialog.newsroom-library[open]")


def upload_from_picker(driver, tmp_path):
    """Upload a new JPEG from the library's dialog, with the picker's own form: it goes in at once."""
    from selenium.webdriver.common.by import By

    dialog = open_library(driver)
    dialog.find_element(By.CSS_SELECTOR, '[aria-controls="newsroom-library-upload"]').click()

    photo = tmp_path / "IMG_0001.jpg"
    photo.write_bytes(jpeg())
    wait_for(driver, "#id_upload-file")
    driver.find_element(By.ID, "id_upload-file").send_keys(str(photo))
    # Forgotten alt text: refused, said in French next to the field, and the chosen file is kept.
    driver.find_element(By.ID, "id_upload-caption").send_keys(CAPTION)
    driver.find_element(By.CSS_SELECTOR, "#picker-upload [type=submit]").click()
    error = wait_for(driver, "#id_upload-alt_text_error li")
    assert error.text == "Décrivez l’image pour les personnes qui ne la voient pas."
    assert driver.execute_script("return document.getElementById('id_upload-file').files.length") == 1
    driver.find_element(By.ID, "id_upload-alt_text").send_keys("Le pont des Roches, enneigé, vu du quai")
    driver.find_element(By.ID, "id_upload-credit").send_keys("Photo : Jeanne Martin")
    driver.find_element(By.CSS_SELECTOR, "#picker-upload [type=submit]").click()

    back_in_the_editor(driver)
    assert len(driver.window_handles) == 1
    return Image.objects.get()


def test_a_journalist_writes_around_a_picture_uploaded_from_the_picker(
    journalist_browser, live_server, make_article, section, tmp_path
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select, WebDriverWait

    other = make_article("Le tram arrive à Nancy", slug="le-tram-arrive")
    driver = journalist_browser
    driver.get(live_server.url + reverse("admin:articles_article_add"))
    wait_for(driver, EDITABLE).click()

    type_text(driver, "Il neigeait depuis 2016.Il faut dire que les enfants.Car ils attendaient.")
    image = upload_from_picker(driver, tmp_path)
    # The cursor waits after the picture, not in its caption.
    assert selection_parent(driver) == "p"
    type_text(driver, "Le texte reprend après la photo.")

    press(driver, Keys.ENTER)
    click_tool(driver, "heading2")
    type_text(driver, "Une décision attendue")

    # A note, left with Enter on its empty last line.
    press(driver, Keys.ENTER)
    wait_for(driver, f'button[aria-label="{CALLOUT_BUTTON_TITLE}"]').click()
    dialog = wait_for(driver, "dialog[open]")
    dialog.find_element(By.CSS_SELECTOR, "input[type=text]").send_keys("À noter")
    dialog.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    # Typing goes to the focused element: wait for the dialog to close and the callout to hold the cursor.
    WebDriverWait(driver, 5).until(
        lambda d: (
            not present(d, "dialog[open]")
            and d.execute_script("return !!window.getSelection().anchorNode?.parentElement?.closest('aside')")
        )
    )
    type_text(driver, "Entrée libre.")
    press(driver, Keys.ENTER, Keys.ENTER)

    click_tool(driver, "bulletList")
    type_text(driver, "la gare")
    press(driver, Keys.ENTER)
    type_text(driver, "voir ")
    paste(driver, f"{DEV_SERVER}/article/le-tram-arrive/")
    type_text(driver, " et après.")

    driver.find_element(By.ID, "id_title").send_keys("La neige à Metz")
    slug = driver.find_element(By.ID, "id_slug")
    slug.clear()
    slug.send_keys("la-neige-a-metz")
    Select(driver.find_element(By.ID, "id_section")).select_by_value(str(section.pk))
    driver.find_element(By.ID, "id_standfirst").send_keys("Toute la ville sous la neige.")
    driver.find_element(By.CSS_SELECTOR, "input[name=_save]").click()
    wait_for(driver, ".messagelist")

    article = Article.objects.get(slug="la-neige-a-metz")
    found = outline_of(article.body)
    assert found.blocks == ["p", "figure", "p", "h2", "aside", "ul"], article.body
    assert found.captions == [CAPTION]
    assert f'data-file="{image.pk}"' in article.body
    # Bare words stay words; the pasted address is a reference to the other article.
    assert "2016.Il faut" in article.body and "enfants.Car" in article.body
    assert re.findall(r"<a [^>]*>", article.body) == ['<a href="/article/le-tram-arrive/">']
    assert "</a> et après." in article.body
    assert "IMG_0001" not in article.body  # the uploaded file's name is nowhere
    reference = BodyReference.objects.get(article=article, linked_slug="le-tram-arrive")
    assert reference.target_article == other


CALLOUT_BUTTON_TITLE = "Insérer ou modifier un encadré"

# Words of the package's own English labels; a French label contains none of them.
ENGLISH = re.compile(
    r"\b(heading|paragraph|bold|italic|unordered|ordered|list|blockquote|figure|insert|remove|link|undo|redo|"
    r"caption|image url|browse|alternative|edit|update|cancel|title|toggle|fullscreen|properties|"
    r"question_mark|format_\w+)\b",
    re.IGNORECASE,
)


def test_every_label_of_the_editor_is_french(journalist_browser, live_server, make_image):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    make_image(alt_text="Le pont des Roches")
    driver = journalist_browser
    driver.get(live_server.url + reverse("admin:articles_article_add"))
    wait_for(driver, EDITABLE).click()

    def labels() -> list[str]:
        return driver.execute_script(
            """
            const found = [];
            for (const element of document.querySelectorAll(
                ".prose-menubar button, .prose-menubar__selected, .prose-menubar__option *, dialog[open] *")) {
              for (const name of ["title", "aria-label", "placeholder"]) {
                if (element.getAttribute(name)) found.push(element.getAttribute(name));
              }
              // Material icons show their ligature's name as text: the label is in the attributes.
              if (!element.classList.contains("material-icons") && !element.children.length
                  && element.textContent.trim()) found.push(element.textContent.trim());
            }
            return found;
            """
        )

    seen = labels()
    # The block-type menu, opened.
    driver.find_element(By.CSS_SELECTOR, ".prose-menubar__selected").click()
    seen += labels()
    wait_for(driver, ".prose-menubar__option[data-name=heading2]")
    press(driver, Keys.ESCAPE)
    # The figure dialog, and the link dialog on a selected word.
    click_tool(driver, "figure")
    wait_for(driver, "dialog[open]")
    seen += labels()
    driver.find_element(By.CSS_SELECTOR, "dialog[open] button[value=cancel]").click()
    type_text(driver, "Mot")
    driver.execute_script("document.execCommand('selectAll')")
    click_tool(driver, "link")
    wait_for(driver, "dialog[open]")
    seen += labels()
    driver.find_element(By.CSS_SELECTOR, "dialog[open] button[value=cancel]").click()

    # The editable area itself is named like its field.
    assert driver.find_element(By.CSS_SELECTOR, EDITABLE).get_attribute("aria-label") == "Texte"
    english = sorted({label for label in seen if ENGLISH.search(label)})
    assert english == [], english
    assert {"Intertitre", "Sous-intertitre", "Paragraphe", "Gras", "Italique", "Liste à puces", "Annuler"} <= set(seen)
    # The shortcode error names the buttons as the toolbar shows them.
    assert IMAGE_BUTTON in seen and CALLOUT_BUTTON in seen


def submit_and_wait(driver):
    """« Enregistrer et continuer », then wait for the new page's form to have checked its draft."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    form = driver.find_element(By.ID, "article_form")
    driver.find_element(By.CSS_SELECTOR, "input[name=_continue]").click()
    WebDriverWait(driver, 5).until(expected_conditions.staleness_of(form))
    wait_for(driver, "#article_form[data-autosave=ready]")


def test_a_draft_survives_a_closed_tab_and_is_offered_back(journalist_browser, live_server, make_article, journalist):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    article = make_article("Le conseil municipal", status=Article.Status.DRAFT, authors=[journalist])
    stored_body = article.body
    change_url = live_server.url + reverse("admin:articles_article_change", args=[article.pk])
    driver = journalist_browser
    driver.get(change_url)
    wait_for(driver, EDITABLE).click()
    type_text(driver, " Ajouté avant la panne.")
    driver.find_element(By.ID, "id_title").send_keys(" vote le budget")

    # The tab closes without saving; the same browser opens the article again in a new one.
    closed = driver.current_window_handle
    WebDriverWait(driver, 5).until(
        lambda d: d.execute_script(
            f"return !!localStorage.getItem('newsroom:article-draft:{journalist.pk}:{article.pk}')"
        )
    )
    driver.switch_to.new_window("tab")
    reopened = driver.current_window_handle
    driver.switch_to.window(closed)
    driver.close()
    driver.switch_to.window(reopened)
    driver.get(change_url)

    banner = wait_for(driver, ".newsroom-draft-banner")
    assert "non enregistrée" in banner.text
    assert driver.find_element(By.ID, "id_title").get_attribute("value") == "Le conseil municipal"
    driver.find_element(By.XPATH, "//div[@class='newsroom-draft-banner']//button[text()='Restaurer']").click()
    assert driver.find_element(By.ID, "id_title").get_attribute("value") == "Le conseil municipal vote le budget"
    assert "Ajouté avant la panne." in body_value(driver)
    assert "Ajouté avant la panne." in driver.find_element(By.CSS_SELECTOR, EDITABLE).text

    # A refused save keeps the draft (the form comes back with the typed text and an error).
    driver.find_element(By.ID, "id_title").clear()
    submit_and_wait(driver)
    assert driver.find_elements(By.CSS_SELECTOR, ".errornote")
    kept = driver.execute_script(
        f"return JSON.parse(localStorage.getItem('newsroom:article-draft:{journalist.pk}:{article.pk}'))"
    )
    assert "Ajouté avant la panne." in kept["body"]

    # Saved: the draft is dropped, and the next opening offers nothing.
    driver.find_element(By.ID, "id_title").send_keys("Le conseil municipal vote le budget")
    submit_and_wait(driver)
    wait_for(driver, ".messagelist .success")
    article.refresh_from_db()
    assert article.title == "Le conseil municipal vote le budget" and article.body != stored_body
    assert (
        driver.execute_script(f"return localStorage.getItem('newsroom:article-draft:{journalist.pk}:{article.pk}')")
        is None
    )
    driver.get(change_url)
    wait_for(driver, EDITABLE)
    wait_for(driver, "#article_form[data-autosave=ready]")
    assert driver.execute_script("return document.querySelector('.newsroom-draft-banner')") is None


def test_a_draft_is_offered_only_to_the_person_who_typed_it(
    journalist_browser, live_server, make_article, journalist, make_user
):
    from selenium.webdriver.support.ui import WebDriverWait

    article = make_article("Le conseil municipal", status=Article.Status.DRAFT, authors=[journalist])
    change_url = live_server.url + reverse("admin:articles_article_change", args=[article.pk])
    driver = journalist_browser
    driver.get(change_url)
    wait_for(driver, EDITABLE).click()
    type_text(driver, " Texte non enregistré.")
    WebDriverWait(driver, 5).until(
        lambda d: d.execute_script(
            f"return !!localStorage.getItem('newsroom:article-draft:{journalist.pk}:{article.pk}')"
        )
    )
    driver.get(live_server.url + reverse("admin:articles_article_changelist"))

    # A colleague signs in on the same computer: nothing of it is offered to her.
    colleague = make_user("colleague", groups=["Journalistes"], first_name="Lise", last_name="Weber")
    log_in(driver, live_server, colleague).get(change_url)
    wait_for(driver, "#article_form[data-autosave=ready]")
    assert not present(driver, ".newsroom-draft-banner")

    log_in(driver, live_server, journalist).get(change_url)
    assert "non enregistrée" in wait_for(driver, ".newsroom-draft-banner").text


def test_a_draft_older_than_a_save_meanwhile_goes_through_the_conflict_check(
    journalist_browser, live_server, make_article, journalist, editor
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    article = make_article("Le conseil municipal", status=Article.Status.DRAFT, authors=[journalist])
    ArticleRevision.objects.record(article, journalist)
    change_url = live_server.url + reverse("admin:articles_article_change", args=[article.pk])
    driver = journalist_browser
    driver.get(change_url)
    wait_for(driver, EDITABLE).click()
    type_text(driver, " Ajouté avant la panne.")
    WebDriverWait(driver, 5).until(
        lambda d: d.execute_script(
            f"return !!localStorage.getItem('newsroom:article-draft:{journalist.pk}:{article.pk}')"
        )
    )
    driver.get(live_server.url + reverse("admin:articles_article_changelist"))  # the tab is left unsaved

    # Meanwhile the editor corrects the standfirst and saves.
    article.standfirst = "Un chapô corrigé par la rédaction en chef."
    article.save(by=editor)
    ArticleRevision.objects.record(article, editor)

    driver.get(change_url)
    banner = wait_for(driver, ".newsroom-draft-banner")
    assert "enregistré depuis" in banner.text
    driver.find_element(By.XPATH, "//div[@class='newsroom-draft-banner']//button[text()='Restaurer']").click()
    submit_and_wait(driver)

    # Not saved over the editor's version: the conflict is shown, to merge or overwrite on purpose.
    wait_for(driver, "#article-conflict input[name=_merge]")
    article.refresh_from_db()
    assert article.standfirst == "Un chapô corrigé par la rédaction en chef."
    assert "Ajouté avant la panne." not in article.body
    assert "Ajouté avant la panne." in body_value(driver)


def test_a_figure_is_left_deleted_and_inserted_with_the_keyboard(journalist_browser, live_server, make_image):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    image = make_image(alt_text="Le pont des Roches")
    figure = f'<figure><img src="{image.fallback_url}" alt="" data-file="{image.pk}"><figcaption>Légende</figcaption></figure>'
    driver = journalist_browser
    driver.get(live_server.url + reverse("admin:articles_article_add"))
    wait_for(driver, EDITABLE)
    driver.execute_script(  # as if the article had been saved with it
        "document.querySelector(arguments[1]).editor.commands.setContent(arguments[0], {emitUpdate: true});",
        f"<p>Avant.</p>{figure}<p>Après.</p>",
        EDITABLE,
    )

    to_caption_end(driver)
    press(driver, Keys.ENTER)
    assert selection_parent(driver) == "p"
    type_text(driver, "Nouveau paragraphe.")
    to_caption_end(driver)
    click_tool(driver, "heading2")
    type_text(driver, "Intertitre")
    to_caption_end(driver)
    press(driver, Keys.ARROW_DOWN)
    type_text(driver, "Un ")
    to_caption_end(driver)
    press(driver, Keys.ARROW_RIGHT)
    assert driver.execute_script(
        "const {$from} = document.querySelector(arguments[0]).editor.state.selection;"
        "return [$from.parent.textContent, $from.parentOffset]",
        EDITABLE,
    ) == ["Un Intertitre", 0]
    assert outline_of(body_value(driver)).blocks == ["p", "figure", "h2", "p", "p"], body_value(driver)
    assert "</figure><h2>Un Intertitre</h2><p>Nouveau paragraphe.</p>" in body_value(driver)

    # Selected (a click on the picture), the figure goes with Backspace.
    driver.find_element(By.CSS_SELECTOR, ".prose-editor figure img").click()
    press(driver, Keys.BACKSPACE)
    assert "<figure" not in body_value(driver)

    # Inserted from the library between a paragraph and a heading: the cursor waits in a new paragraph.
    driver.find_element(By.XPATH, "//div[@contenteditable='true']/p[1]").click()
    press(driver, Keys.END)
    choose_from_picker(driver, image)
    type_text(driver, "Suite.")
    assert outline_of(body_value(driver)).blocks == ["p", "figure", "p", "h2", "p", "p"], body_value(driver)
    assert "</figure><p>Suite.</p><h2>Un Intertitre</h2>" in body_value(driver)


def choose_from_picker(driver, image):
    open_library(driver)
    wait_for(driver, f'.newsroom-library-image[data-image-id="{image.pk}"]').click()
    back_in_the_editor(driver)
