"""« Signaler » in a real browser: with JavaScript the form opens under the comment and is sent
without leaving the article; the featured block and the open form pass axe-core's checks."""

import pytest
from browser import BROWSER_TESTS, present, wait_for
from test_accessibility_browser import AXE_JS, readable, serious_violations

from comments.models import CommentReport

pytestmark = BROWSER_TESTS


def click(browser, element) -> None:
    """Click it as a reader would, after scrolling it to the middle of the window (clear of the « haut » link).

    « instant »: the site scrolls smoothly (scroll-behavior), and a click while it still moves may miss.
    """
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element)
    element.click()


@pytest.fixture
def thread(make_article, make_approved_comment, moderator):
    article = make_article("Le marché couvert rouvre", slug="marche-couvert")
    chosen = make_approved_comment(article, "Un avis éclairant.", author_name="Claire")
    chosen.set_featured(True, by=moderator)
    reported = make_approved_comment(article, "Un avis injurieux.", author_name="Troll")
    return article, reported


def test_a_reader_reports_a_comment_inline_without_leaving_the_page(browser, live_server, thread):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    article, reported = thread
    url = live_server.url + article.get_absolute_url()
    browser.get(url)

    click(browser, browser.find_element(By.CSS_SELECTOR, f'#c{reported.pk} a[href$="/signaler/"]'))
    click(browser, wait_for(browser, f"#c{reported.pk} .report-box input[value=other]"))
    click(browser, browser.find_element(By.CSS_SELECTOR, f"#c{reported.pk} .report-form button"))

    error = wait_for(browser, f"#c{reported.pk} .field-error")
    assert "Dites-nous en quelques mots ce qui pose problème." in error.text
    assert browser.current_url == url  # still on the article, the reason still chosen
    assert browser.find_element(By.CSS_SELECTOR, f"#c{reported.pk} input[value=other]").is_selected()
    details = browser.find_element(By.CSS_SELECTOR, f"#c{reported.pk} textarea")
    # The field in error takes the focus (comments/report.js) once the answer is shown: wait for it.
    WebDriverWait(browser, 5).until(
        lambda driver: driver.switch_to.active_element == details, "the field in error never took the focus"
    )
    details.send_keys("Il insulte un autre lecteur.")
    click(browser, browser.find_element(By.CSS_SELECTOR, f"#c{reported.pk} .report-form button"))

    notice = wait_for(browser, f'#c{reported.pk} .report-box [role="status"]')
    assert notice.text == "Merci, votre signalement a été transmis à la modération."
    assert not present(browser, f"#c{reported.pk} .report-form")
    assert browser.current_url == url
    report = CommentReport.objects.get(comment=reported)
    assert (report.reason, report.details) == ("other", "Il insulte un autre lecteur.")


@pytest.mark.skipif(not AXE_JS.exists(), reason=f"axe-core is not installed ({AXE_JS})")
def test_the_featured_block_and_the_open_report_form_pass_axe(browser, live_server, thread):
    from selenium.webdriver.common.by import By

    article, reported = thread
    browser.get(live_server.url + article.get_absolute_url())
    click(browser, browser.find_element(By.CSS_SELECTOR, f'#c{reported.pk} a[href$="/signaler/"]'))
    wait_for(browser, f"#c{reported.pk} .report-form input[type=radio]")

    assert serious_violations(browser) == [], readable(serious_violations(browser))

    browser.get(live_server.url + f"/commentaires/{reported.pk}/signaler/")
    assert serious_violations(browser) == [], readable(serious_violations(browser))
