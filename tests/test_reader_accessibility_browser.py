"""Every reader page type, checked in Chromium with axe-core: no violation at all, of any impact.

WCAG 2 and 2.1, A and AA, and axe's best practices; the same pages as the HTML validity check
(tests/reader_site.py), plus the comment form answering a refused comment.
"""

import json

import pytest
import reader_site
from browser import AXE_JS, BROWSER_TESTS, axe_violations, new_browser
from django.test import Client

pytestmark = [
    *BROWSER_TESTS,
    pytest.mark.skipif(not AXE_JS.exists(), reason=f"axe-core is not installed ({AXE_JS}): scripts/ensure-packages.sh"),
]


def test_every_reader_page_has_no_accessibility_violation(live_server, moderator, settings):
    site = reader_site.build(moderator)
    driver = new_browser(1280, 900)
    found = {}
    try:
        for name, url in site["pages"].items():
            driver.get(live_server.url + url)
            found[name] = axe_violations(driver)
        # The refused comment's page, as the browser gets it after sending the form.
        settings.COMMENTS_MIN_SECONDS_TO_WRITE = 0
        settings.COMMENTS_MAX_LENGTH = 20
        driver.get(live_server.url + site["article"].get_absolute_url())
        driver.find_element("id", "id_name").send_keys("Camille")
        driver.find_element("id", "id_email").send_keys("camille@exemple.fr")
        driver.execute_script("document.getElementById('id_body').value = 'Un avis bien trop long pour la limite.'")
        button = driver.find_element("css selector", ".comment-form button[type=submit]")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", button)
        button.click()
        driver.find_element("id", "erreurs-commentaire")
        found["comment form in error"] = axe_violations(driver)
    finally:
        driver.quit()
    failing = {name: violations for name, violations in found.items() if violations}
    assert failing == {}, json.dumps(failing, ensure_ascii=False, indent=2)


def test_the_pages_checked_are_the_pages_readers_get(moderator):
    site = reader_site.build(moderator)
    statuses = {name: Client().get(url).status_code for name, url in site["pages"].items()}
    assert statuses == {name: 404 if name == "404" else 200 for name in site["pages"]}
