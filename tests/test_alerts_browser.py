"""« Alerte info » in Chromium, on cached pages: an editor puts it up and takes it down in the admin,
a reader's next load shows it (then not) within a second; axe finds nothing; nothing overflows at 390 px."""

import json
import time

import pytest
from browser import AXE_JS, BROWSER_TESTS, axe_violations, log_in, new_browser, present, wait_for

from alerts.models import Alert

pytestmark = BROWSER_TESTS

BANNER = "section.breaking-alert"


@pytest.fixture
def cached_site(settings, make_article):
    """The page cache on, as in production (tests run without it otherwise)."""
    settings.PAGE_CACHE_SECONDS = 3600
    settings.PAGE_CACHE_RELEASE = "tests"
    return make_article("Le pont des Roches rouvre", slug="pont-des-roches").get_absolute_url()


def served_as(reader, url: str) -> str:
    """How the page cache answered this browser's request for the page (X-Cache): HIT, MISS or STALE."""
    return reader.execute_async_script(
        "const done = arguments[1]; fetch(arguments[0], {cache: 'no-store'}).then(r => done(r.headers.get('X-Cache')))",
        url,
    )


def seconds_until(reader, url: str, shown: bool, limit: float = 5) -> float:
    """Load the page until the banner is there (or gone): how long it took, from now."""
    start = time.monotonic()
    while time.monotonic() - start < limit:
        reader.get(url)
        if bool(present(reader, BANNER)) is shown:
            return time.monotonic() - start
        time.sleep(0.05)
    raise AssertionError(f"the banner is still {'missing' if shown else 'there'} after {limit} s")


def test_an_alert_goes_up_and_down_on_cached_pages_within_a_second(live_server, cached_site, editor):
    url = live_server.url + cached_site
    reader, desk = new_browser(1280, 900), new_browser(1280, 900)
    try:
        reader.get(url)
        reader.get(url)
        assert served_as(reader, url) == "HIT"  # the reader's page comes from the cache
        assert not present(reader, BANNER)

        log_in(desk, live_server, editor)
        desk.get(live_server.url + "/admin/alerts/alert/add/")
        desk.find_element("id", "id_text").send_keys("Crue de la Moselle : les routes fermées autour de Metz")
        desk.find_element("id", "id_link").send_keys(cached_site)
        desk.find_element("css selector", "input[name=_save]").click()
        wait_for(desk, ".messagelist")  # saved and committed: the change list is back
        up = seconds_until(reader, url, shown=True)
        banner = reader.find_element("css selector", BANNER)
        assert banner.text.startswith("ALERTE INFO")  # the label, shown in capitals by the stylesheet
        assert "Crue de la Moselle" in banner.text
        assert reader.execute_script(
            "const s = getComputedStyle(arguments[0]); return [s.position, s.animationName]", banner
        ) == ["static", "none"]  # in the flow of the page, still: not a modal, not moving

        wait_for(desk, ".current-alert button[type=submit]").click()  # « Retirer l’alerte », one click
        wait_for(desk, ".messagelist")
        assert "Aucune alerte n’est affichée." in desk.page_source
        down = seconds_until(reader, url, shown=False)
        assert served_as(reader, url) == "HIT"  # cached again, without the banner
    finally:
        reader.quit()
        desk.quit()
    assert up < 1 and down < 1, (up, down)
    assert not Alert.objects.current().exists()


@pytest.mark.skipif(not AXE_JS.exists(), reason=f"axe-core is not installed ({AXE_JS}): scripts/ensure-packages.sh")
def test_the_banner_has_no_accessibility_violation_and_fits_a_phone(live_server, cached_site, editor):
    Alert(
        text="Incendie dans la vieille ville : l’avenue Foch et la rue Serpenoise fermées à la circulation jusqu’à nouvel ordre",
        link="https://www.metz.fr/actualites/incendie-vieille-ville-avenue-foch-rue-serpenoise-fermees",
    ).put_up(by=editor)
    url = live_server.url + cached_site
    desktop = new_browser(1280, 900)
    try:
        desktop.get(url)
        assert present(desktop, BANNER)
        violations = axe_violations(desktop)
    finally:
        desktop.quit()
    assert violations == [], json.dumps(violations, ensure_ascii=False, indent=2)

    phone = new_browser(390, 844, mobile=True)
    try:
        for page in (url, live_server.url + "/"):
            phone.get(page)
            found = phone.execute_script(
                "const box = arguments[0].getBoundingClientRect();"
                "return {scroll: document.documentElement.scrollWidth, width: document.documentElement.clientWidth,"
                " left: box.left, right: box.right}",
                phone.find_element("css selector", BANNER),
            )
            assert found["scroll"] <= found["width"] and found["left"] >= 0 and found["right"] <= found["width"], found
    finally:
        phone.quit()
