"""The moderation desk in Chromium, on a laptop and on a phone: keyboard, click, undo, nothing off-screen, axe-core."""

import os

import pytest
from browser import BROWSER_TESTS, log_in, new_browser, present, wait_for
from django.urls import reverse
from test_accessibility_browser import AXE_JS, readable, serious_violations

from comments.models import BlockedTerm, Comment

pytestmark = [
    *BROWSER_TESTS,
    pytest.mark.skipif(
        not AXE_JS.exists(), reason=f"axe-core is not installed ({AXE_JS}): run scripts/ensure-packages.sh"
    ),
]

Status = Comment.Status

# Every action button on the page whose box leaves the viewport sideways, and the page's own overflow.
OFF_SCREEN = """
const width = document.documentElement.clientWidth;
const outside = Array.from(document.querySelectorAll(".desk button")).filter(button => {
  if (button.closest("dialog") || button.hidden || !button.offsetParent) return false;
  const box = button.getBoundingClientRect();
  return box.left < 0 || box.right > width;
}).map(button => button.textContent.trim() + " " + JSON.stringify(button.getBoundingClientRect()));
return {outside, scrollWidth: document.documentElement.scrollWidth, clientWidth: width};
"""


def status_of(comment):
    comment.refresh_from_db()
    return comment.status


def assert_all_on_screen(driver):
    found = driver.execute_script(OFF_SCREEN)
    assert found["outside"] == [], found
    assert found["scrollWidth"] <= found["clientWidth"], found


@pytest.mark.parametrize(("width", "height", "mobile"), [(1280, 900, False), (390, 844, True)], ids=["laptop", "phone"])
def test_moderator_decides_with_keyboard_click_and_undo(
    live_server, moderator, make_article, make_comment, width, height, mobile
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    article = make_article(
        "Le conseil municipal de Thionville adopte après six heures de débat un budget qui prévoit "
        "la rénovation complète des écoles, du conservatoire et de la piscine"
    )
    parent = make_comment(article, "Enfin une bonne nouvelle pour les écoles du quartier.", status=Status.APPROVED)
    BlockedTerm.objects.create(term="arnaque")
    oldest = make_comment(
        article,
        "Une arnaque, voyez https://www.exemple-tres-long-nom-de-domaine.example/chemin/vers/une/page/interminable",
        author_email="un.lecteur.avec.une.adresse.tres.longue@exemple-de-domaine.fr",
        ip_address="2001:db8:85a3::8a2e:370:7334",
    )
    middle = make_comment(article, "Je ne suis pas d’accord avec ce budget.", parent=parent)
    newest = make_comment(article, "Merci pour cet article très complet.")

    driver = new_browser(width, height, mobile=mobile)
    try:
        log_in(driver, live_server, moderator)
        driver.get(live_server.url + reverse("admin:comments_comment_desk"))
        wait_for(driver, ".desk-card")
        assert "En attente (3)" in driver.find_element(By.CSS_SELECTOR, ".desk-tabs").text
        assert driver.execute_script("return document.documentElement.clientWidth") <= width
        assert_all_on_screen(driver)
        if shots := os.environ.get("DESK_SCREENSHOTS"):
            driver.save_screenshot(f"{shots}/desk-{width}.png")
        violations = serious_violations(driver)
        assert violations == [], readable(violations)

        # `a` approves the first card (the newest comment); the next card takes the focus, which
        # comments/admin/desk.js gives it once the answer is in: wait for it rather than read it at once.
        driver.find_element(By.TAG_NAME, "body").send_keys("a")
        wait_for(driver, ".desk-undo-form:not([hidden]) button")
        assert not present(driver, f"#carte-{newest.pk}")
        WebDriverWait(driver, 5).until(
            lambda driver: driver.switch_to.active_element.get_attribute("id") == f"carte-{middle.pk}",
            f"the next card (#carte-{middle.pk}) never took the focus",
        )
        assert status_of(newest) == Status.APPROVED

        # A click rejects another one.
        driver.find_element(By.CSS_SELECTOR, f'#carte-{oldest.pk} button[value="reject"]').click()
        for _ in range(50):
            if not present(driver, f"#carte-{oldest.pk}"):
                break
            driver.implicitly_wait(0.1)
        assert not present(driver, f"#carte-{oldest.pk}")
        assert status_of(oldest) == Status.REJECTED
        assert "1 commentaire rejeté." in driver.find_element(By.CSS_SELECTOR, ".desk-undo").text
        assert "En attente (1)" in driver.find_element(By.CSS_SELECTOR, ".desk-tabs").text

        # Undo: the rejected comment waits again and comes back on the desk.
        driver.find_element(By.CSS_SELECTOR, ".desk-undo-form button").click()
        wait_for(driver, f"#carte-{oldest.pk}")
        assert "Décision annulée pour 1 commentaire." in driver.find_element(By.TAG_NAME, "body").text
        assert (status_of(oldest), status_of(newest), status_of(middle)) == (
            Status.PENDING,
            Status.APPROVED,
            Status.PENDING,
        )
        assert_all_on_screen(driver)
        violations = serious_violations(driver)
        assert violations == [], readable(violations)
    finally:
        driver.quit()


def test_shortcuts_are_ignored_while_typing_and_help_opens(live_server, moderator, make_article, make_comment):
    from selenium.webdriver.common.by import By

    comment = make_comment(make_article("Fête de la mirabelle"))
    driver = new_browser(1280, 900)
    try:
        log_in(driver, live_server, moderator)
        driver.get(live_server.url + reverse("admin:comments_comment_desk"))
        wait_for(driver, ".desk-card")
        # Typing into a field (here: Django's admin search of the sidebar, or the filters) decides nothing.
        driver.find_element(By.CSS_SELECTOR, ".desk-filter-box summary").click()  # closed while no filter is on
        field = driver.find_element(By.CSS_SELECTOR, "#desk-article")
        field.send_keys("a")
        assert status_of(comment) == Status.PENDING
        driver.find_element(By.TAG_NAME, "body").send_keys("?")
        assert driver.execute_script("return document.querySelector('.desk-help').open")
    finally:
        driver.quit()


# Issue 23: the desks' remaining frictions ---------------------------------------------------------

# Where the first card's « Approuver » starts, from the top of the page, and the page's overflow.
FIRST_APPROVE = """
const button = document.querySelector('.desk-card .desk-actions button[value="approve"]');
const box = button.getBoundingClientRect();
return {top: box.top + window.scrollY, visible: box.width > 0 && box.height > 0};
"""


@pytest.mark.parametrize(("width", "height", "mobile"), [(1280, 900, False), (390, 844, True)], ids=["laptop", "phone"])
def test_the_first_approve_is_near_the_top(live_server, moderator, make_article, make_comment, width, height, mobile):
    article = make_article(
        "Le conseil municipal de Thionville adopte après six heures de débat un budget qui prévoit "
        "la rénovation complète des écoles, du conservatoire et de la piscine"
    )
    parent = make_comment(article, "Enfin une bonne nouvelle pour les écoles.", status=Status.APPROVED)
    make_comment(
        article,
        "Un long avis. " * 40,
        parent=parent,
        author_email="un.lecteur.avec.une.adresse.tres.longue@exemple-de-domaine.fr",
        ip_address="2001:db8:85a3::8a2e:370:7334",
    )
    driver = new_browser(width, height, mobile=mobile)
    try:
        log_in(driver, live_server, moderator)
        driver.get(live_server.url + reverse("admin:comments_comment_desk"))
        wait_for(driver, ".desk-card")
        first = driver.execute_script(FIRST_APPROVE)
        # On a phone, within the first screen whatever the comment's length (it was 1,030 px down).
        assert first["visible"] and (first["top"] <= 400 or not mobile), first
        assert_all_on_screen(driver)
        if shots := os.environ.get("DESK_SCREENSHOTS"):
            driver.save_screenshot(f"{shots}/desk-first-{width}.png")
        violations = serious_violations(driver)
        assert violations == [], readable(violations)
    finally:
        driver.quit()


def test_one_click_opens_the_commenters_history_and_approving_all_asks_first(
    live_server, moderator, make_article, make_comment
):
    from selenium.webdriver.common.by import By

    article = make_article("Fête de la mirabelle")
    past = make_comment(make_article("Le derby"), "Quel match hier soir", author_email="fidele@exemple.fr")
    past.approve(by=moderator)
    first = make_comment(article, "Premier avis", author_email="fidele@exemple.fr")
    second = make_comment(article, "Second avis", author_email="fidele@exemple.fr")
    driver = new_browser(1280, 900)
    try:
        log_in(driver, live_server, moderator)
        driver.get(live_server.url + reverse("admin:comments_comment_desk"))
        wait_for(driver, ".desk-card")
        card = driver.find_element(By.CSS_SELECTOR, f"#carte-{second.pk}")
        drawer = card.find_element(By.CSS_SELECTOR, ".desk-history-drawer")
        assert not drawer.is_displayed()
        card.find_element(By.CSS_SELECTOR, ".desk-history summary").click()
        assert drawer.is_displayed()
        assert "Quel match hier soir" in drawer.text and "Approuvé" in drawer.text
        assert "Bannir cette adresse" in drawer.text
        violations = serious_violations(driver)
        assert violations == [], readable(violations)

        card.find_element(By.CSS_SELECTOR, 'button[value="approve_author"]').click()
        wait_for(driver, ".desk-confirm button[value='approve_author']")
        assert "Approuver les 2 commentaires en attente de" in driver.find_element(By.TAG_NAME, "body").text
        violations = serious_violations(driver)
        assert violations == [], readable(violations)
        assert (status_of(first), status_of(second)) == (Status.PENDING, Status.PENDING)
        driver.find_element(By.CSS_SELECTOR, ".desk-confirm button[value='approve_author']").click()
        wait_for(driver, ".desk-messages .messagelist")
        assert "2 commentaires approuvés." in driver.find_element(By.TAG_NAME, "body").text
        assert (status_of(first), status_of(second)) == (Status.APPROVED, Status.APPROVED)
    finally:
        driver.quit()


def test_featuring_and_dismissing_say_so_with_javascript(live_server, moderator, make_article, make_comment):
    from selenium.webdriver.common.by import By

    from comments.models import CommentReport

    article = make_article("Fête de la mirabelle")
    chosen = make_comment(article, "Un avis à mettre en avant", status=Status.APPROVED)
    reported = make_comment(article, "Un avis signalé à tort", status=Status.APPROVED)
    CommentReport.objects.create(comment=reported, reason=CommentReport.Reason.SPAM, reporter_key="x")
    driver = new_browser(1280, 900)
    try:
        log_in(driver, live_server, moderator)
        driver.get(live_server.url + reverse("admin:comments_comment_desk") + "?onglet=approuves")
        wait_for(driver, f"#carte-{chosen.pk}")
        driver.find_element(By.CSS_SELECTOR, f'#carte-{chosen.pk} button[value="feature"]').click()
        # The page reloads to show the card's new button: the message comes back with it.
        wait_for(driver, f'#carte-{chosen.pk} button[value="unfeature"]')
        message = wait_for(driver, ".desk-messages .messagelist li.success")
        assert "Choix de la rédaction" in message.text

        driver.get(live_server.url + reverse("admin:comments_comment_desk") + "?onglet=signales")
        wait_for(driver, f"#carte-{reported.pk}")
        driver.find_element(By.CSS_SELECTOR, f'#carte-{reported.pk} button[value="dismiss"]').click()
        message = wait_for(driver, ".desk-messages .messagelist li.success")
        assert "Signalements classés : le commentaire reste publié." in message.text
    finally:
        driver.quit()


def test_the_old_comment_list_fits_a_laptop(live_server, moderator, make_article, make_comment):
    article = make_article(
        "Le conseil municipal de Thionville adopte après six heures de débat un budget qui prévoit "
        "la rénovation complète des écoles"
    )
    make_comment(
        article,
        "Une arnaque, voyez https://www.exemple-tres-long-nom-de-domaine.example/chemin/vers/une/page/interminable "
        + "et encore des mots " * 10,
        author_name="Jean-Baptiste de La Tour du Pin-Montauban",
        author_email="un.lecteur.avec.une.adresse.tres.longue@exemple-de-domaine.fr",
        ip_address="2001:db8:85a3::8a2e:370:7334",
    )
    driver = new_browser(1280, 900)
    try:
        log_in(driver, live_server, moderator)
        driver.get(live_server.url + reverse("admin:comments_comment_changelist"))
        wait_for(driver, "#result_list")
        found = driver.execute_script(
            """
            // Cut off: beyond the window, or beyond the list's own box (which scrolls sideways, hiding them).
            const width = document.documentElement.clientWidth;
            const box = document.querySelector("#changelist .results");
            const right = Math.min(width, box.getBoundingClientRect().right);
            const cut = Array.from(document.querySelectorAll("#result_list th, #result_list td, #result_list button"))
              .filter(cell => cell.getBoundingClientRect().right > right + 0.5)
              .map(cell => cell.className + " " + cell.textContent.trim().slice(0, 40));
            return {
              cut, scrollWidth: document.documentElement.scrollWidth, clientWidth: width,
              listScrolls: box.scrollWidth > box.clientWidth,
            };
            """
        )
        if shots := os.environ.get("DESK_SCREENSHOTS"):
            driver.save_screenshot(f"{shots}/changelist-1280.png")
        assert found["cut"] == [] and not found["listScrolls"], found
        assert found["scrollWidth"] <= found["clientWidth"], found
    finally:
        driver.quit()
