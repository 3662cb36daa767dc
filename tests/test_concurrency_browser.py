"""Two people editing one article, each in their own browser: nobody's text is lost.

Runs two headless Chromium windows through Selenium (tests/browser.py).
"""

import pytest
from browser import BROWSER_TESTS, EDITABLE, log_in, wait_for
from django.urls import reverse

from articles.models import Article
from articles.presence import others

pytestmark = BROWSER_TESTS

TITLE_FIX = "Le port de Metz va s’agrandir"
NEW_PARAGRAPH = "Les travaux commencent en mars."


@pytest.fixture
def draft(make_article, journalist):
    return make_article(
        "Le port de Metz s’agrandit",
        status=Article.Status.DRAFT,
        authors=[journalist],
        body="<p>Le port fluvial double sa surface.</p>",
    )


def _both_open_then_marc_saves_first(two_browsers, live_server, journalist, marc, draft):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    hers, his = two_browsers
    url = live_server.url + reverse("admin:articles_article_change", args=[draft.pk])
    log_in(his, live_server, marc).get(url)
    wait_for(his, EDITABLE)
    log_in(hers, live_server, journalist).get(url)
    editable = wait_for(hers, EDITABLE)
    # She is told he has it open, from the first render.
    notice = hers.find_element(By.ID, "article-presence").text
    assert "Marc Lhuillier modifie aussi cet article depuis" in notice

    # He fixes the title and saves; leaving his form removes him from the list (sendBeacon).
    title = his.find_element(By.ID, "id_title")
    title.clear()
    title.send_keys(TITLE_FIX)
    his.find_element(By.CSS_SELECTOR, "input[name=_save]").click()
    wait_for(his, ".messagelist .success")  # his form's own notices are no success
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(hers, 10).until(lambda _: not others(draft.pk, journalist))

    # Meanwhile she adds a paragraph, then saves: refused.
    editable.click()
    editable.send_keys(Keys.CONTROL, Keys.END)
    editable.send_keys(Keys.ENTER, NEW_PARAGRAPH)
    hers.find_element(By.CSS_SELECTOR, "input[name=_save]").click()
    wait_for(hers, "#article-conflict input[name=_merge]")
    return hers


def test_the_second_save_is_refused_then_merged(two_browsers, live_server, journalist, marc, draft):
    from selenium.webdriver.common.by import By

    hers = _both_open_then_marc_saves_first(two_browsers, live_server, journalist, marc, draft)
    conflict = hers.find_element(By.ID, "article-conflict").text
    assert "Marc Lhuillier a enregistré cet article à" in conflict and "titre modifié" in conflict
    # His title, shown as a change from hers.
    assert hers.find_element(By.CSS_SELECTOR, "#article-conflict ins").text == "va s’agrandir"
    assert NEW_PARAGRAPH in hers.find_element(By.CSS_SELECTOR, EDITABLE).text  # her text, kept
    draft.refresh_from_db()
    assert draft.title == TITLE_FIX and NEW_PARAGRAPH not in draft.body

    hers.find_element(By.CSS_SELECTOR, "input[name=_merge]").click()
    wait_for(hers, "#article-merge")
    assert hers.find_element(By.ID, "id_title").get_attribute("value") == TITLE_FIX
    assert NEW_PARAGRAPH in hers.find_element(By.CSS_SELECTOR, EDITABLE).text
    hers.find_element(By.CSS_SELECTOR, "input[name=_save]").click()
    wait_for(hers, ".messagelist .success")

    draft.refresh_from_db()
    assert draft.title == TITLE_FIX and NEW_PARAGRAPH in draft.body
    assert [r.number for r in draft.revisions.order_by("number")] == [1, 2]


def test_the_second_save_is_refused_then_overwritten(two_browsers, live_server, journalist, marc, draft):
    from selenium.webdriver.common.by import By

    hers = _both_open_then_marc_saves_first(two_browsers, live_server, journalist, marc, draft)
    hers.find_element(By.CSS_SELECTOR, "input[name=_overwrite]").click()
    wait_for(hers, ".messagelist .success")

    draft.refresh_from_db()
    assert draft.title == "Le port de Metz s’agrandit" and NEW_PARAGRAPH in draft.body
    assert draft.revisions.get(number=1).content["title"] == TITLE_FIX  # his version stays in the history


def test_the_presence_notice_follows_the_heartbeat(two_browsers, live_server, journalist, marc, draft, monkeypatch):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    monkeypatch.setattr("articles.presence.HEARTBEAT_SECONDS", 1)
    hers, his = two_browsers
    url = live_server.url + reverse("admin:articles_article_change", args=[draft.pk])
    log_in(hers, live_server, journalist).get(url)
    wait_for(hers, EDITABLE)
    notice = hers.find_element(By.ID, "article-presence")
    assert not notice.is_displayed()  # alone on the article

    log_in(his, live_server, marc).get(url)
    wait_for(his, EDITABLE)
    WebDriverWait(hers, 10).until(lambda _: "Marc Lhuillier modifie aussi cet article depuis" in notice.text)

    his.get(live_server.url + reverse("admin:index"))  # he leaves the form
    WebDriverWait(hers, 10).until(lambda _: not notice.is_displayed())
