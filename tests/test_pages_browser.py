"""An editor writes a page in Chromium with the articles' editor, under the staff's Content-Security-Policy."""

from browser import BROWSER_TESTS, EDITABLE, csp_violations, log_in, wait_for
from django.urls import reverse
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from pages.models import Page

pytestmark = BROWSER_TESTS


def test_an_editor_writes_and_publishes_a_page_in_the_footer(browser, live_server, editor):
    driver = log_in(browser, live_server, editor)
    driver.get(live_server.url + reverse("admin:pages_page_add"))
    driver.find_element(By.ID, "id_title").send_keys("Mentions légales")
    editable = wait_for(driver, EDITABLE)
    editable.click()
    editable.send_keys("Éditeur : Éditions Exemple SAS.")
    Select(driver.find_element(By.ID, "id_status")).select_by_value(Page.Status.PUBLISHED)
    driver.find_element(By.ID, "id_show_in_footer").click()
    # The address is filled in from the title as one types (Django's prepopulated fields, under the policy).
    assert driver.find_element(By.ID, "id_slug").get_attribute("value") == "mentions-legales"
    driver.find_element(By.CSS_SELECTOR, "input[name=_save]").click()
    wait_for(driver, ".messagelist")
    assert csp_violations(driver) == []

    page = Page.objects.get(slug="mentions-legales")
    assert page.body == "<p>Éditeur : Éditions Exemple SAS.</p>" and page.is_published
    assert page.revisions.get().author == editor

    driver.get(live_server.url + "/page/mentions-legales/")
    assert driver.find_element(By.TAG_NAME, "h1").text == "Mentions légales"
    footer = driver.find_element(By.CSS_SELECTOR, ".site-footer nav a")
    assert footer.text == "Mentions légales" and footer.get_attribute("aria-current") == "page"
    assert csp_violations(driver) == []
