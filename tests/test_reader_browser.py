"""Reader pages as a phone shows them (Chromium's phone emulation, 390 px wide)."""

from browser import BROWSER_TESTS, new_browser

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


def test_back_to_top_covers_no_text_on_a_phone(live_server, make_article):
    article = make_article(
        "Le pont des Roches rouvre", body="".join(f"<p>Paragraphe {n} du texte.</p>" for n in range(30))
    )
    driver = new_browser(390, 844, mobile=True)
    try:
        driver.get(live_server.url + article.get_absolute_url())
        for scroll in (0, 600, 1200, 100_000):
            driver.execute_script("window.scrollTo(0, arguments[0])", scroll)
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
        assert driver.execute_script(MEASURE)["position"] == "fixed"
    finally:
        driver.quit()
