"""The « Référencement » fields' live count of characters, in Chromium."""

from admin_pages import change_url
from browser import BROWSER_TESTS, EDITABLE, log_in, wait_for

pytestmark = BROWSER_TESTS


def test_the_count_follows_typing_and_is_read_with_the_field(browser, live_server, make_article, editor):
    from selenium.webdriver.common.by import By

    article = make_article("Le port de Metz s’agrandit", slug="port", seo_description="Une description.")
    log_in(browser, live_server, editor).get(live_server.url + change_url(article))
    wait_for(browser, EDITABLE)
    # Folded: opened as an editor would, by its heading.
    browser.find_element(By.XPATH, "//summary[contains(., 'Référencement')]").click()
    title = wait_for(browser, "#id_seo_title")
    counter = browser.find_element(By.ID, "id_seo_title_counter")

    def shown(element) -> str:
        return element.get_attribute("textContent")  # as written, no-break spaces kept

    assert shown(counter) == "0\u00a0/\u00a070 caractères"
    assert shown(browser.find_element(By.ID, "id_seo_description_counter")) == "16\u00a0/\u00a0160 caractères"
    assert "id_seo_title_counter" in title.get_attribute("aria-describedby").split()

    title.send_keys("Port de Metz : la surface doublée")
    assert shown(counter) == "33\u00a0/\u00a070 caractères"
    title.send_keys("x" * 60)  # the field's maxlength stops at 70
    assert len(title.get_attribute("value")) == 70
    assert shown(counter) == "70\u00a0/\u00a070 caractères" and "seo-counter-full" in counter.get_attribute("class")
