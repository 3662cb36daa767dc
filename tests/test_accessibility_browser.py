"""The desk's busiest pages, checked in Chromium with axe-core, and the article list at a laptop's width.

axe-core comes from npm (``scripts/ensure-packages.sh`` installs it under var/node, which
``make test`` runs first); without it these checks are skipped and say why. A page passes with
no « critical » and no « serious » violation of WCAG 2 A and AA or of axe's best practices.
"""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from admin_pages import article_change_data
from browser import AXE_JS, BROWSER_TESTS, EDITABLE, axe_violations, log_in, new_browser, wait_for
from django.urls import reverse
from django.utils import timezone

from articles.models import Article

pytestmark = [
    *BROWSER_TESTS,
    pytest.mark.skipif(
        not AXE_JS.exists(), reason=f"axe-core is not installed ({AXE_JS}): run scripts/ensure-packages.sh"
    ),
]


def serious_violations(driver) -> list[dict]:
    """axe-core's critical and serious violations on the page the browser shows."""
    return [violation for violation in axe_violations(driver) if violation["impact"] in {"critical", "serious"}]


def readable(violations) -> str:
    return json.dumps(violations, ensure_ascii=False, indent=2)


@pytest.fixture
def desk(make_article, make_user, section, make_territory):
    """An editor's desk: a few articles in every state, one with a long title, one scheduled."""
    camille = make_user("camille", groups=["Journalistes"], first_name="Camille", last_name="Royer")
    make_territory("Metz")
    long_title = (
        "Le conseil municipal de Thionville adopte après six heures de débat un budget qui "
        "prévoit la rénovation complète des écoles, du conservatoire et de la piscine"
    )
    articles = [
        make_article(long_title, authors=[camille]),
        make_article("À relire", status=Article.Status.SUBMITTED, published_at=None, authors=[camille]),
        make_article("Brouillon", status=Article.Status.DRAFT, published_at=None, authors=[camille]),
        make_article("Programmé", published_at=timezone.now() + timedelta(days=2), authors=[camille]),
    ]
    editor = make_user("marie", groups=["Rédaction en chef"], first_name="Marie", last_name="Lhuillier")
    return editor, articles


def pages(articles):
    return {
        "article list": reverse("admin:articles_article_changelist"),
        "add form": reverse("admin:articles_article_add"),
        "change form (submitted)": reverse("admin:articles_article_change", args=[articles[1].pk]),
        "change form (published)": reverse("admin:articles_article_change", args=[articles[0].pk]),
    }


def test_the_article_list_and_form_have_no_serious_accessibility_violation(browser, live_server, desk):
    editor, articles = desk
    log_in(browser, live_server, editor)
    found = {}
    for name, path in pages(articles).items():
        browser.get(live_server.url + path)
        if "form" in name:
            wait_for(browser, EDITABLE)
            wait_for(browser, ".select2-selection")
        found[name] = serious_violations(browser)
    assert not any(found.values()), readable(found)


def test_a_journalist_sent_back_article_has_no_serious_accessibility_violation(browser, live_server, desk, client):
    editor, articles = desk
    submitted = articles[1]
    client.force_login(editor)
    client.post(
        reverse("admin:articles_article_change", args=[submitted.pk]),
        article_change_data(submitted, _send_back=True, review_remark="Le titre est à revoir."),
    )
    (journalist,) = submitted.authors.all()
    log_in(browser, live_server, journalist)
    browser.get(live_server.url + reverse("admin:articles_article_change", args=[submitted.pk]))
    wait_for(browser, EDITABLE)
    assert "Le titre est à revoir." in browser.find_element("css selector", ".field-review_notice").text
    violations = serious_violations(browser)
    assert not violations, readable(violations)


def test_the_editor_and_the_autocomplete_boxes_are_named_by_their_labels(browser, live_server, desk):
    editor, _articles = desk
    log_in(browser, live_server, editor)
    browser.get(live_server.url + reverse("admin:articles_article_add"))
    editable = wait_for(browser, EDITABLE)
    wait_for(browser, ".select2-selection")

    # What Chromium computes for screen readers (WebDriver's « computed label »).
    assert editable.accessible_name.startswith("Texte")
    boxes = browser.find_elements(
        "css selector", ".field-main_image .select2-selection, .field-territories .select2-selection"
    )
    assert [box.accessible_name.strip().rstrip(" \xa0:") for box in boxes] == ["Image principale", "Territoires"]


@pytest.mark.parametrize(("width", "screenshot"), [(1280, "article-list-1280.png"), (390, "article-list-390.png")])
def test_the_article_list_fits_the_screen(live_server, desk, width, screenshot):
    editor, articles = desk
    driver = new_browser(width, 900)
    try:
        # A headless window is at least 500 px wide: a phone's width is emulated.
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 768},
        )
        log_in(driver, live_server, editor)
        driver.get(live_server.url + reverse("admin:articles_article_changelist"))
        wait_for(driver, "#result_list")
        driver.save_screenshot(str(Path("/tmp") / screenshot))  # to look at, when changing the list
        table, container = driver.execute_script(
            "const table = document.querySelector('#result_list');"
            "return [table.getBoundingClientRect().width, table.closest('.results').clientWidth];"
        )
        if width >= 1280:
            # Every column visible at once: no sideways scrolling on a laptop.
            assert table <= container, (table, container)
            # A long title is cut (whole on hover), not wrapped over many lines.
            heights = driver.execute_script(
                "return [...document.querySelectorAll('#result_list tbody th')].map(cell => cell.getBoundingClientRect().height)"
            )
            line = driver.execute_script(
                "return parseFloat(getComputedStyle(document.querySelector('#result_list tbody th')).lineHeight)"
            )
            assert max(heights) <= 3 * line + 16, (heights, line)
        scheduled = driver.find_element("xpath", "//a[normalize-space()='Programmé']/ancestor::tr")
        assert "Programmé (" in scheduled.text
    finally:
        driver.quit()
