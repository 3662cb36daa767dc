"""Documents, audio and video from the editor's own dialog (static/articles/editor/media.js), in Chromium."""

import factories
from browser import BROWSER_TESTS, EDITABLE, save_new_article, wait_for
from django.urls import reverse

from articles.models import Article
from documents.models import Document

pytestmark = BROWSER_TESTS

MEDIA_BUTTON = 'button[aria-label="Insérer un document, un son ou une vidéo de la médiathèque"]'


def open_media_dialog(driver):
    wait_for(driver, MEDIA_BUTTON).click()
    return wait_for(driver, "dialog.newsroom-media[open]")


def test_a_journalist_uploads_a_pdf_and_inserts_a_video_from_the_dialog(logged_in, live_server, section, tmp_path):
    from selenium.webdriver.common.by import By

    video = factories.make_document(factories.mp4_video(), name="incendie.mp4", title="L’incendie de la rue Serpenoise")
    pdf = tmp_path / "budget.pdf"
    pdf.write_bytes(factories.draw_pdf(["Budget primitif 2027"]))
    fake = tmp_path / "budget-faux.pdf"
    fake.write_bytes(b"<!doctype html><script>alert(1)</script>")
    driver = logged_in
    driver.get(live_server.url + reverse("admin:articles_article_add"))
    editable = wait_for(driver, EDITABLE)
    editable.click()
    editable.send_keys("Le budget est en ligne : ")

    # A web page named .pdf: refused next to the file field, the typed title kept.
    dialog = open_media_dialog(driver)
    dialog.find_element(By.ID, "newsroom-media-file").send_keys(str(fake))
    dialog.find_element(By.ID, "newsroom-media-doc-title").send_keys("Budget primitif 2027")
    dialog.find_element(By.CSS_SELECTOR, ".newsroom-media-upload button.default").click()
    error = wait_for(driver, "#newsroom-media-file-errors li")
    assert "PDF" in error.text or "page web" in error.text or "HTML" in error.text, error.text
    assert dialog.find_element(By.ID, "newsroom-media-doc-title").get_attribute("value") == "Budget primitif 2027"

    # The real PDF: uploaded, then linked where the cursor was, its title as the link's text.
    dialog.find_element(By.ID, "newsroom-media-file").send_keys(str(pdf))
    dialog.find_element(By.CSS_SELECTOR, ".newsroom-media-upload button.default").click()
    wait_for(driver, f'{EDITABLE} a[href^="/documents/"]')
    document = Document.objects.get(title="Budget primitif 2027")

    # The video: chosen in the list, played in the body.
    editable.send_keys(".")
    dialog = open_media_dialog(driver)
    wait_for(driver, ".newsroom-media-choice")
    choice = next(
        button
        for button in dialog.find_elements(By.CSS_SELECTOR, ".newsroom-media-choice")
        if "L’incendie de la rue Serpenoise" in button.text
    )
    choice.click()
    wait_for(driver, f'{EDITABLE} figure[data-media="{video.pk}"]')

    save_new_article(
        driver, title="Le budget 2027 en ligne", slug="budget-2027-en-ligne", section=section, standfirst="Tout."
    )
    article = Article.objects.get(slug="budget-2027-en-ligne")
    assert f'<a href="/documents/{document.pk}/">Budget primitif 2027</a>' in article.body
    assert f'<figure data-media="{video.pk}"></figure>' in article.body
    preview = driver.get(live_server.url + reverse("articles:preview", kwargs={"pk": article.pk}))
    assert preview is None
    wait_for(driver, "span.document-meta")
    assert driver.find_element(By.CSS_SELECTOR, f'video source[src="/documents/{video.pk}/"]')
