"""« Les plus lus » in a real browser: the article page's script sends its beacon, counted once per reader and hour."""

import time

import pytest
from browser import BROWSER_TESTS
from django.core.cache import cache
from test_popularity import BROWSER, REDIS_URL

from popularity import counting

pytestmark = [*BROWSER_TESTS, pytest.mark.skipif(not REDIS_URL, reason="NEWSROOM_TEST_REDIS_URL is not set")]


def total(article_id) -> int:
    key = counting.redis_key(counting.totals_key(counting.current_hour()))
    return int(counting.redis_client().hget(key, article_id) or 0)


def test_the_page_sends_its_beacon_once_shown_and_a_reload_counts_nothing_more(
    live_server, settings, browser, make_article
):
    settings.CACHES = {
        "default": {
            "BACKEND": "common.cache.ForgivingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "tests-lu-browser",
        }
    }
    cache.clear()
    # A plain article: every article page loads body.js, where the beacon is.
    article = make_article(body="<p>Le conseil municipal a voté le budget.</p>")
    # Headless Chromium says so in its user agent, which the counting takes for a robot: a reader's instead.
    browser.execute_cdp_cmd("Network.setUserAgentOverride", {"userAgent": BROWSER})
    try:
        browser.get(live_server.url + article.get_absolute_url())
        deadline = time.monotonic() + 10
        while total(article.pk) == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert total(article.pk) == 1
        browser.refresh()
        time.sleep(1)
        assert total(article.pk) == 1
    finally:
        cache.clear()
