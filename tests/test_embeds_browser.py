"""Embeds in headless Chromium (tests/browser.py): a journalist pastes a YouTube address into the text,
the public page asks no other host for anything until the reader clicks, then shows the frame the
page's policy allows; the reader's « always » is remembered in the browser; axe finds nothing.
"""

from urllib.parse import urlsplit

import pytest
from browser import (
    AXE_JS,
    BROWSER_TESTS,
    EDITABLE,
    axe_violations,
    body_value,
    log_in,
    new_browser,
    paste,
    present,
    wait_for,
    wait_until,
)
from django.test import Client
from django.urls import reverse

from articles.models import Article

pytestmark = BROWSER_TESTS

VIDEO = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
STORED = '<figure data-embed="youtube" data-embed-id="dQw4w9WgXcQ"><figcaption>Le conseil municipal en direct</figcaption></figure>'
FRAME = "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
CHANNEL = "https://www.youtube.com/@VilleDeMetz"


def requested_hosts(driver) -> set[str]:
    """Every host the page asked for something: the page itself and each resource it loaded or began to."""
    urls = driver.execute_script(
        "return [location.href, ...performance.getEntriesByType('resource').map(entry => entry.name)]"
    )
    return {urlsplit(url).netloc for url in urls}


def requests_before_images(driver) -> list[str]:
    # Not the reading beacon of « Les plus lus » either: a POST once the page is shown, not a part of it.
    return driver.execute_script(
        "return [location.href, ...performance.getEntriesByType('resource')"
        ".filter(entry => !['img', 'beacon'].includes(entry.initiatorType)).map(entry => entry.name)]"
    )


def test_a_pasted_youtube_address_becomes_an_embed_readers_open_on_purpose(browser, live_server, journalist, section):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver = log_in(browser, live_server, journalist)
    article = Article.objects.create(
        title="Le conseil en vidéo",
        slug="conseil-video",
        section=section,
        standfirst="La séance de lundi.",
        body="<p>La séance a duré trois heures.</p>",
    )
    driver.get(live_server.url + reverse("admin:articles_article_change", args=[article.pk]))
    editable = wait_for(driver, EDITABLE)
    editable.click()
    editable.send_keys(Keys.CONTROL, Keys.END)
    editable.send_keys(Keys.ENTER)
    # A hostile address typed in the dialog first: refused next to the field, nothing typed lost.
    wait_for(driver, 'button[aria-label^="Intégrer un contenu"]').click()
    dialog = wait_for(driver, "dialog.newsroom-embed-dialog[open]")
    address, text = dialog.find_elements(By.CSS_SELECTOR, "input[type=text]")
    address.send_keys("https://youtube.com@evil.fr/watch?v=dQw4w9WgXcQ")
    text.send_keys("Le conseil municipal en direct")
    dialog.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    error = wait_for(driver, ".newsroom-embed-dialog .newsroom-embed-error:not([hidden])")
    assert "cache le site" in error.text
    assert address.get_attribute("aria-invalid") == "true"
    assert address.get_attribute("value") == "https://youtube.com@evil.fr/watch?v=dQw4w9WgXcQ"
    assert text.get_attribute("value") == "Le conseil municipal en direct"
    dialog.find_element(By.CSS_SELECTOR, "button[value=cancel]").click()
    assert "data-embed" not in body_value(driver)

    # The address pasted alone on its line: the same dialog, the address filled in, asks for the text.
    wait_until(driver, lambda d: not present(d, "dialog[open]"))
    driver.find_element(By.CSS_SELECTOR, EDITABLE).click()
    driver.find_element(By.CSS_SELECTOR, EDITABLE).send_keys(Keys.CONTROL, Keys.END)
    paste(driver, VIDEO)
    dialog = wait_for(driver, "dialog.newsroom-embed-dialog[open]")
    address, text = dialog.find_elements(By.CSS_SELECTOR, "input[type=text]")
    assert address.get_attribute("value") == VIDEO
    text.send_keys("Le conseil municipal en direct", Keys.ENTER)
    wait_until(driver, lambda d: STORED in body_value(d))
    assert body_value(driver).startswith("<p>La séance a duré trois heures.</p>" + STORED)
    box = wait_for(driver, ".newsroom-embed")
    assert "YouTube" in box.text and "Le conseil municipal en direct" in box.text
    # A provider's page that is no embed, pasted and cancelled: pasted as text after all, nothing lost.
    # The cursor waits on the line after the embed: writing goes on there.
    driver.switch_to.active_element.send_keys("Ensuite, ")
    wait_until(
        driver,
        lambda d: STORED + "<p>Ensuite, </p>" in body_value(d) or STORED + "<p>Ensuite,&nbsp;</p>" in body_value(d),
    )
    driver.switch_to.active_element.send_keys(Keys.ENTER)
    paste(driver, CHANNEL)
    dialog = wait_for(driver, "dialog.newsroom-embed-dialog[open]")
    dialog.find_element(By.CSS_SELECTOR, "button[value=cancel]").click()
    wait_until(driver, lambda d: CHANNEL in body_value(d))
    assert body_value(driver).count("data-embed=") == 1
    driver.find_element(By.CSS_SELECTOR, "input[name=_save]").click()
    wait_for(driver, ".messagelist")
    article.refresh_from_db()
    assert STORED in article.body
    article.status = Article.Status.PUBLISHED
    article.published_at = article.updated_at
    article.save()

    # The public page: nothing asked of any other host before a click.
    reader = new_browser(1280, 900)
    try:
        page_url = live_server.url + article.get_absolute_url()
        reader.get(page_url)
        show = wait_for(reader, "figure.embed .embed-show")
        assert requested_hosts(reader) == {urlsplit(live_server.url).netloc}
        before_images = requests_before_images(reader)
        assert len(before_images) <= 5, before_images
        assert not present(reader, "iframe")
        policy = Client().get(article.get_absolute_url())["Content-Security-Policy"]
        assert "frame-src https://www.youtube-nocookie.com" in policy

        if AXE_JS.exists():
            assert axe_violations(reader) == []

        # The click: the frame, with the provider's address (offline, its request fails: that's fine).
        show.click()
        frame = wait_for(reader, "figure.embed iframe")
        assert frame.get_attribute("src") == FRAME
        assert frame.get_attribute("title") == "YouTube\u202f: Le conseil municipal en direct"
        assert frame.get_attribute("referrerpolicy") == "strict-origin"
        assert frame.get_attribute("loading") == "lazy"
        assert "allow-scripts" in frame.get_attribute("sandbox")
        assert "allow-top-navigation" not in frame.get_attribute("sandbox")
        assert not reader.execute_script("return document.cookie")

        # « Toujours afficher » : remembered in this browser, not in a cookie.
        reader.get(page_url)
        wait_for(reader, "figure.embed .embed-remember input").click()
        reader.find_element(By.CSS_SELECTOR, "figure.embed .embed-show").click()
        wait_for(reader, "figure.embed iframe")
        assert reader.execute_script("return localStorage.getItem('newsroom:embeds:toujours:youtube')") == "1"
        assert not reader.execute_script("return document.cookie")
        reader.get(page_url)
        assert wait_for(reader, "figure.embed iframe").get_attribute("src") == FRAME
        # And forgotten on request.
        reader.find_element(By.CSS_SELECTOR, ".embed-forget").click()
        assert reader.execute_script("return localStorage.getItem('newsroom:embeds:toujours:youtube')") is None
        reader.get(page_url)
        wait_for(reader, "figure.embed .embed-show")
        assert not present(reader, "iframe")
    finally:
        reader.quit()


def test_the_button_inserts_an_embed_amid_the_text_and_writing_goes_on_after_it(browser, live_server, journalist):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver = log_in(browser, live_server, journalist)
    driver.get(live_server.url + reverse("admin:articles_article_add"))
    editable = wait_for(driver, EDITABLE)
    editable.click()
    editable.send_keys("Avant")
    wait_for(driver, 'button[aria-label^="Intégrer un contenu"]').click()
    dialog = wait_for(driver, "dialog.newsroom-embed-dialog[open]")
    address, text = dialog.find_elements(By.CSS_SELECTOR, "input[type=text]")
    address.send_keys("https://dai.ly/x8m8jf0")
    dialog.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    # No text for readers: asked for, next to its field, the address kept.
    error = wait_for(driver, ".newsroom-embed-dialog .newsroom-embed-error:not([hidden])")
    assert "quelques mots pour les lecteurs" in error.text
    assert address.get_attribute("value") == "https://dai.ly/x8m8jf0"
    text.send_keys("Le reportage", Keys.ENTER)
    stored = '<figure data-embed="dailymotion" data-embed-id="x8m8jf0"><figcaption>Le reportage</figcaption></figure>'
    wait_until(driver, lambda d: stored in body_value(d))
    driver.switch_to.active_element.send_keys("Après")
    wait_until(driver, lambda d: body_value(d) == f"<p>Avant</p>{stored}<p>Après</p>")
    # A double click opens it again, its address on Dailymotion filled in.
    ActionChains(driver).double_click(wait_for(driver, ".newsroom-embed")).perform()
    dialog = wait_for(driver, "dialog.newsroom-embed-dialog[open]")
    address, text = dialog.find_elements(By.CSS_SELECTOR, "input[type=text]")
    wait_until(driver, lambda d: address.get_attribute("value") == "https://www.dailymotion.com/video/x8m8jf0")
    text.clear()
    text.send_keys("Le reportage de France 3", Keys.ENTER)
    wait_until(driver, lambda d: "<figcaption>Le reportage de France 3</figcaption>" in body_value(d))


def test_always_showing_a_provider_shows_its_other_frames_on_the_page_and_leaves_links_alone(live_server, make_article):
    from selenium.webdriver.common.by import By

    def figure(provider, embed_id, text):
        return f'<figure data-embed="{provider}" data-embed-id="{embed_id}"><figcaption>{text}</figcaption></figure>'

    article = make_article(
        body=figure("bluesky", "did:plc:z72i7hdynmk6r22z27h6tvur/3l6oveex3ii2l", "Le message du préfet")
        + figure("youtube", "dQw4w9WgXcQ", "La séance")
        + figure("bluesky", "metz.fr/3kgxq2abcdz2a", "Le message de la ville")
        + figure("bluesky", "did:plc:z72i7hdynmk6r22z27h6tvur/3l6oveex3iiaa", "Sa réponse")
    )
    reader = new_browser(1280, 900)
    try:
        reader.get(live_server.url + article.get_absolute_url())
        first = wait_for(reader, 'figure[data-embed-provider="bluesky"] .embed-consent')
        first.find_element(By.CSS_SELECTOR, ".embed-remember input").click()
        first.find_element(By.CSS_SELECTOR, ".embed-show").click()
        wait_until(reader, lambda d: len(present(d, 'figure[data-embed-provider="bluesky"] iframe')) == 2)
        sources = [frame.get_attribute("src") for frame in present(reader, "iframe")]
        assert all(source.startswith("https://embed.bsky.app/embed/did:plc:") for source in sources), sources
        # The handle's post stays a link; YouTube still waits for its own click.
        assert present(reader, 'a[href="https://bsky.app/profile/metz.fr/post/3kgxq2abcdz2a"]')
        assert present(reader, 'figure[data-embed-provider="youtube"] .embed-show')
    finally:
        reader.quit()


@pytest.mark.skipif(not AXE_JS.exists(), reason="axe-core is not installed")
def test_the_facades_of_every_kind_have_no_accessibility_violation(live_server, make_article):
    body = "".join(
        f'<figure data-embed="{provider}" data-embed-id="{embed_id}"><figcaption>{text}</figcaption></figure>'
        for provider, embed_id, text in [
            ("youtube", "dQw4w9WgXcQ", "La séance"),
            ("tiktok", "7312345678901234567", "La vidéo de la mairie"),
            ("x", "20", "Le message du préfet"),
            ("datawrapper", "Ab3dE/2", "Les résultats"),
            ("openstreetmap", "15/48.6937/6.1834", "Le lieu"),
            ("bluesky", "metz.fr/3kgxq2abcdz2a", "Le message de la ville"),
            ("soundcloud", "franceinter/le-journal", "Le journal"),
        ]
    )
    article = make_article("Tous les contenus", body=body)
    reader = new_browser(390, 900, mobile=True)
    try:
        reader.get(live_server.url + article.get_absolute_url())
        wait_for(reader, "figure.embed .embed-show")
        assert axe_violations(reader) == []
        assert reader.execute_script("return document.documentElement.scrollWidth") <= 390
        assert requested_hosts(reader) == {urlsplit(live_server.url).netloc}
    finally:
        reader.quit()
