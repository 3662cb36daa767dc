"""A reader's live page in Chromium, behind the page cache, while a journalist posts, corrects and
withdraws entries: new ones wait behind « 1 nouvelle entrée », announced once; corrections change in
place; withdrawn entries go; the page stops asking once the live ends. axe: no violation."""

import json
import time

import page_cache_setup
import pytest
from browser import AXE_JS, BROWSER_TESTS, axe_violations, new_browser, present
from django.core.cache import cache
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.support.ui import WebDriverWait

from live.models import LiveCoverage

pytestmark = [
    *BROWSER_TESTS,
    pytest.mark.skipif(not AXE_JS.exists(), reason=f"axe-core is not installed ({AXE_JS}): scripts/ensure-packages.sh"),
]

POLL_SECONDS = 1
# The entries' address renders at once for a single reader: a poll, a render and some slack for a busy machine.
WAIT_SECONDS = POLL_SECONDS * 2 + 8

# What the live region said, in order: each change of its text, as a screen reader would hear it.
LISTEN = """
window.announced = [];
const region = document.querySelector("[data-live-announce]");
new MutationObserver(() => { if (region.textContent) window.announced.push(region.textContent); })
  .observe(region, {childList: true, characterData: true, subtree: true});
"""
ASKED = "return performance.getEntriesByType('resource').filter(e => e.name.includes('/entrees.json')).length"


@pytest.fixture
def page_cache(settings, tmp_path):
    """The page cache on, as readers get the site; the poll every second."""
    page_cache_setup.turn_on(settings, tmp_path)
    settings.LIVE_POLL_SECONDS = POLL_SECONDS
    yield
    cache.clear()


def until(driver, condition, timeout=WAIT_SECONDS):
    # An entry the page replaces (corrected, withdrawn) between finding it and reading it is asked for again.
    wait = WebDriverWait(driver, timeout, poll_frequency=0.1, ignored_exceptions=[StaleElementReferenceException])
    return wait.until(lambda _driver: condition())


def no_violation(driver) -> None:
    violations = axe_violations(driver)
    assert violations == [], json.dumps(violations, ensure_ascii=False, indent=2)


def test_a_reader_sees_entries_come_change_and_go_without_reloading(
    live_server, page_cache, make_article, make_user, editor
):
    reporter = make_user("plume", groups=["Journalistes"], first_name="Anne", last_name="Martin")
    coverage = LiveCoverage.start(make_article(title="Orages en Moselle", slug="orages"), reporter)
    pinned = coverage.post("Consignes de la préfecture : restez chez vous.", reporter, pinned=True)
    first = coverage.post("Premières averses sur Metz.", reporter, key_moment=True)
    doubtful = coverage.post("Un pont fermé à Thionville.", reporter)
    driver = new_browser(1280, 900)
    try:
        driver.get(live_server.url + coverage.article.get_absolute_url())
        driver.execute_script(LISTEN)
        no_violation(driver)

        # Posted: it waits behind the button, and the count is said once however many polls follow.
        posted_at = time.monotonic()
        latest = coverage.post("La Moselle monte à Thionville.", reporter)
        button = until(driver, lambda: (b := present(driver, ".live-new button")) and b[0].is_displayed() and b[0])
        seen_after = time.monotonic() - posted_at
        assert button.text == "1 nouvelle entrée"
        assert seen_after < WAIT_SECONDS, seen_after
        assert not present(driver, f"#entree-{latest.pk}")
        asked = driver.execute_script(ASKED)
        until(driver, lambda: driver.execute_script(ASKED) >= asked + 2)
        assert driver.execute_script("return window.announced") == ["1 nouvelle entrée"]
        no_violation(driver)

        # Shown when the reader asks: below the pinned entry, above the others, focused.
        button.click()
        order = [element.get_attribute("id") for element in present(driver, ".live-entry")]
        assert order == [f"entree-{pk}" for pk in (pinned.pk, latest.pk, doubtful.pk, first.pk)]
        assert driver.switch_to.active_element.get_attribute("id") == f"entree-{latest.pk}"
        assert not present(driver, ".live-new button")[0].is_displayed()
        assert driver.execute_script("return window.announced") == ["1 nouvelle entrée"]

        # Corrected: changed where it is, with « modifié à … ».
        first.correct("Premières averses sur Metz, fortes par endroits.", reporter)
        until(driver, lambda: "fortes par endroits" in driver.find_element("id", f"entree-{first.pk}").text)
        assert "modifié à" in driver.find_element("id", f"entree-{first.pk}").text

        # Withdrawn: gone from the page.
        doubtful.withdraw(reporter)
        until(driver, lambda: not present(driver, f"#entree-{doubtful.pk}"))
        no_violation(driver)

        # Ended: said so, and the page stops asking.
        coverage.end(editor)
        until(driver, lambda: "Ce direct est terminé" in driver.find_element("id", "direct-titre").text)
        asked = driver.execute_script(ASKED)
        time.sleep(POLL_SECONDS * 3)
        assert driver.execute_script(ASKED) == asked
    finally:
        driver.quit()


def test_a_hidden_tab_does_not_ask(live_server, page_cache, make_article, make_user):
    reporter = make_user("plume", groups=["Journalistes"], first_name="Anne", last_name="Martin")
    coverage = LiveCoverage.start(make_article(title="Orages en Moselle", slug="orages"), reporter)
    coverage.post("Premières averses sur Metz.", reporter)
    driver = new_browser(1280, 900)
    try:
        driver.get(live_server.url + coverage.article.get_absolute_url())
        until(driver, lambda: driver.execute_script(ASKED) >= 1)
        # Chromium headless keeps the page visible: the page's own view of it is what the script reads.
        driver.execute_script(
            "Object.defineProperty(document, 'hidden', {value: true, configurable: true});"
            "document.dispatchEvent(new Event('visibilitychange'));"
        )
        asked = driver.execute_script(ASKED)
        time.sleep(POLL_SECONDS * 3)
        assert driver.execute_script(ASKED) <= asked + 1  # at most the one already under way
        driver.execute_script(
            "Object.defineProperty(document, 'hidden', {value: false, configurable: true});"
            "document.dispatchEvent(new Event('visibilitychange'));"
        )
        until(driver, lambda: driver.execute_script(ASKED) > asked + 1)
    finally:
        driver.quit()


def test_a_polled_entry_s_video_opens_on_a_click_under_the_page_s_policy(
    live_server, page_cache, make_article, make_user
):
    # The page's Content-Security-Policy is fixed when it loads: a live under way lets in every provider's
    # frames, and body.js prepares the facade of an entry a poll brings as it does the article's own.
    reporter = make_user("plume", groups=["Journalistes"], first_name="Anne", last_name="Martin")
    coverage = LiveCoverage.start(make_article(title="Orages en Moselle", slug="orages"), reporter)
    coverage.post("Premières averses sur Metz.", reporter)
    driver = new_browser(1280, 900)
    try:
        driver.get(live_server.url + coverage.article.get_absolute_url())
        filmed = coverage.post("La préfecture en vidéo :\nhttps://youtu.be/dQw4w9WgXcQ", reporter)
        button = until(driver, lambda: (b := present(driver, ".live-new button")) and b[0].is_displayed() and b[0])
        button.click()
        show = until(
            driver,
            lambda: (b := present(driver, f"#entree-{filmed.pk} .embed-show")) and b[0].is_displayed() and b[0],
        )
        assert not present(driver, "iframe")
        show.click()
        frame = until(driver, lambda: (f := present(driver, f"#entree-{filmed.pk} iframe")) and f[0])
        assert frame.get_attribute("src") == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
        no_violation(driver)
    finally:
        driver.quit()
