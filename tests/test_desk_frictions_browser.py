"""Issue 23's desk frictions in Chromium: a proposal made while an editor has the article's form open."""

from admin_pages import article_change_data, change_url
from browser import BROWSER_TESTS, EDITABLE, log_in, new_browser, wait_for
from django.test import Client
from django.urls import reverse

from articles.models import ArticleRevision

pytestmark = BROWSER_TESTS


def test_an_open_form_tells_the_editor_of_a_new_proposal(live_server, make_article, make_user, monkeypatch):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    monkeypatch.setattr("articles.presence.HEARTBEAT_SECONDS", 1)
    julie = make_user("julie", groups=["Journalistes"], first_name="Julie", last_name="Royer")
    marc = make_user("marc", groups=["Rédaction en chef"], first_name="Marc", last_name="Lhuillier")
    article = make_article("Le port de Metz s’agrandit", authors=[julie])
    ArticleRevision.objects.record(article, None, ArticleRevision.Action.PUBLISHED)

    driver = new_browser(1280, 900)
    try:
        log_in(driver, live_server, marc).get(live_server.url + change_url(article))
        wait_for(driver, EDITABLE)
        assert "a proposé des modifications" not in driver.find_element(By.TAG_NAME, "body").text

        # Julie saves the published article: her changes wait for an editor.
        journalist = Client()
        journalist.force_login(julie)
        opened = journalist.get(change_url(article)).context["adminform"].form.initial
        data = article_change_data(article, title="Le port de Metz s’agrandit encore")
        data.update(base_revision=opened["base_revision"], base_state=opened["base_state"])
        assert journalist.post(change_url(article), data).status_code == 302

        WebDriverWait(driver, 10).until(
            lambda driver: (
                "Julie Royer a proposé des modifications le" in driver.find_element(By.ID, "article-proposal-live").text
            )
        )
        link = driver.find_element(By.CSS_SELECTOR, "#article-proposal-live a")
        assert link.get_attribute("href").endswith(reverse("admin:articles_article_proposal", args=[article.pk]))
        assert link.text == "Voir les modifications et décider"
    finally:
        driver.quit()
