"""The journalists' editor in a real browser: the JavaScript is what they use, so it is tested as they use it.

Runs headless Chromium through Selenium (tests/browser.py).
"""

from browser import BROWSER_TESTS, EDITABLE, save_new_article, wait_for
from django.urls import reverse

from articles.models import Article

pytestmark = BROWSER_TESTS


def test_a_journalist_writes_a_callout_note_with_the_editor(logged_in, live_server, section):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    driver = logged_in
    driver.get(live_server.url + reverse("admin:articles_article_add"))

    editable = wait_for(driver, EDITABLE)
    editable.click()
    editable.send_keys("Entrée libre, inscription conseillée.")
    wait_for(driver, 'button[aria-label="Insérer ou modifier un encadré"]').click()

    dialog = wait_for(driver, "dialog[open]")
    title_input = dialog.find_element(By.CSS_SELECTOR, "input[type=text]")
    title_input.send_keys("À noter")
    Select(dialog.find_element(By.CSS_SELECTOR, "select")).select_by_visible_text("bleu")
    dialog.find_element(By.CSS_SELECTOR, "button[type=submit]").click()

    body = driver.execute_script("return document.querySelector('#id_body').value")
    assert "<aside" in body and 'data-callout=""' in body and 'data-color="bleu"' in body
    assert 'data-title="À noter"' in body

    save_new_article(
        driver,
        title="Le salon GEN4 revient",
        slug="gen4-revient",
        section=section,
        standfirst="Deuxième édition à Nancy.",
    )

    article = Article.objects.get(slug="gen4-revient")
    assert '<aside data-callout="" data-color="bleu" data-title="À noter">' in article.body
    assert "Entrée libre, inscription conseillée." in article.body


def test_the_editor_offers_every_tool_a_journalist_needs(logged_in, live_server):
    driver = logged_in
    driver.get(live_server.url + reverse("admin:articles_article_add"))
    wait_for(driver, EDITABLE)
    names = set(
        driver.execute_script(
            "return [...document.querySelectorAll('.prose-menubar [data-name]')].map(b => b.dataset.name)"
        )
    )
    for tool in [
        "heading2",
        "heading3",
        "paragraph",
        "bulletList",
        "orderedList",
        "blockquote",
        "bold",
        "italic",
        "link",
        "callout",
    ]:
        assert tool in names, (tool, sorted(names))
    # Images come from the library through the figure dialog.
    assert names & {"figure", "image", "editImage"}, sorted(names)
