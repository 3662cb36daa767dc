"""The article form around the editor, in headless Chromium (tests/browser.py): room to write, a bar of
buttons that stays in view, a callout left with the keyboard, the tags' autocomplete, no icon drawn
with a font's character, and axe-core with no serious violation.

At 1280 px (a laptop) and 390 px (a phone, emulated: a headless window is at least 500 px wide).
"""

import json

import pytest
from browser import AXE_JS, BROWSER_TESTS, EDITABLE, axe_violations, log_in, new_browser, wait_for
from django.urls import reverse
from taggit.models import Tag

from articles.models import Article

pytestmark = BROWSER_TESTS

CALLOUT_WITH_LINKS = (
    '<aside data-callout="" data-color="jaune"><p>À lire aussi : <a href="https://example.org/">le rapport</a>'
    ' et <a href="/article/autre/">notre enquête</a>.</p></aside>'
)
# Long enough for a form of 2,700 to 4,900 px, as the desk's articles make it.
LONG_BODY = "".join(
    f"<p>Paragraphe {number} de l’article, assez long pour occuper une ligne.</p>" for number in range(40)
)


def window(live_server, user, width: int, height: int = 900):
    driver = new_browser(width, height, mobile=width < 500)
    return log_in(driver, live_server, user)


def open_form(driver, live_server, article=None):
    url = (
        reverse("admin:articles_article_change", args=[article.pk])
        if article
        else reverse("admin:articles_article_add")
    )
    driver.get(live_server.url + url)
    return wait_for(driver, EDITABLE)


def bar_in_view(driver) -> bool:
    """The bar's buttons wholly inside the window."""
    return driver.execute_script(
        "const bar = document.getElementById('article-action-bar').getBoundingClientRect();"
        "const save = document.querySelector('#article-action-bar input[name=_save]').getBoundingClientRect();"
        "return bar.top >= 0 && bar.bottom <= window.innerHeight + 1 && save.top >= bar.top && save.bottom <= bar.bottom"
    )


@pytest.mark.parametrize("width", [1280, 390])
def test_the_bar_of_buttons_stays_in_view_with_the_status(live_server, editor, make_article, width):
    article = make_article("Le port de Metz s’agrandit", body=LONG_BODY)
    driver = window(live_server, editor, width)
    try:
        open_form(driver, live_server, article)
        height = driver.execute_script("return document.documentElement.scrollHeight")
        assert height >= 2700, height
        bar = driver.find_element("id", "article-action-bar")
        assert "Statut : Publié" in bar.text
        assert "Modifications non enregistrées" not in bar.text  # opening the form changes nothing
        for fraction in (0, 0.3, 0.6):
            driver.execute_script("window.scrollTo(0, arguments[0])", int(height * fraction))
            assert bar_in_view(driver), fraction
        # On a phone, the bar takes a few lines, not the screen.
        assert bar.rect["height"] <= (150 if width >= 768 else 110), bar.rect

        # Something typed: the bar says so, and its « Enregistrer » is the form's own.
        driver.find_element("id", "id_standfirst").send_keys(" Les travaux commencent en mars.")
        assert "Modifications non enregistrées" in bar.text
        driver.execute_script("window.scrollTo(0, arguments[0])", int(height * 0.5))
        bar.find_element("css selector", "input[name=_save]").click()
        wait_for(driver, ".messagelist")
        article.refresh_from_db()
        assert article.standfirst.endswith("Les travaux commencent en mars.")
    finally:
        driver.quit()


def test_a_place_chosen_in_an_autocomplete_box_is_an_unsaved_change(live_server, editor, make_article, make_territory):
    from selenium.webdriver.common.keys import Keys

    make_territory("Metz")
    article = make_article()
    driver = window(live_server, editor, 1280)
    try:
        open_form(driver, live_server, article)
        bar = driver.find_element("id", "article-action-bar")
        wait_for(driver, ".field-territories .select2-selection").click()
        search = wait_for(driver, ".field-territories .select2-search__field")
        search.send_keys("Met")
        wait_for(driver, ".select2-results__option--highlighted")
        assert "Modifications non enregistrées" not in bar.text  # a search is no change
        search.send_keys(Keys.ENTER)
        assert "Modifications non enregistrées" in bar.text
    finally:
        driver.quit()


def test_a_field_reached_with_the_keyboard_is_never_behind_the_bar(live_server, editor, make_article):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    article = make_article(body=LONG_BODY)
    driver = window(live_server, editor, 1280, 700)
    try:
        open_form(driver, live_server, article)
        # Going back up the form with Shift+Tab: each field comes into view at the top, where the bar is.
        driver.find_element("id", "id_comments_mode").click()
        driver.find_element("id", "id_comments_mode").send_keys(Keys.ESCAPE)
        hidden, seen = [], set()
        for _ in range(80):
            if "id_title" in seen:
                break
            ActionChains(driver).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()
            # The field, or a tall text area's first lines, below the bar (read once the page has scrolled).
            name, covered = driver.execute_async_script(
                "const done = arguments[arguments.length - 1];"
                "requestAnimationFrame(() => requestAnimationFrame(() => {"
                "  const field = document.activeElement, bar = document.getElementById('article-action-bar');"
                "  const name = field.id || field.name || field.className;"
                "  if (bar.contains(field) || field.closest('.prose-editor, #article-action-bar')) return done([name, false]);"
                "  const rect = field.getBoundingClientRect();"
                "  done([name, rect.height > 0 && rect.top < bar.getBoundingClientRect().bottom - 1]);"
                "}))"
            )
            seen.add(name)
            if covered:
                hidden.append(name)
        assert {"id_title", "id_standfirst", "id_slug"} <= seen, seen
        assert not hidden, hidden
    finally:
        driver.quit()


def test_room_to_write_a_full_width_title_and_a_tall_editor(live_server, journalist):
    driver = window(live_server, journalist, 1280)
    try:
        editable = open_form(driver, live_server)
        title = "Le conseil municipal de Thionville adopte le budget des écoles"  # 62 characters
        assert len(title) == 62
        driver.find_element("id", "id_title").send_keys(title)
        title_width, row_width, scroll_width, client_width = driver.execute_script(
            "const input = document.getElementById('id_title');"
            "const row = input.closest('.form-row'), style = getComputedStyle(row);"
            "const inner = row.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);"
            "return [input.getBoundingClientRect().width, inner, input.scrollWidth, input.clientWidth]"
        )
        assert title_width >= 0.9 * row_width, (title_width, row_width)
        assert scroll_width <= client_width, "the title is cut while typing"
        standfirst = driver.execute_script(
            "const area = document.getElementById('id_standfirst');"
            "return area.getBoundingClientRect().width / area.closest('.form-row').clientWidth"
        )
        assert standfirst >= 0.9, standfirst
        # The empty editor opens at least 24 rem tall (16 px each), and grows with the text.
        assert editable.rect["height"] >= 24 * 16, editable.rect
        driver.execute_script(
            "document.querySelector(arguments[1]).editor.commands.setContent(arguments[0], {emitUpdate: true})",
            LONG_BODY,
            EDITABLE,
        )
        assert editable.rect["height"] > 1000, editable.rect
    finally:
        driver.quit()


def test_the_block_menu_arrow_is_drawn_not_a_font_character(live_server, journalist):
    driver = window(live_server, journalist, 1280)
    try:
        open_form(driver, live_server)
        content, width, border = driver.execute_script(
            "const after = getComputedStyle(document.querySelector('.prose-menubar__selected'), '::after');"
            "return [after.content, after.width, after.borderTopWidth]"
        )
        # The package writes « ⏷ », missing from common fonts: a CSS triangle instead.
        assert "⏷" not in content and content in {'""', "none"}, content
        assert border == "5px", (width, border)
        # And none of our toolbar's buttons is a bare character of a system font: names of the
        # package's self-hosted icon font (material-icons), or words.
        glyphs = driver.execute_script(
            "return [...document.querySelectorAll('.prose-menubar button')]"
            ".filter(b => !b.classList.contains('material-icons'))"
            ".map(b => b.textContent.trim()).filter(t => t && !/^[\\p{L}\\s’'«»-]+$/u.test(t))"
        )
        assert glyphs == [], glyphs
    finally:
        driver.quit()


def cursor_at_end_of_the_callout(driver):
    from selenium.webdriver.support.ui import WebDriverWait

    driver.execute_script(
        """
        const editor = document.querySelector(arguments[0]).editor;
        let end = null;
        editor.state.doc.descendants((node, pos) => {
          if (node.type.name === "callout") end = pos + node.nodeSize - 2;  // its last paragraph's end
        });
        editor.chain().focus().setTextSelection(end).run();
        """,
        EDITABLE,
    )
    # The editor puts the browser's own selection there a moment later: a key pressed before would
    # be read from the old one.
    WebDriverWait(driver, 5).until(
        lambda d: d.execute_script(
            "const selection = window.getSelection(), node = selection.anchorNode;"
            "const element = node && (node.nodeType === 1 ? node : node.parentElement);"
            "return !!element?.closest('aside') && selection.anchorOffset === (node.nodeType === 3 ? node.length : node.childNodes.length)"
        )
    )


def where_the_cursor_is(driver) -> list:
    return driver.execute_script(
        "const {$from} = document.querySelector(arguments[0]).editor.state.selection;"
        "return [...Array($from.depth + 1).keys()].map(depth => $from.node(depth).type.name)",
        EDITABLE,
    )


@pytest.mark.parametrize("key", ["ARROW_DOWN", "ARROW_RIGHT"])
def test_down_or_right_at_the_end_of_a_callout_goes_on_after_it(live_server, journalist, key):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    driver = window(live_server, journalist, 1280)
    try:
        open_form(driver, live_server)
        # A note ending the text: nothing after it to move to.
        driver.execute_script(
            "document.querySelector(arguments[1]).editor.commands.setContent(arguments[0], {emitUpdate: true})",
            '<p>Avant.</p><aside data-callout="" data-color="jaune"><p>La note.</p></aside>',
            EDITABLE,
        )
        cursor_at_end_of_the_callout(driver)
        assert where_the_cursor_is(driver) == ["doc", "callout", "paragraph"]
        ActionChains(driver).send_keys(getattr(Keys, key)).send_keys("Après la note.").perform()
        assert where_the_cursor_is(driver) == ["doc", "paragraph"]
        body = driver.execute_script("return document.getElementById('id_body').value")
        assert body.endswith("<p>La note.</p></aside><p>Après la note.</p>"), body

        # Followed by a paragraph, ↓ goes into it rather than adding one.
        driver.execute_script(
            "document.querySelector(arguments[1]).editor.commands.setContent(arguments[0], {emitUpdate: true})",
            '<aside data-callout="" data-color="jaune"><p>La note.</p></aside><p>Suite.</p>',
            EDITABLE,
        )
        cursor_at_end_of_the_callout(driver)
        ActionChains(driver).send_keys(getattr(Keys, key)).send_keys("La ").perform()
        body = driver.execute_script("return document.getElementById('id_body').value")
        assert body.endswith("</aside><p>La Suite.</p>"), body
    finally:
        driver.quit()


def test_the_tags_autocomplete_offers_the_existing_tag_before_creating_one(live_server, journalist):
    from selenium.webdriver.common.keys import Keys

    Tag.objects.create(name="Numérique")
    Tag.objects.create(name="Startup")
    driver = window(live_server, journalist, 1280)
    try:
        open_form(driver, live_server)
        field = driver.find_element("id", "id_tags")
        field.send_keys("#numérique")
        first = wait_for(driver, "#id_tags_options [role=option]")
        options = [option.text for option in driver.find_elements("css selector", "#id_tags_options [role=option]")]
        assert options == ["Numérique"], options  # the same topic: nothing to create
        assert field.get_attribute("aria-activedescendant") == first.get_attribute("id")
        field.send_keys(Keys.ENTER)  # chooses, does not save the article
        assert field.get_attribute("value") == "Numérique, "
        field.send_keys("start-u")
        wait_for(driver, "#id_tags_options .tag-autocomplete__create")
        options = [option.text for option in driver.find_elements("css selector", "#id_tags_options [role=option]")]
        assert options == ["Startup", "Créer « start-u »"], options
        field.send_keys(Keys.ENTER)
        assert field.get_attribute("value") == "Numérique, Startup, "
        assert Article.objects.count() == 0
    finally:
        driver.quit()


@pytest.mark.skipif(not AXE_JS.exists(), reason=f"axe-core is not installed ({AXE_JS}): run scripts/ensure-packages.sh")
def test_the_article_form_has_no_serious_accessibility_violation(
    live_server, editor, make_article, make_territory, make_personality
):
    article = make_article(
        "Le port de Metz s’agrandit",
        body=f"<p>Avant la note.</p>{CALLOUT_WITH_LINKS}<p>Après.</p>",
        tags=["Numérique", "Startup"],
        territories=[make_territory("Metz"), make_territory("Thionville")],
        personalities=[make_personality("Jean Dupont")],
    )
    driver = window(live_server, editor, 1280)
    found = {}
    try:
        for name, target in [("new article", None), ("article with a callout, tags and places", article)]:
            open_form(driver, live_server, target)
            wait_for(driver, ".select2-selection")
            found[name] = [v for v in axe_violations(driver) if v["impact"] in {"critical", "serious"}]
        # The callout's links read in the note's own colour (black on yellow), not the admin's blue.
        colours = driver.execute_script(
            "return [...document.querySelectorAll('.prose-editor aside a')].map(a => getComputedStyle(a).color)"
        )
        assert colours == ["rgb(0, 0, 0)", "rgb(0, 0, 0)"], colours
    finally:
        driver.quit()
    assert not any(found.values()), json.dumps(found, ensure_ascii=False, indent=2)
