"""An edition's page in Chromium: an editor opens the morning edition, previews the real mail (HTML,
then text), reorders its articles by keyboard and by drag and drop, and schedules it in Paris time —
at 1280 px and on a phone, with axe finding nothing on the page."""

import datetime
from datetime import timedelta

import pytest
from browser import BROWSER_TESTS, axe_violations, log_in, new_browser, wait_for, wait_until
from django.urls import reverse
from django.utils import timezone
from test_frontpage_browser import announced, focused, no_sideways_scroll, order, press, tab_to, text_of, wait_announced

from newsletters.models import Edition, EditionItem, NewsletterList

pytestmark = BROWSER_TESTS

# HTML5 drag and drop, as a mouse does it: WebDriver's own drag moves the pointer without the
# drag events Chromium fires for a real hand, so the events are dispatched with one DataTransfer.
DRAG = """
const [from, onto] = arguments;
const data = new DataTransfer();
const fire = (element, type) => element.dispatchEvent(new DragEvent(type, {bubbles: true, cancelable: true, dataTransfer: data}));
fire(from, "dragstart"); fire(onto, "dragenter"); fire(onto, "dragover"); fire(onto, "drop"); fire(from, "dragend");
"""


@pytest.fixture
def edition(make_article):
    morning = NewsletterList.objects.get(slug="lettre-du-matin")
    now = timezone.now()
    stories = [
        make_article(f"Dépêche {letter}", published_at=now - timedelta(hours=n + 1)) for n, letter in enumerate("ABC")
    ]
    edition = Edition.objects.create(newsletter=morning, subject="La lettre du matin du lundi 7 décembre 2026")
    EditionItem.objects.bulk_create(
        EditionItem(edition=edition, article=a, position=n) for n, a in enumerate(stories, 1)
    )
    return edition


def change_url(live_server, edition) -> str:
    return live_server.url + reverse("admin:newsletters_edition_change", args=[edition.pk])


def saved_titles(edition) -> list[str]:
    return [item.article.title for item in edition.items.select_related("article").order_by("position")]


def drag(driver, title: str, onto: str) -> None:
    from selenium.webdriver.common.by import By

    rows = {
        text_of(row.find_element(By.CSS_SELECTOR, ".frontpage-slot-title")): row
        for row in driver.find_elements(By.CSS_SELECTOR, "#frontpage-slots .frontpage-slot")
    }
    driver.execute_script(DRAG, rows[title], rows[onto])


def test_an_editor_previews_reorders_and_schedules_an_edition(browser, live_server, edition, editor):
    from selenium.webdriver.common.keys import Keys

    editor.email = "redactrice@example.org"
    editor.save()
    log_in(browser, live_server, editor).get(change_url(live_server, edition))
    wait_for(browser, "#frontpage-slots")
    assert order(browser) == ["Dépêche A", "Dépêche B", "Dépêche C"]
    assert axe_violations(browser) == []

    # By keyboard: « Monter » twice, the focus kept on the button, each move said.
    tab_to(browser, "Monter « Dépêche C »")
    press(browser, Keys.ENTER)
    wait_announced(browser, "« Dépêche C » placé en position 2")
    press(browser, Keys.ENTER)
    wait_announced(browser, "« Dépêche C » placé en position 1")
    assert order(browser) == ["Dépêche C", "Dépêche A", "Dépêche B"]
    assert focused(browser) == "Monter « Dépêche C »"

    # By drag and drop: B dropped on A takes its place.
    drag(browser, "Dépêche B", onto="Dépêche A")
    wait_announced(browser, "« Dépêche B » placé en position 2")
    assert order(browser) == ["Dépêche C", "Dépêche B", "Dépêche A"]

    # « Retirer », then the preview of what the page holds, in a new tab: the real mail, nothing saved.
    tab_to(browser, "Retirer « Dépêche A »")
    press(browser, Keys.ENTER)
    wait_announced(browser, "« Dépêche A » retiré de l’édition")
    desk = browser.current_window_handle
    tab_to(browser, "Aperçu (nouvel onglet)")
    press(browser, Keys.ENTER)
    wait_until(browser, lambda d: len(d.window_handles) == 2)
    browser.switch_to.window(next(handle for handle in browser.window_handles if handle != desk))
    wait_for(browser, 'button[name="version"]')
    html = browser.page_source
    assert html.index("Dépêche C") < html.index("Dépêche B") and "Dépêche A" not in html
    browser.find_element("css selector", 'button[name="version"]').click()
    wait_for(browser, "pre")
    assert "Dépêche C" in text_of(browser.find_element("css selector", "pre"))
    browser.close()
    browser.switch_to.window(desk)
    assert saved_titles(edition) == ["Dépêche A", "Dépêche B", "Dépêche C"]

    # « Programmer », tomorrow at 6 h 30 Paris time (the list's time, proposed), by keyboard.
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert browser.find_element("id", "id_scheduled_for_0").get_attribute("value") == f"{tomorrow:%d/%m/%Y}"
    assert browser.find_element("id", "id_scheduled_for_1").get_attribute("value").startswith("06:30")
    tab_to(browser, "Programmer")
    press(browser, Keys.ENTER)
    wait_for(browser, ".messagelist")
    assert "Édition programmée : elle partira le" in text_of(browser.find_element("css selector", ".messagelist"))
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SCHEDULED
    paris = timezone.get_current_timezone()
    assert edition.scheduled_for == datetime.datetime.combine(tomorrow, datetime.time(6, 30), tzinfo=paris)
    assert saved_titles(edition) == ["Dépêche C", "Dépêche B"]
    assert axe_violations(browser) == []


def test_the_edition_page_works_on_a_phone(live_server, edition, editor):
    from selenium.webdriver.common.keys import Keys

    phone = new_browser(390, 844, mobile=True)
    try:
        log_in(phone, live_server, editor).get(change_url(live_server, edition))
        wait_for(phone, "#frontpage-slots")
        assert no_sideways_scroll(phone)
        tab_to(phone, "Descendre « Dépêche A »")
        press(phone, Keys.ENTER)
        wait_announced(phone, "« Dépêche A » placé en position 2")
        drag(phone, "Dépêche C", onto="Dépêche B")
        wait_until(phone, lambda d: announced(d) == "« Dépêche C » placé en position 1")
        assert order(phone) == ["Dépêche C", "Dépêche B", "Dépêche A"]
        assert axe_violations(phone) == []
        assert no_sideways_scroll(phone)
        tab_to(phone, "Enregistrer")
        press(phone, Keys.ENTER)
        wait_for(phone, ".messagelist")
        assert saved_titles(edition) == ["Dépêche C", "Dépêche B", "Dépêche A"]
    finally:
        phone.quit()


def test_the_desks_other_pages_have_no_accessibility_violation(browser, live_server, edition, editor):
    from alerts.models import Alert

    Alert(text="Crue de la Moselle : routes fermées", link="/").put_up(by=editor)
    sent = Edition.objects.create(newsletter=edition.newsletter, subject="Envoyée hier", status=Edition.Status.SENT)
    log_in(browser, live_server, editor)
    pages = {
        "list": reverse("admin:newsletters_edition_changelist"),
        "add": reverse("admin:newsletters_edition_add"),
        "confirm": reverse("admin:newsletters_edition_send", args=[edition.pk]),
        "sent": reverse("admin:newsletters_edition_change", args=[sent.pk]),
        "lists": reverse("admin:newsletters_newsletterlist_add"),
    }
    for name, url in pages.items():
        browser.get(live_server.url + url)
        wait_for(browser, "#content-main")
        assert axe_violations(browser) == [], name
    browser.get(live_server.url + pages["list"])
    assert "Envoyer l’alerte en cours" in text_of(browser.find_element("css selector", ".newsletter-alert"))
