"""A journalist's change to a published article, then the editor's decision, in the browser
(articles/proposals.py): typed in the editor, proposed, read as a comparison, published."""

from browser import BROWSER_TESTS, EDITABLE, log_in, wait_for
from django.urls import reverse

from articles.models import Article, ArticleRevision

pytestmark = BROWSER_TESTS

NEW_PARAGRAPH = "Les travaux commencent en mars."


def test_a_journalist_proposes_and_the_editor_publishes(
    two_browsers, live_server, client, journalist, marc, make_article
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    article = make_article(
        "Le port de Metz s’agrandit", authors=[journalist], body="<p>Le port fluvial double sa surface.</p>"
    )
    hers, his = two_browsers
    form_url = live_server.url + reverse("admin:articles_article_change", args=[article.pk])

    # She adds a paragraph to the published article; her button says it is a proposal.
    log_in(hers, live_server, journalist).get(form_url)
    editable = wait_for(hers, EDITABLE)
    assert "vos modifications seront proposées" in hers.find_element(By.ID, "article-proposal-notice").text
    editable.click()
    editable.send_keys(Keys.CONTROL, Keys.END)
    editable.send_keys(Keys.ENTER, NEW_PARAGRAPH)
    proposal_button = hers.find_element(By.CSS_SELECTOR, "input[name=_save]")
    assert proposal_button.get_attribute("value") == "Proposer les modifications"
    hers.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", proposal_button)
    proposal_button.click()
    assert "attendent la rédaction en chef" in wait_for(hers, ".messagelist .success").text
    assert NEW_PARAGRAPH not in client.get(article.get_absolute_url()).content.decode()

    # He is told on the form, reads the change, publishes it.
    log_in(his, live_server, marc).get(form_url)
    notice = wait_for(his, "#article-proposal-notice")
    assert "a proposé des modifications" in notice.text
    notice.find_element(By.TAG_NAME, "a").click()
    assert NEW_PARAGRAPH in wait_for(his, ".article-proposal ins").text
    publish = his.find_element(By.CSS_SELECTOR, "input[name=_publish_changes]")
    his.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", publish)
    publish.click()
    assert "sont publiées" in wait_for(his, ".messagelist .success").text

    assert NEW_PARAGRAPH in client.get(article.get_absolute_url()).content.decode()
    assert ArticleRevision.objects.pending_proposal(Article.objects.get(pk=article.pk)) is None
