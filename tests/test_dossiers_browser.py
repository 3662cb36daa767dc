"""A journalist files an article in a dossier from the article form, through its autocomplete box."""

from browser import BROWSER_TESTS, EDITABLE, log_in, save_new_article, wait_for
from django.urls import reverse

from articles.models import Article
from articles.models.dossiers import Dossier

pytestmark = BROWSER_TESTS


def test_a_journalist_picks_a_dossier_by_typing_its_name(browser, live_server, journalist, section):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    municipales = Dossier.objects.create(name="Municipales 2026", slug="municipales-2026")
    Dossier.objects.create(name="Le chantier du tram", slug="chantier-tram")
    driver = log_in(browser, live_server, journalist)
    driver.get(live_server.url + reverse("admin:articles_article_add"))

    wait_for(driver, ".field-dossiers .select2-selection").click()
    wait_for(driver, ".select2-container--open .select2-search__field").send_keys("munic")
    WebDriverWait(driver, 5).until(
        lambda d: (
            [option.text for option in d.find_elements(By.CSS_SELECTOR, ".select2-results__option")]
            == ["Municipales 2026"]
        )
    )
    wait_for(driver, ".select2-results__option").click()
    assert "Municipales 2026" in driver.find_element(By.CSS_SELECTOR, ".field-dossiers .select2-selection").text

    wait_for(driver, EDITABLE).send_keys("Trois listes sont déjà déclarées.")
    save_new_article(
        driver,
        title="Les premiers candidats",
        slug="premiers-candidats",
        section=section,
        standfirst="La campagne commence à Thionville.",
    )

    article = Article.objects.get(slug="premiers-candidats")
    assert list(article.dossiers.all()) == [municipales]
