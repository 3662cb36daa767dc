"""The live's desk in Chromium, on a laptop and on a phone: Ctrl+Entrée posts in under 2 seconds, an entry
is corrected and withdrawn in place, nothing leaves the screen sideways, axe-core finds nothing."""

import os
import time

import pytest
from browser import BROWSER_TESTS, log_in, new_browser, wait_for
from django.urls import reverse
from test_accessibility_browser import AXE_JS, readable, serious_violations
from test_live_reader_browser import page_cache  # noqa: F401 (the page cache on, the readers' poll every second)

from live.models import LiveCoverage, LiveEntry

pytestmark = [
    *BROWSER_TESTS,
    pytest.mark.skipif(
        not AXE_JS.exists(), reason=f"axe-core is not installed ({AXE_JS}): run scripts/ensure-packages.sh"
    ),
]

# The page's own sideways overflow, and every control whose box leaves the viewport.
OFF_SCREEN = """
const width = document.documentElement.clientWidth;
const outside = Array.from(document.querySelectorAll(".live-desk button, .live-desk textarea, .live-desk summary"))
  .filter(element => element.offsetParent && (element.getBoundingClientRect().left < 0 || element.getBoundingClientRect().right > width))
  .map(element => element.textContent.trim() + " " + JSON.stringify(element.getBoundingClientRect()));
return {outside, scrollWidth: document.documentElement.scrollWidth, clientWidth: width};
"""
POSTING_LIMIT_SECONDS = 2.0


def assert_all_on_screen(driver):
    found = driver.execute_script(OFF_SCREEN)
    assert found["outside"] == [], found
    assert found["scrollWidth"] <= found["clientWidth"], found


def text_of(driver, css: str) -> str:
    """The element's text now, read in the page (an entry is replaced by its new version after each change)."""
    return driver.execute_script("const e = document.querySelector(arguments[0]); return e ? e.textContent : ''", css)


def stored_after(text: str, started: float, limit: float) -> float:
    """Seconds from ``started`` (the key press) until an entry with this text is in the database, polled here."""
    while time.perf_counter() - started < limit + 3:
        if LiveEntry.objects.filter(body__contains=text).exists():
            return time.perf_counter() - started
        time.sleep(0.01)
    raise AssertionError(f"« {text} » was never stored")


@pytest.mark.parametrize(("width", "height", "mobile"), [(1280, 900, False), (390, 844, True)], ids=["laptop", "phone"])
def test_a_journalist_posts_with_ctrl_enter_corrects_and_withdraws(
    live_server, journalist, make_article, width, height, mobile, capsys
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    coverage = LiveCoverage.start(make_article(title="Orages en Moselle : suivez la situation en direct"), journalist)
    coverage.post(
        "Les secours rappellent les consignes : https://www.exemple-tres-long-nom-de-domaine.example/chemin/vers/une/page/interminable",
        journalist,
        pinned=True,
    )
    driver = new_browser(width, height, mobile=mobile)
    try:
        log_in(driver, live_server, journalist)
        driver.get(live_server.url + reverse("admin:live_livecoverage_change", args=[coverage.pk]))
        field = wait_for(driver, "#live-compose textarea")
        driver.execute_script("window.notReloaded = true")

        timings = []
        for number in range(1, 4):
            text = f"Grêle à Thionville, point n° {number}."
            field.send_keys(text)
            started = time.perf_counter()
            field.send_keys(Keys.CONTROL, Keys.ENTER)
            timings.append(stored_after(text, started, POSTING_LIMIT_SECONDS))
            WebDriverWait(driver, 5).until(lambda d, text=text: text in text_of(d, "#live-entries"))
            assert field.get_attribute("value") == ""
        with capsys.disabled():
            print(f"\nlive desk at {width} px: key press → entry stored, seconds: {[round(t, 3) for t in timings]}")
        assert max(timings) < POSTING_LIMIT_SECONDS, timings
        assert driver.execute_script("return window.notReloaded") is True  # no reload: the list took the entries
        newest = LiveEntry.objects.latest("pk")
        first_in_list = driver.find_element(By.CSS_SELECTOR, "#live-entries > li")
        assert first_in_list.get_attribute("id") == f"entree-{newest.pk}"
        assert "Entrée publiée à" in driver.find_element(By.ID, "live-desk-messages").text
        assert "4 entrées publiées" in text_of(driver, "#live-desk-state")

        assert_all_on_screen(driver)
        violations = serious_violations(driver)
        assert violations == [], readable(violations)

        # « Corriger », in place; Ctrl+Entrée saves the correction too.
        entry = f"#entree-{newest.pk}"
        driver.find_element(By.CSS_SELECTOR, f"{entry} .live-correct summary").click()
        correction = wait_for(driver, f"{entry} .live-correct-form textarea")
        correction.clear()
        correction.send_keys("Grêle à Thionville et à Yutz, point n° 3.", Keys.CONTROL, Keys.ENTER)
        WebDriverWait(driver, 5).until(lambda d: "modifié à" in text_of(d, entry))
        newest.refresh_from_db()
        assert "Yutz" in newest.body_html and newest.edited_at is not None
        assert_all_on_screen(driver)

        # « Retirer » asks first; dismissed, nothing happens; accepted, the entry is marked withdrawn.
        driver.find_element(By.CSS_SELECTOR, f"{entry} .live-withdraw").click()
        driver.switch_to.alert.dismiss()
        newest.refresh_from_db()
        assert not newest.is_withdrawn
        driver.find_element(By.CSS_SELECTOR, f"{entry} .live-withdraw").click()
        driver.switch_to.alert.accept()
        WebDriverWait(driver, 5).until(lambda d: "Retirée à" in text_of(d, entry))
        newest.refresh_from_db()
        assert newest.is_withdrawn and newest.withdrawn_by == journalist
        assert "3 entrées publiées" in text_of(driver, "#live-desk-state")
        assert "1 retirée" in text_of(driver, "#live-desk-state")
        assert list(coverage.entries.for_readers().values_list("pk", flat=True))[-1] != newest.pk

        # A refused entry: the message next to the field, the text kept.
        field.send_keys("[gallery ids=1,2]", Keys.CONTROL, Keys.ENTER)
        WebDriverWait(driver, 5).until(lambda d: d.find_element(By.ID, "live-compose-errors").is_displayed())
        assert "s’afficherait tel quel" in driver.find_element(By.ID, "live-compose-errors").text
        assert field.get_attribute("value") == "[gallery ids=1,2]"
        assert field.get_attribute("aria-invalid") == "true"

        assert_all_on_screen(driver)
        violations = serious_violations(driver)
        assert violations == [], readable(violations)
        if shots := os.environ.get("DESK_SCREENSHOTS"):
            driver.save_screenshot(f"{shots}/live-desk-{width}.png")
            driver.execute_script("document.getElementById('live-entries').scrollIntoView()")
            driver.save_screenshot(f"{shots}/live-desk-{width}-entries.png")
    finally:
        driver.quit()


@pytest.mark.usefixtures("page_cache")
def test_what_the_desk_does_reaches_a_reader_on_the_cached_page(live_server, journalist, make_article):
    """The whole way: a journalist's Ctrl+Entrée, « Corriger » and « Retirer » on the desk; a reader's cached page."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    coverage = LiveCoverage.start(make_article(title="Orages en Moselle", slug="orages"), journalist)
    coverage.post("Vigilance orange jusqu’à minuit.", journalist)
    desk, reader = new_browser(1280, 900), new_browser(390, 844, mobile=True)
    try:
        reader.get(live_server.url + coverage.article.get_absolute_url())
        log_in(desk, live_server, journalist)
        desk.get(live_server.url + reverse("admin:live_livecoverage_change", args=[coverage.pk]))

        wait_for(desk, "#live-compose textarea").send_keys("La Moselle déborde à Thionville.", Keys.CONTROL, Keys.ENTER)
        WebDriverWait(reader, 15, poll_frequency=0.1).until(lambda d: "1 nouvelle entrée" in text_of(d, ".live-new"))
        reader.find_element(By.CSS_SELECTOR, ".live-new button").click()
        entry = LiveEntry.objects.latest("pk")
        assert "La Moselle déborde à Thionville." in text_of(reader, f"#entree-{entry.pk}")

        desk.find_element(By.CSS_SELECTOR, f"#entree-{entry.pk} .live-correct summary").click()
        correction = wait_for(desk, f"#entree-{entry.pk} .live-correct-form textarea")
        correction.clear()
        correction.send_keys("La Moselle déborde à Thionville et à Yutz.", Keys.CONTROL, Keys.ENTER)
        WebDriverWait(reader, 15, poll_frequency=0.1).until(lambda d: "Yutz" in text_of(d, f"#entree-{entry.pk}"))
        assert "modifié à" in text_of(reader, f"#entree-{entry.pk}")

        desk.find_element(By.CSS_SELECTOR, f"#entree-{entry.pk} .live-withdraw").click()
        desk.switch_to.alert.accept()
        WebDriverWait(reader, 15, poll_frequency=0.1).until(lambda d: not text_of(d, f"#entree-{entry.pk}"))
        violations = serious_violations(reader)
        assert violations == [], readable(violations)
    finally:
        desk.quit()
        reader.quit()
