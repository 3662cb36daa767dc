"""Subscribing in Chromium as a reader does, on the pages as the cache serves them: the footer's form,
a mistyped address, /lettres/, the confirmation link's page and the manage page. axe finds nothing on
the subscription page (with and without an error), the confirmation page and the manage page, at
1280 px and on a phone; nothing overflows at 390 px."""

import json
import re

import pytest
from browser import AXE_JS, BROWSER_TESTS, axe_violations, new_browser
from test_newsletter_subscribing import migrated_lists

from newsletters.models import Subscription
from outbox.models import Mail

pytestmark = [
    *BROWSER_TESTS,
    pytest.mark.skipif(not AXE_JS.exists(), reason=f"axe-core is not installed ({AXE_JS}): scripts/ensure-packages.sh"),
]


@pytest.fixture
def site(settings, make_article):
    """The page cache on, as in production; the lists migration 0002 makes (the database was emptied)."""
    settings.PAGE_CACHE_SECONDS = 3600
    settings.PAGE_CACHE_RELEASE = "tests"
    migrated_lists()
    return make_article("Metz : le marché couvert rouvre ses portes")


def no_overflow(driver) -> bool:
    return driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")


def submit(driver, form_css: str) -> None:
    """Click the form's button and wait for the page it brings (the one being left may still answer)."""
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    page = driver.find_element("tag name", "html")
    button = driver.find_element("css selector", f"{form_css} button")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", button)
    button.click()
    WebDriverWait(driver, 10).until(expected_conditions.staleness_of(page))


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_a_reader_subscribes_confirms_and_manages_with_no_accessibility_violation(live_server, site, phone):
    driver = new_browser(390, 844, mobile=True) if phone else new_browser(1280, 900)
    found = {}
    try:
        # A mistyped address in the footer's form: the full page, the address kept, the error by the field.
        driver.get(live_server.url + "/")
        driver.find_element("id", "nl-pied-e").send_keys("jeanne@")
        driver.execute_script("document.getElementById('nl-pied-e').type = 'text'")  # past the browser's own check
        submit(driver, "footer form.nl")
        error = driver.find_element("id", "nl-email-erreur")
        assert "adresse e-mail valide" in error.text
        assert driver.find_element("id", "nl-email").get_attribute("value") == "jeanne@"
        found["/lettres/ with an error"] = axe_violations(driver)

        # Corrected, sent: the « vérifiez votre boîte » page.
        field = driver.find_element("id", "nl-email")
        field.clear()
        field.send_keys("jeanne@exemple.fr")
        submit(driver, "main form")
        assert "Vérifiez votre boîte de réception" in driver.find_element("tag name", "h1").text
        found["sent"] = axe_violations(driver)

        driver.get(live_server.url + "/lettres/")
        assert not driver.get_cookies()
        found["/lettres/"] = axe_violations(driver)
        assert no_overflow(driver)

        # The mail's link: a page with a button, which confirms.
        mail = Mail.objects.get(kind="newsletter_confirmation")
        link = re.search(r"https?://[^/\s]+(/lettres/confirmer/\S+/)", mail.body).group(1)
        driver.get(live_server.url + link)
        found["confirm"] = axe_violations(driver)
        submit(driver, "main form")
        assert "confirmée" in driver.find_element("tag name", "h1").text
        assert Subscription.objects.get().status == Subscription.Status.ACTIVE

        # The manage page: « Alerte info » ticked too, saved.
        driver.find_element("link text", "Choisir mes lettres ou me désabonner").click()
        found["manage"] = axe_violations(driver)
        assert no_overflow(driver)
        assert "jeanne" not in driver.page_source
        alert = driver.find_element("css selector", 'input[value="alerte-info"]')
        driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", alert)
        alert.click()
        submit(driver, "main form:not(:last-of-type)")
        assert "Vos choix sont enregistrés" in driver.find_element("css selector", "[role=status]").text
        assert Subscription.objects.active().count() == 2
        found["manage, saved"] = axe_violations(driver)
    finally:
        driver.quit()
    assert not any(found.values()), json.dumps(
        {page: v for page, v in found.items() if v}, indent=1, ensure_ascii=False
    )
