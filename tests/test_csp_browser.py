"""The Content-Security-Policy as Chromium applies it: nothing a page needs is refused, for readers and for staff.

Chromium reports every refusal on its console (tests/browser.py, ``csp_violations``), and any browser
test during which one happened fails (``no_csp_violation``), in any window. Here each page is checked
on its own, by name.
"""

import reader_site
from browser import BROWSER_TESTS, EDITABLE, csp_violations, log_in, wait_for
from django.urls import reverse
from selenium.webdriver.support.ui import WebDriverWait

from comments.models import Comment

pytestmark = BROWSER_TESTS

HEX_CALLOUT = (
    "<p>Le pont des Roches rouvre lundi.</p>"
    '<figure><img data-file="{image}" alt=""><figcaption>Le pont sous la neige</figcaption></figure>'
    '<aside data-callout="" data-color="#ffcc00" data-title="À savoir"><p>Circulation alternée.</p></aside>'
)


def visit(driver, url: str) -> list[str]:
    """What the policy refused on this page (its scripts run by the time ``get`` returns, on « load »)."""
    driver.get(url)
    return csp_violations(driver)


def send_refused_comment(driver, settings):
    """Send the article's comment form with a text only the server refuses: the page comes back in error."""
    settings.COMMENTS_MIN_SECONDS_TO_WRITE = 0
    settings.COMMENTS_MAX_LENGTH = 20
    driver.find_element("id", "id_name").send_keys("Camille")
    driver.find_element("id", "id_email").send_keys("camille@exemple.fr")
    driver.execute_script("document.getElementById('id_body').value = 'Un avis bien trop long pour la limite.'")
    button = driver.find_element("css selector", ".comment-form button[type=submit]")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", button)
    button.click()
    wait_for(driver, "#erreurs-commentaire a")


# Readers -------------------------------------------------------------------------------------------


def test_every_reader_page_runs_under_the_readers_policy(browser, live_server, moderator):
    site = reader_site.build(moderator)
    refused = {name: visit(browser, live_server.url + url) for name, url in site["pages"].items()}
    assert {name: found for name, found in refused.items() if found} == {}


def test_an_article_keeps_its_coloured_callout_images_data_and_comment_form(
    browser, live_server, make_article, make_image, make_approved_comment, settings
):
    image = make_image(alt_text="Le pont des Roches sous la neige")
    article = make_article("Le pont des Roches rouvre", body=HEX_CALLOUT.format(image=image.pk), main_image=image)
    make_approved_comment(article, "Enfin !")
    assert visit(browser, live_server.url + article.get_absolute_url()) == []

    callout = browser.find_element("css selector", ".callout")
    # Its colours come from a style attribute, which style-src-attr allows.
    assert callout.value_of_css_property("background-color") == "rgba(255, 204, 0, 1)"
    assert callout.value_of_css_property("color") == "rgba(0, 0, 0, 1)"
    # Every picture loaded (img-src 'self'), the body's and the main one.
    pictures = browser.execute_script("return [...document.images].map(i => i.complete && i.naturalWidth > 0)")
    assert len(pictures) >= 2 and all(pictures)
    # The JSON-LD is a data block: neither run nor refused, and still readable.
    data = browser.execute_script(
        "return JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').textContent)"
    )
    assert data["@type"] == "NewsArticle" and data["headline"] == "Le pont des Roches rouvre"

    # The form sent back in error, with its script (comments/form-errors.js) moving the focus to the summary
    # once the page has loaded, a frame later: wait for it rather than read the focus at once.
    send_refused_comment(browser, settings)
    WebDriverWait(browser, 5).until(
        lambda driver: driver.switch_to.active_element.get_attribute("id") == "erreurs-commentaire",
        "the error summary never took the focus",
    )
    assert csp_violations(browser) == []


# Staff ---------------------------------------------------------------------------------------------


def test_the_admin_pages_staff_use_run_under_the_staff_policy(
    logged_in, live_server, make_article, make_image, make_comment
):
    from selenium.webdriver.common.by import By

    driver = logged_in
    image = make_image(alt_text="Le pont des Roches sous la neige")
    article = make_article("Le pont des Roches rouvre", body=HEX_CALLOUT.format(image=image.pk))
    make_comment(article, "Un avis à modérer.", status=Comment.Status.PENDING)
    pages = {
        "index": reverse("admin:index"),
        "article list with filters": reverse("admin:articles_article_changelist") + "?status__exact=published",
        "delete confirmation": reverse("admin:articles_article_delete", args=[article.pk]),
        "moderation desk": reverse("admin:comments_comment_changelist"),
        "image picker": reverse("admin:images_image_picker") + "?CKEditorFuncNum=1",
        "image list": reverse("admin:images_image_changelist"),
    }
    refused = {name: visit(driver, live_server.url + url) for name, url in pages.items()}
    assert {name: found for name, found in refused.items() if found} == {}

    # The article form: the editor (an import map, modules, Tiptap's stylesheet), typing in it, the date
    # widgets, an autocomplete box (select2), and the « + » that opens a section's form in a popup whose
    # answer (Django's popup_response, a nonce-d script) hands the new section back and closes it.
    driver.get(live_server.url + reverse("admin:articles_article_change", args=[article.pk]))
    editable = wait_for(driver, EDITABLE)
    editable.click()
    editable.send_keys(" Et des travaux jusqu’en mai.")
    assert "travaux jusqu’en mai" in driver.execute_script("return document.querySelector('#id_body').value")
    wait_for(driver, "#id_published_at_0 ~ .datetimeshortcuts a, .datetimeshortcuts a").click()
    driver.find_element(By.CSS_SELECTOR, ".select2-selection").click()
    wait_for(driver, ".select2-search__field, .select2-results")
    editor_window = driver.current_window_handle
    driver.find_element(By.ID, "add_id_section").click()
    WebDriverWait(driver, 5).until(lambda d: len(d.window_handles) == 2)
    driver.switch_to.window(next(h for h in driver.window_handles if h != editor_window))
    wait_for(driver, "#id_name").send_keys("Sports mécaniques")
    driver.find_element(By.CSS_SELECTOR, "input[name=_save]").click()
    WebDriverWait(driver, 5).until(lambda d: len(d.window_handles) == 1)
    driver.switch_to.window(editor_window)
    chosen = driver.execute_script(
        "const s = document.getElementById('id_section'); return s.options[s.selectedIndex].text"
    )
    assert chosen == "Sports mécaniques"
    assert csp_violations(driver) == []


def test_a_journalist_inserts_a_library_image_through_the_picker_under_the_policy(
    browser, live_server, journalist, make_image
):
    from selenium.webdriver.support.ui import WebDriverWait

    image = make_image(alt_text="Le pont des Roches sous la neige")
    driver = log_in(browser, live_server, journalist)
    driver.get(live_server.url + reverse("admin:articles_article_add"))
    wait_for(driver, EDITABLE).click()
    # The library opens in a dialog of the page (static/articles/editor/library.js), its thumbnails
    # and upload form fetched from the picker: no window, and nothing the policy refuses.
    wait_for(driver, '.prose-menubar [data-name="figure"]').click()
    wait_for(driver, '[aria-controls="newsroom-library-upload"]').click()
    wait_for(driver, "dialog.newsroom-library[open] #id_upload-file")
    wait_for(driver, '[aria-controls="newsroom-library-choose"]').click()
    wait_for(driver, f'dialog.newsroom-library[open] [data-image-id="{image.pk}"]').click()
    WebDriverWait(driver, 5).until(
        lambda d: f'data-file="{image.pk}"' in d.execute_script("return document.querySelector('#id_body').value")
    )
    assert len(driver.window_handles) == 1
    assert csp_violations(driver) == []
