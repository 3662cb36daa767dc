"""Suggested places and people appear while the journalist types, and one click tags the article."""

from browser import BROWSER_TESTS, EDITABLE, log_in, present, wait_for
from django.urls import reverse

pytestmark = BROWSER_TESTS


def test_a_place_named_while_typing_is_offered_and_added_in_one_click(
    browser, live_server, journalist, make_territory, make_personality
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    metz = make_territory("Metz", slug="metz")
    make_territory("Nancy", slug="nancy")
    make_personality("Jeanne Dupont", slug="jeanne-dupont")
    driver = log_in(browser, live_server, journalist)
    driver.get(live_server.url + reverse("admin:articles_article_add"))

    editable = wait_for(driver, EDITABLE)
    editable.click()
    editable.send_keys("Le marché de Noël de Metz ouvre samedi.")

    button = wait_for(driver, ".field-territories .live-suggestions button")
    assert button.text == "+ Metz"
    assert not present(driver, ".field-personalities .live-suggestions button")
    button.click()

    WebDriverWait(driver, 5).until(
        lambda d: (
            d.execute_script("return [...document.getElementById('id_territories').selectedOptions].map(o => o.value)")
            == [str(metz.pk)]
        )
    )
    # The autocomplete box shows it, and the suggestion is gone.
    assert "Metz" in driver.find_element(By.CSS_SELECTOR, ".field-territories .select2-selection").text
    WebDriverWait(driver, 5).until(lambda d: not present(d, ".field-territories .live-suggestions button"))
