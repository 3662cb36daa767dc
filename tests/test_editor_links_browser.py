"""Links and the server's copy of a draft, as a journalist uses them in headless Chromium (tests/browser.py).

The link dialog searches the site by title and is used with the keyboard alone; a bare article
address pasted into the text becomes a link titled like the article; a draft's preview address is
refused in French; the text typed in one browser is offered back in another (static/articles/editor/
links.js and autosave.js, articles/admin_links.py and admin_drafts.py).
"""

import json

import pytest
from browser import (
    AXE_JS,
    BROWSER_TESTS,
    EDITABLE,
    axe_violations,
    body_value,
    log_in,
    paste,
    present,
    press,
    wait_for,
    wait_until,
)
from django.urls import reverse

from articles.models import Article, ArticleDraft

pytestmark = BROWSER_TESTS

DEV_SERVER = "http://127.0.0.1:8000"
REFUSAL = "Cet article n’est pas publié : les lecteurs ne pourraient pas suivre ce lien."


@pytest.fixture
def journalist_browser(browser, live_server, journalist):
    return log_in(browser, live_server, journalist)


@pytest.fixture
def articles(make_article, journalist):
    return {
        "published": make_article("Le tram arrive à Metz", slug="tram-metz"),
        "draft": make_article("Le tram coûtera plus cher", slug="tram-cout", status=Article.Status.DRAFT),
        "mine": make_article(
            "Le conseil municipal",
            slug="conseil",
            status=Article.Status.DRAFT,
            authors=[journalist],
            body="<p>Le conseil a voté.</p>",
        ),
    }


def change_url(live_server, article) -> str:
    return live_server.url + reverse("admin:articles_article_change", args=[article.pk])


def at_the_end_of_the_text(driver):
    from selenium.webdriver.common.keys import Keys

    wait_for(driver, EDITABLE).click()
    press(driver, Keys.CONTROL, Keys.END)
    driver.execute_script("document.querySelector(arguments[0]).editor.commands.focus('end')", EDITABLE)


def open_link_dialog(driver):
    driver.find_element("css selector", '.prose-menubar__group button[data-name="link"]').click()
    return wait_for(driver, "dialog[open].newsroom-link-dialog")


def test_the_dialog_finds_an_article_by_title_and_inserts_it_with_the_keyboard(
    journalist_browser, live_server, articles
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver = journalist_browser
    driver.get(change_url(live_server, articles["mine"]))
    at_the_end_of_the_text(driver)
    driver.switch_to.active_element.send_keys(" Lire aussi : ")

    # Nothing selected: the button works all the same, and says « Insérer » for a new link.
    dialog = open_link_dialog(driver)
    assert dialog.find_element(By.CSS_SELECTOR, "button[type=submit]").text == "Insérer"
    search = driver.switch_to.active_element
    assert search.get_attribute("role") == "combobox" and search.get_attribute("aria-expanded") == "false"
    search.send_keys("tram")
    wait_for(driver, "[role=listbox] [role=option]")
    assert search.get_attribute("aria-expanded") == "true"
    groups = [group.text for group in driver.find_elements(By.CSS_SELECTOR, "[role=listbox] [role=group] > div:first-child")]  # fmt: skip
    assert groups[0].lower() == "articles"
    options = driver.find_elements(By.CSS_SELECTOR, "[role=listbox] [role=option]")
    assert [option.text for option in options[:2]] == ["Le tram arrive à Metz", "Le tram coûtera plus cher — brouillon"]
    assert options[1].get_attribute("aria-disabled") == "true"
    if AXE_JS.exists():  # the dialog open on its results: nothing serious for a screen reader or the eye
        serious = [v for v in axe_violations(driver) if v["impact"] in {"critical", "serious"}]
        assert serious == [], json.dumps(serious, ensure_ascii=False, indent=2)

    # ↓ ↓ onto the draft, Entrée: refused in French, nothing inserted, the dialog stays.
    search.send_keys(Keys.ARROW_DOWN, Keys.ARROW_DOWN)
    assert search.get_attribute("aria-activedescendant") == options[1].get_attribute("id")
    assert options[1].get_attribute("aria-selected") == "true"
    search.send_keys(Keys.ENTER)
    assert wait_for(driver, ".newsroom-link-dialog [role=alert]").text == REFUSAL
    assert 'href="/article/tram-cout/"' not in body_value(driver)

    # ↑ back onto the published one, Entrée: inserted with its title as the text.
    search.send_keys(Keys.ARROW_UP, Keys.ENTER)
    wait_until(driver, lambda d: not present(d, "dialog[open]"))
    wait_until(driver, lambda d: '<a href="/article/tram-metz/">Le tram arrive à Metz</a>' in body_value(d))
    # Typing goes on after the link, not inside it.
    driver.switch_to.active_element.send_keys(" et la suite.")
    wait_until(driver, lambda d: "Le tram arrive à Metz</a> et la suite." in body_value(d))

    # An existing link: « Mettre à jour »; Échap closes the list first, then the dialog.
    driver.execute_script(
        "const editor = document.querySelector(arguments[0]).editor;"
        "let at = null; editor.state.doc.descendants((node, pos) => {"
        "  if (at === null && node.marks.some((m) => m.type.name === 'link')) at = pos + 2 });"
        "editor.commands.setTextSelection(at)",
        EDITABLE,
    )
    dialog = open_link_dialog(driver)
    assert dialog.find_element(By.CSS_SELECTOR, "button[type=submit]").text == "Mettre à jour"
    search = driver.switch_to.active_element
    search.send_keys("tram")
    wait_for(driver, "[role=listbox] [role=option]")
    search.send_keys(Keys.ESCAPE)
    assert present(driver, "dialog[open]") and search.get_attribute("aria-expanded") == "false"
    search.send_keys(Keys.ESCAPE)
    wait_until(driver, lambda d: not present(d, "dialog[open]"))

    driver.find_element(By.CSS_SELECTOR, "input[name=_continue]").click()
    wait_for(driver, ".messagelist .success")
    articles["mine"].refresh_from_db()
    assert '<a href="/article/tram-metz/">Le tram arrive à Metz</a> et la suite.' in articles["mine"].body


def test_an_address_typed_in_the_dialog_to_a_draft_is_refused(journalist_browser, live_server, articles):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver = journalist_browser
    driver.get(change_url(live_server, articles["mine"]))
    at_the_end_of_the_text(driver)
    dialog = open_link_dialog(driver)
    href = dialog.find_element(By.CSS_SELECTOR, "input[name=href]")
    href.send_keys(f"{DEV_SERVER}/apercu/{articles['draft'].pk}/", Keys.ENTER)
    assert wait_for(driver, ".newsroom-link-dialog [role=alert]").text == REFUSAL
    assert "apercu" not in body_value(driver)
    # The published one's preview address: the article's own address, and its title as the text.
    href.clear()
    href.send_keys(f"{DEV_SERVER}/apercu/{articles['published'].pk}/", Keys.ENTER)
    wait_until(driver, lambda d: '<a href="/article/tram-metz/">Le tram arrive à Metz</a>' in body_value(d))


def test_a_pasted_article_address_becomes_a_link_titled_like_the_article(journalist_browser, live_server, articles):
    driver = journalist_browser
    driver.get(change_url(live_server, articles["mine"]))
    at_the_end_of_the_text(driver)
    driver.switch_to.active_element.send_keys(" Voir ")
    paste(driver, f"{DEV_SERVER}/article/tram-metz/")
    wait_until(driver, lambda d: 'Voir <a href="/article/tram-metz/">Le tram arrive à Metz</a>' in body_value(d))
    assert "127.0.0.1" not in body_value(driver)
    # An address of another site stays as pasted.
    driver.switch_to.active_element.send_keys(" et ")
    paste(driver, "https://example.org/article/autre/")
    wait_until(driver, lambda d: ">https://example.org/article/autre/</a>" in body_value(d))


def test_a_pasted_preview_of_a_draft_is_refused_in_french(journalist_browser, live_server, articles):
    driver = journalist_browser
    driver.get(change_url(live_server, articles["mine"]))
    at_the_end_of_the_text(driver)
    driver.switch_to.active_element.send_keys(" Voir ")
    paste(driver, f"{DEV_SERVER}/apercu/{articles['draft'].pk}/")
    notice = wait_for(driver, ".newsroom-link-notice[role=alert]")
    assert REFUSAL in notice.text
    wait_until(driver, lambda d: "apercu" not in body_value(d))
    assert "<a " not in body_value(driver)


def test_a_draft_typed_in_one_browser_is_offered_in_another(two_browsers, live_server, journalist, editor, articles):
    from selenium.webdriver.common.by import By

    office, home = two_browsers
    article = articles["mine"]
    log_in(office, live_server, journalist).get(change_url(live_server, article))
    wait_for(office, "#article_form[data-autosave=ready]")
    at_the_end_of_the_text(office)
    office.switch_to.active_element.send_keys(" Tapé au bureau, jamais enregistré.")
    wait_until(
        office,
        lambda d: (
            "jamais enregistré"
            in (ArticleDraft.objects.filter(user=journalist, article=article).first() or ArticleDraft()).body
        ),  # fmt: skip
    )

    # An editor opening the article is offered nothing of it.
    log_in(home, live_server, editor).get(change_url(live_server, article))
    wait_for(home, "#article_form[data-autosave=ready]")
    assert not present(home, ".newsroom-draft-banner")

    # The journalist, at home (another browser, nothing in its storage): offered, restored, saved.
    log_in(home, live_server, journalist).get(change_url(live_server, article))
    banner = wait_for(home, ".newsroom-draft-banner")
    assert "Une version non enregistrée de ce texte, du " in banner.text and "vous attend" in banner.text
    assert "jamais enregistré" not in body_value(home)
    home.find_element(By.XPATH, "//div[@class='newsroom-draft-banner']//button[text()='Restaurer']").click()
    assert "Tapé au bureau, jamais enregistré." in body_value(home)
    home.find_element(By.CSS_SELECTOR, "input[name=_continue]").click()
    wait_for(home, ".messagelist .success")
    article.refresh_from_db()
    assert "Tapé au bureau, jamais enregistré." in article.body
    wait_until(home, lambda d: not ArticleDraft.objects.filter(user=journalist).exists())


def test_an_ignored_server_draft_is_gone_everywhere(two_browsers, live_server, journalist, articles):
    from selenium.webdriver.common.by import By

    office, home = two_browsers
    article = articles["mine"]
    log_in(office, live_server, journalist).get(change_url(live_server, article))
    wait_for(office, "#article_form[data-autosave=ready]")
    at_the_end_of_the_text(office)
    office.switch_to.active_element.send_keys(" Une idée abandonnée.")
    wait_until(office, lambda d: ArticleDraft.objects.filter(user=journalist, article=article).exists())

    log_in(home, live_server, journalist).get(change_url(live_server, article))
    wait_for(home, ".newsroom-draft-banner")
    home.find_element(By.XPATH, "//div[@class='newsroom-draft-banner']//button[text()='Ignorer']").click()
    wait_until(home, lambda d: not ArticleDraft.objects.filter(user=journalist).exists())
    home.get(change_url(live_server, article))
    wait_for(home, "#article_form[data-autosave=ready]")
    assert not present(home, ".newsroom-draft-banner")
