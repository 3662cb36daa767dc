"""« Composer la une » in Chromium: an editor composes the front page with the keyboard alone, previews it,
saves it, then schedules a change that takes effect at its time (time travel), at 1280 and 390 px."""

import re
from datetime import datetime, time, timedelta
from html import unescape

import pytest
import time_machine
from browser import BROWSER_TESTS, axe_violations, log_in, new_browser, wait_for, wait_until
from django.urls import reverse
from django.utils import timezone

from articles.models import FrontPageComposition

pytestmark = BROWSER_TESTS

COMPOSE = reverse("admin:articles_frontpagecomposition_changelist")


@pytest.fixture
def stories(make_article):
    now = timezone.now()
    return {
        letter: make_article(f"Dépêche {letter}", published_at=now - timedelta(hours=n + 1))
        for n, letter in enumerate("ABCDE")
    }


def text_of(element) -> str:
    return " ".join(element.get_attribute("textContent").split())


def focused(driver) -> str:
    return text_of(driver.switch_to.active_element)


def tab_to(driver, name: str, backwards: bool = False, limit: int = 120) -> None:
    """Press Tab (or Shift+Tab) until the element whose text or label is ``name`` has the focus, as a keyboard user does."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    for _ in range(limit):
        element = driver.switch_to.active_element
        label = text_of(element) or element.get_attribute("value") or element.get_attribute("id")
        if label == name:
            return
        actions = ActionChains(driver)
        if backwards:
            actions.key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT)
        else:
            actions.send_keys(Keys.TAB)
        actions.perform()
    raise AssertionError(f"Tab never reached {name!r} (last: {focused(driver)!r})")


def press(driver, *keys) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    actions = ActionChains(driver)
    for key in keys:
        actions.send_keys(key)
    actions.perform()


def order(driver) -> list[str]:
    from selenium.webdriver.common.by import By

    return [text_of(title) for title in driver.find_elements(By.CSS_SELECTOR, "#frontpage-slots .frontpage-slot-title")]


def announced(driver) -> str:
    from selenium.webdriver.common.by import By

    return text_of(driver.find_element(By.ID, "frontpage-announce"))


def wait_announced(driver, text: str) -> None:
    wait_until(driver, lambda d: announced(d) == text)


def top_titles(driver) -> list[str]:
    html = driver.page_source
    if '<section class="featured"' not in html:
        return []
    top = html.split('<section class="featured"', 1)[1].split("</section>", 1)[0]
    titles = re.findall(r'class="card-title"><a href="[^"]+">([^<]+)</a>', top)
    return [unescape(title).replace("\u202f", " ").replace("\xa0", " ") for title in titles]


def no_sideways_scroll(driver) -> bool:
    return driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")


def test_an_editor_composes_the_front_page_with_the_keyboard_and_schedules_a_change(
    browser, live_server, stories, editor
):
    from selenium.webdriver.common.keys import Keys

    FrontPageComposition.objects.compose([stories["A"], stories["B"], stories["C"]])
    log_in(browser, live_server, editor).get(live_server.url + COMPOSE)
    wait_for(browser, "#frontpage-slots")
    assert order(browser) == ["Dépêche A", "Dépêche B", "Dépêche C"]
    # The order fields are for pages without JavaScript.
    assert not browser.find_element("css selector", ".frontpage-position input").is_displayed()

    # « Monter », twice: the focus stays on the button, the move is said in the live region.
    tab_to(browser, "Monter « Dépêche C »")
    press(browser, Keys.ENTER)
    wait_announced(browser, "« Dépêche C » placé en position 2")
    assert order(browser) == ["Dépêche A", "Dépêche C", "Dépêche B"]
    assert focused(browser) == "Monter « Dépêche C »"
    press(browser, Keys.ENTER)
    wait_announced(browser, "« Dépêche C » placé en position 1")
    assert order(browser) == ["Dépêche C", "Dépêche A", "Dépêche B"]
    assert focused(browser) == "Monter « Dépêche C »"

    # « Retirer »: the focus goes to the neighbour's « Retirer ».
    tab_to(browser, "Retirer « Dépêche B »")
    press(browser, Keys.ENTER)
    wait_announced(browser, "« Dépêche B » retiré de la une")
    assert order(browser) == ["Dépêche C", "Dépêche A"]
    assert focused(browser) == "Retirer « Dépêche A »"

    # Add one by searching its title.
    tab_to(browser, "frontpage-q", backwards=True)
    press(browser, "Dépêche E")
    wait_for(browser, "#frontpage-results li[data-id] button")
    tab_to(browser, "Ajouter « Dépêche E »")
    press(browser, Keys.ENTER)
    wait_announced(browser, "« Dépêche E » ajouté en position 3")
    assert order(browser) == ["Dépêche C", "Dépêche A", "Dépêche E"]
    assert axe_violations(browser) == []

    # The preview, in a new tab: the front page with that order, nothing saved.
    compose_window = browser.current_window_handle
    tab_to(browser, "Aperçu (nouvel onglet)")
    press(browser, Keys.ENTER)
    wait_until(browser, lambda d: len(d.window_handles) == 2)
    browser.switch_to.window(next(h for h in browser.window_handles if h != compose_window))
    wait_for(browser, ".preview-banner")
    assert top_titles(browser)[:3] == ["Dépêche C", "Dépêche A", "Dépêche E"]
    browser.close()
    browser.switch_to.window(compose_window)
    assert FrontPageComposition.objects.count() == 1

    # Saved for now: readers see it.
    tab_to(browser, "Enregistrer : en une maintenant")
    press(browser, Keys.ENTER)
    wait_for(browser, ".messagelist")
    assert "La une est enregistrée" in text_of(browser.find_element("css selector", ".messagelist"))
    browser.get(live_server.url + "/")
    assert top_titles(browser)[:3] == ["Dépêche C", "Dépêche A", "Dépêche E"]

    # Scheduled for tomorrow 6 h (Paris): « Dépêche D » to lead.
    tomorrow = timezone.localdate() + timedelta(days=1)
    browser.get(live_server.url + COMPOSE)
    wait_for(browser, "#frontpage-slots")
    tab_to(browser, "frontpage-q")
    press(browser, "Dépêche D")
    wait_for(browser, "#frontpage-results li[data-id] button")
    tab_to(browser, "Ajouter « Dépêche D »")
    press(browser, Keys.ENTER)
    wait_announced(browser, "« Dépêche D » ajouté en position 4")
    tab_to(browser, "Monter « Dépêche D »")
    for position in (3, 2, 1):
        press(browser, Keys.ENTER)
        wait_announced(browser, f"« Dépêche D » placé en position {position}")
    tab_to(browser, "id_takes_effect_at_0")
    press(browser, tomorrow.strftime("%d/%m/%Y"))
    tab_to(browser, "id_takes_effect_at_1")
    press(browser, "06:00")
    tab_to(browser, "Programmer à cette date")
    press(browser, Keys.ENTER)
    wait_for(browser, ".messagelist")
    assert "Une programmée : elle paraîtra le" in text_of(browser.find_element("css selector", ".messagelist"))
    scheduled = text_of(browser.find_element("css selector", ".frontpage-scheduled"))
    assert "Dépêche D · Dépêche C · Dépêche A · Dépêche E" in scheduled and "Annuler" in scheduled

    browser.get(live_server.url + "/")
    assert top_titles(browser)[0] == "Dépêche C"  # not yet
    six = datetime.combine(tomorrow, time(6), tzinfo=timezone.get_current_timezone())
    with time_machine.travel(six + timedelta(seconds=1)):
        browser.get(live_server.url + "/")
        assert top_titles(browser)[:4] == ["Dépêche D", "Dépêche C", "Dépêche A", "Dépêche E"]


def test_the_page_works_on_a_phone(live_server, stories, editor):
    from selenium.webdriver.common.keys import Keys

    FrontPageComposition.objects.compose([stories["A"], stories["B"]])
    phone = new_browser(390, 844, mobile=True)
    try:
        log_in(phone, live_server, editor).get(live_server.url + COMPOSE)
        wait_for(phone, "#frontpage-slots")
        assert no_sideways_scroll(phone)
        tab_to(phone, "Descendre « Dépêche A »")
        press(phone, Keys.ENTER)
        wait_announced(phone, "« Dépêche A » placé en position 2")
        assert order(phone) == ["Dépêche B", "Dépêche A"]
        assert focused(phone) == "Descendre « Dépêche A »"
        assert axe_violations(phone) == []
        assert no_sideways_scroll(phone)
    finally:
        phone.quit()
