"""Tables and quotations written as a journalist does, in headless Chromium (tests/browser.py).

A table inserted with the toolbar (3 × 3 with a header row), typed into cell after cell, given a
row, columns, a header column and a caption, then left with ↓ at its end; a quotation given its
source; a pull quote (« Exergue »). The stored body is read back exactly, then the public page:
its table scrolls inside its own box on a 390 px phone, never the page, and axe finds nothing.
"""

import pytest
from browser import (
    BROWSER_TESTS,
    EDITABLE,
    axe_violations,
    click_tool,
    fill_dialog,
    log_in,
    new_browser,
    press,
    save_new_article,
    type_text,
    wait_for,
)
from django.urls import reverse

from articles.models import Article

pytestmark = BROWSER_TESTS

CAPTION = "Résultats du 1er tour"
SOURCE = "Jean Dupont, maire de Metz"
# What the journalist types, row by row: the three rows of the inserted table (once widened to six
# columns), then the row added with the toolbar.
HEADER = ["Liste", "Inscrits", "Votants", "Exprimés", "Voix", "Sièges"]
ROWS = [
    ["Union pour l’avenir", "123 456", "98 765", "97 531", "45 678", "12"],
    ["Rassemblement", "123 456", "98 765", "97 531", "40 123", "9"],
]
ADDED_ROW = ["Divers", "123 456", "98 765", "97 531", "11 730", "2"]


def stored_table() -> str:
    """The table as clean_body stores it: the caption first, header scopes, every cell's text in a <p>."""
    header = "".join(f'<th scope="col"><p>{text}</p></th>' for text in HEADER)
    rows = "".join(
        f'<tr><th scope="row"><p>{first}</p></th>{"".join(f"<td><p>{text}</p></td>" for text in rest)}</tr>'
        for first, *rest in [*ROWS, ADDED_ROW]
    )
    return f"<table><caption>{CAPTION}</caption><tbody><tr>{header}</tr>{rows}</tbody></table>"


@pytest.fixture
def journalist_browser(browser, live_server, journalist):
    return log_in(browser, live_server, journalist)


def editor_state(driver, script: str):
    """Evaluate ``script`` with ``editor`` (the Tiptap editor) and ``selection`` in scope."""
    return driver.execute_script(
        f"const editor = document.querySelector(arguments[0]).editor; const selection = editor.state.selection; {script}",
        EDITABLE,
    )


def cursor_in(driver) -> list[str]:
    """The names of the editor nodes holding the cursor, outermost first (table, tableRow, tableCell…)."""
    return editor_state(
        driver,
        "const names = []; for (let d = 1; d <= selection.$from.depth; d++) names.push(selection.$from.node(d).type.name);"
        "return names",
    )


def test_a_journalist_writes_a_table_a_quotation_and_a_pull_quote(journalist_browser, live_server, section, editor):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    driver = journalist_browser
    driver.get(live_server.url + reverse("admin:articles_article_add"))
    wait_for(driver, EDITABLE).click()
    type_text(driver, "Les résultats du premier tour.")
    press(driver, Keys.ENTER)

    # No table tools before there is a table; the new one is 3 × 3 with a header row.
    assert not driver.find_element(By.CSS_SELECTOR, 'button[data-name="table:addRowAfter"]').is_displayed()
    click_tool(driver, "table")
    assert cursor_in(driver)[:3] == ["table", "tableRow", "tableHeader"]
    assert editor_state(driver, "return document.querySelectorAll('.ProseMirror table tr').length") == 3
    for _ in range(3):  # six columns: wide enough to scroll on a phone
        click_tool(driver, "table:addColumnAfter")
    # Cell after cell with Tab, as in a spreadsheet.
    type_text(driver, Keys.TAB.join([*HEADER, *ROWS[0], *ROWS[1]]))
    click_tool(driver, "table:addRowAfter")
    press(driver, Keys.TAB)
    type_text(driver, Keys.TAB.join(ADDED_ROW))
    click_tool(driver, "table:headerColumn")
    assert "active" in driver.find_element(By.CSS_SELECTOR, 'button[data-name="table:headerColumn"]').get_attribute(
        "class"
    )
    click_tool(driver, "table:caption")
    fill_dialog(driver, CAPTION)
    assert driver.find_element(By.CSS_SELECTOR, ".ProseMirror table > caption").text == CAPTION

    # ↓ at the table's end (its last cell) goes on in a paragraph after it.
    assert cursor_in(driver)[-2:] == ["tableCell", "paragraph"]
    press(driver, Keys.ARROW_DOWN)
    assert cursor_in(driver) == ["paragraph"]
    type_text(driver, "Le maire a réagi.")

    # A quotation and who said it.
    press(driver, Keys.ENTER)
    type_text(driver, "Nous serons prêts à temps.")
    click_tool(driver, "blockquote")
    assert (
        not driver.find_element(By.CSS_SELECTOR, 'button[data-name="pullquote"]').get_attribute("class").count("active")
    )
    click_tool(driver, "quoteSource")
    fill_dialog(driver, SOURCE)
    press(driver, Keys.ARROW_DOWN)
    assert cursor_in(driver) == ["paragraph"]
    type_text(driver, "Une phrase a marqué la soirée.")
    # A pull quote (« Exergue »).
    press(driver, Keys.ENTER)
    type_text(driver, "Cette ville mérite mieux.")
    click_tool(driver, "pullquote")
    assert cursor_in(driver) == ["blockquote", "paragraph"]
    # A pull quote has no source of its own.
    assert not driver.find_element(By.CSS_SELECTOR, 'button[data-name="quoteSource"]').is_displayed()
    press(driver, Keys.ARROW_DOWN)
    type_text(driver, "Le second tour aura lieu dimanche.")

    save_new_article(
        driver,
        title="Municipales : les résultats",
        slug="municipales-resultats",
        section=section,
        standfirst="Les chiffres.",
    )
    article = Article.objects.get(slug="municipales-resultats")
    assert article.body == (
        "<p>Les résultats du premier tour.</p>"
        + stored_table()
        + "<p>Le maire a réagi.</p>"
        + f'<blockquote data-source="{SOURCE}"><p>Nous serons prêts à temps.</p></blockquote>'
        + "<p>Une phrase a marqué la soirée.</p>"
        + '<blockquote data-pullquote=""><p>Cette ville mérite mieux.</p></blockquote>'
        + "<p>Le second tour aura lieu dimanche.</p>"
    )

    # Opened again, the editor shows the same (caption, header column, source, pull quote) and saves it unchanged.
    driver.get(live_server.url + reverse("admin:articles_article_change", args=[article.pk]))
    wait_for(driver, EDITABLE)
    assert driver.find_element(By.CSS_SELECTOR, ".ProseMirror table > caption").text == CAPTION
    assert len(driver.find_elements(By.CSS_SELECTOR, ".ProseMirror blockquote[data-pullquote]")) == 1
    assert (
        driver.find_element(By.CSS_SELECTOR, ".ProseMirror blockquote[data-source]").get_attribute("data-source")
        == SOURCE
    )
    # The form holding them, table tools shown, has no serious accessibility violation.
    driver.find_element(By.CSS_SELECTOR, ".ProseMirror td").click()
    wait_for(driver, 'button[data-name="table:caption"]')
    serious = [v for v in axe_violations(driver) if v["impact"] in {"critical", "serious"}]
    assert serious == [], serious
    # A click on the caption opens its dialog, filled in; cancelled, nothing changes.
    caption = driver.find_element(By.CSS_SELECTOR, ".ProseMirror table > caption")
    # In mid-window, not under the toolbar that stays in view, once nothing covers it any more (the
    # toolbar and the sticky bar settle after the scroll).
    driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", caption)
    WebDriverWait(driver, 5).until(
        lambda d: d.execute_script(
            "const box = arguments[0].getBoundingClientRect();"
            "return arguments[0].contains(document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2))",
            caption,
        )
    )
    caption.click()
    dialog = wait_for(driver, "dialog[open]")
    assert dialog.find_element(By.CSS_SELECTOR, "input[type=text]").get_attribute("value") == CAPTION
    dialog.find_element(By.CSS_SELECTOR, "button[value=cancel]").click()
    driver.find_element(By.CSS_SELECTOR, "input[name=_save]").click()
    wait_for(driver, ".messagelist")
    article.refresh_from_db()
    assert stored_table() in article.body

    article.publish(by=editor)
    check_public_page(live_server, article)


def check_public_page(live_server, article):
    from selenium.webdriver.common.by import By

    phone = new_browser(390, 844, mobile=True)
    try:
        phone.get(live_server.url + article.get_absolute_url())
        box = phone.find_element(By.CSS_SELECTOR, ".table-scroll")
        assert box.get_attribute("role") == "region" and box.get_attribute("tabindex") == "0"
        caption = box.find_element(By.CSS_SELECTOR, "caption")
        assert box.get_attribute("aria-labelledby") == caption.get_attribute("id")
        assert caption.text == CAPTION
        assert len(box.find_elements(By.CSS_SELECTOR, 'th[scope="row"]')) == 3
        quote = phone.find_element(By.CSS_SELECTOR, "figure.quote")
        assert quote.find_element(By.CSS_SELECTOR, "figcaption").text == f"— {SOURCE}"
        assert "mérite mieux" in phone.find_element(By.CSS_SELECTOR, "figure.pullquote blockquote").text

        # The page never scrolls sideways; the table does, inside its box.
        widths = phone.execute_script(
            "const box = document.querySelector('.table-scroll');"
            "return {page: document.documentElement.scrollWidth, window: window.innerWidth,"
            " box: box.clientWidth, table: box.scrollWidth}"
        )
        assert widths["window"] == 390 and widths["page"] <= 390, widths
        assert widths["table"] > widths["box"], widths
        phone.execute_script("document.querySelector('.table-scroll').scrollLeft = 10000")
        assert phone.execute_script("return document.querySelector('.table-scroll').scrollLeft") > 0
        # Focusable with the keyboard, with a visible outline.
        phone.execute_script("document.querySelector('.table-scroll').focus({focusVisible: true})")
        outline = phone.execute_script(
            "const style = getComputedStyle(document.querySelector('.table-scroll'));"
            "return [document.activeElement.className, style.outlineStyle, style.outlineWidth]"
        )
        assert outline[0] == "table-scroll" and outline[1] != "none" and outline[2] != "0px", outline

        assert axe_violations(phone) == []
    finally:
        phone.quit()


def test_arrows_leave_a_table_that_ends_the_text(journalist_browser, live_server):
    """With nothing after the table, ↓ from any cell of its last row and → at its last cell's end still
    go on in a new paragraph after it (a table ending the text would otherwise hold every key)."""
    from selenium.webdriver.common.keys import Keys

    driver = journalist_browser
    driver.get(live_server.url + reverse("admin:articles_article_add"))
    wait_for(driver, EDITABLE).click()
    type_text(driver, "Le classement.")
    press(driver, Keys.ENTER)
    click_tool(driver, "table")
    editor_state(driver, "editor.commands.deleteNode('paragraph')")  # the empty paragraph the table left after it
    assert editor_state(driver, "return editor.state.doc.lastChild.type.name") == "table"

    # ↓ from the first cell: row after row, then out of the table from its last row's first cell.
    press(driver, Keys.ARROW_DOWN, Keys.ARROW_DOWN)
    assert editor_state(driver, "return selection.$from.index(1)") == 2  # the third row
    press(driver, Keys.ARROW_DOWN)
    assert cursor_in(driver) == ["paragraph"]
    type_text(driver, "Après.")
    assert editor_state(driver, "return editor.state.doc.lastChild.textContent") == "Après."

    # → at the end of the last cell (before the closing tokens of its paragraph, cell, row, table and
    # the paragraph after): out too, into the paragraph already there.
    editor_state(driver, "editor.commands.setTextSelection(editor.state.doc.content.size - 'Après.'.length - 6)")
    assert cursor_in(driver)[-2:] == ["tableCell", "paragraph"]
    press(driver, Keys.ARROW_RIGHT)
    assert cursor_in(driver) == ["paragraph"]
    assert editor_state(driver, "return editor.state.doc.childCount") == 3


def test_a_quotation_made_a_pull_quote_loses_its_source_and_back_to_text(journalist_browser, live_server):
    driver = journalist_browser
    driver.get(live_server.url + reverse("admin:articles_article_add"))
    wait_for(driver, EDITABLE)
    editor_state(
        driver,
        f"editor.chain().setContent('<blockquote data-source=\"{SOURCE}\"><p>Cette ville mérite mieux.</p></blockquote>')"
        ".focus().setTextSelection(3).run()",
    )
    assert cursor_in(driver) == ["blockquote", "paragraph"]
    click_tool(driver, "pullquote")
    assert editor_state(driver, "return editor.getHTML()") == (
        '<blockquote data-pullquote=""><p>Cette ville mérite mieux.</p></blockquote>'
    )
    click_tool(driver, "pullquote")  # off again: the words go back to the text
    assert editor_state(driver, "return editor.getHTML()") == "<p>Cette ville mérite mieux.</p>"
