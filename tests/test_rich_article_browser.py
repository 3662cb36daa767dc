"""The demo's rich article as readers' browsers get it (issue 23): nothing asked of another host before a
click, no accessibility violation, no page wider than a phone, and the embed's frame only on demand."""

import io
from urllib.parse import urlsplit

import pytest
from browser import BROWSER_TESTS, axe_violations, new_browser, requested_urls, wait_for
from django.core.management import call_command

from articles.demo_content import RICH_ARTICLE
from articles.models import Article

pytestmark = BROWSER_TESTS


@pytest.fixture
def rich_article(transactional_db):
    call_command("load_demo", stdout=io.StringIO())
    return Article.objects.get(slug=RICH_ARTICLE)


def other_hosts(urls: list[str], live_server) -> list[str]:
    ours = urlsplit(live_server.url).netloc
    return [url for url in urls if urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc != ours]


def test_the_rich_article_asks_nothing_of_another_host_before_a_click(browser, live_server, rich_article):
    from selenium.webdriver.common.by import By

    browser.get(live_server.url + rich_article.get_absolute_url())
    wait_for(browser, ".gallery")
    browser.execute_script("window.scrollTo(0, document.body.scrollHeight)")  # lazy images load too
    browser.execute_script("return new Promise(resolve => setTimeout(resolve, 500))")

    first = requested_urls(browser)
    assert first and other_hosts(first, live_server) == [], other_hosts(first, live_server)
    assert axe_violations(browser) == []

    # The reader asks: then, and only then, the provider's frame.
    show = wait_for(browser, "button.embed-show")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", show)
    show.click()
    frame = wait_for(browser, "figure.embed iframe")
    assert frame.get_attribute("src").startswith("https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ")
    assert browser.find_element(By.CSS_SELECTOR, "figure.embed iframe").get_attribute("title")


def test_the_rich_article_fits_a_phone(live_server, rich_article):
    phone = new_browser(390, 844, mobile=True)
    try:
        phone.get(live_server.url + rich_article.get_absolute_url())
        wait_for(phone, ".table-scroll")
        widths = phone.execute_script(
            "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1] == 390, widths
        assert axe_violations(phone) == []
    finally:
        phone.quit()
