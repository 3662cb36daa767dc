"""Reader pages as a phone shows them (Chromium's phone emulation, 390 px wide)."""

from browser import BROWSER_TESTS, new_browser
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = BROWSER_TESTS

MEASURE = """
const link = document.querySelector(".back-to-top");
const box = link.getBoundingClientRect();
const covered = [...document.querySelectorAll("main p, main li, main h1, main h2")].filter(element => {
  const text = element.getBoundingClientRect();
  return text.width && box.left < text.right && box.right > text.left && box.top < text.bottom && box.bottom > text.top;
});
return {position: getComputedStyle(link).position, covered: covered.length, inFooter: !!link.closest("footer")};
"""


def tap(driver, element):
    """Touch an element as a reader would: scrolled into view first (phone emulation does not scroll by itself)."""
    # « instant »: the site scrolls smoothly (scroll-behavior), which would still be moving at the click.
    driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element)
    element.click()


def test_back_to_top_covers_no_text_on_a_phone(live_server, make_article):
    article = make_article(
        "Le pont des Roches rouvre", body="".join(f"<p>Paragraphe {n} du texte.</p>" for n in range(30))
    )
    driver = new_browser(390, 844, mobile=True)
    try:
        driver.get(live_server.url + article.get_absolute_url())
        for scroll in (0, 600, 1200, 100_000):
            driver.execute_script("window.scrollTo({top: arguments[0], behavior: 'instant'})", scroll)
            found = driver.execute_script(MEASURE)
            assert found["covered"] == 0, (scroll, found)
        assert found["position"] == "static" and found["inFooter"]
    finally:
        driver.quit()


def test_back_to_top_floats_on_a_wide_screen(live_server, make_article):
    article = make_article("Le pont des Roches rouvre")
    driver = new_browser(1280, 900)
    try:
        driver.get(live_server.url + article.get_absolute_url())
        # Read until it floats, for a few seconds: once in CI the first reading found it static, as
        # if the window had not its width yet; a stylesheet that never makes it float still fails.
        try:
            WebDriverWait(driver, 5).until(lambda d: d.execute_script(MEASURE)["position"] == "fixed")
        except TimeoutException:
            width = driver.execute_script("return [window.innerWidth, document.styleSheets.length]")
            raise AssertionError(
                f"not floating: {driver.execute_script(MEASURE)} (width, stylesheets: {width})"
            ) from None
    finally:
        driver.quit()


def test_a_refused_comment_brings_the_reader_to_a_summary_of_what_to_fix(live_server, make_article, settings):
    # What only the server can refuse (the browser checks required fields and the address's form itself):
    # here a text longer than the limit, which the field does not cut (no maxlength: nothing typed is lost).
    settings.COMMENTS_MIN_SECONDS_TO_WRITE = 0
    settings.COMMENTS_MAX_LENGTH = 200
    article = make_article("Le pont des Roches rouvre")
    driver = new_browser(390, 844, mobile=True)
    try:
        driver.get(live_server.url + article.get_absolute_url())
        driver.find_element("id", "id_name").send_keys("Camille Bernard")
        driver.find_element("id", "id_email").send_keys("camille@exemple.fr")
        driver.execute_script("document.getElementById('id_body').value = 'Un avis bien long. '.repeat(20)")
        tap(driver, driver.find_element("css selector", ".comment-form button[type=submit]"))
        summary = driver.find_element("id", "erreurs-commentaire")
        # Focused (comments/form-errors.js, after « load », a frame later): read out first, and in view.
        WebDriverWait(driver, 5).until(
            lambda driver: driver.switch_to.active_element == summary, "the error summary never took the focus"
        )
        (link,) = summary.find_elements("css selector", "a")
        assert link.get_attribute("hash") == "#id_body"
        assert link.text.startswith("Commentaire : 200 caractères au maximum")
        assert driver.find_element("id", "id_name").get_attribute("value") == "Camille Bernard"
        assert driver.find_element("id", "id_body").get_attribute("value").startswith("Un avis bien long.")
        tap(driver, link)
        WebDriverWait(driver, 5).until(
            lambda driver: driver.switch_to.active_element.get_attribute("id") == "id_body",
            "the comment's text field never took the focus from the summary's link",
        )
    finally:
        driver.quit()
