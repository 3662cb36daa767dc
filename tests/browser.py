"""Headless Chromium for the tests of what staff do in the browser (the editor, the desk, the moderation queue).

The fixtures (``browser``, ``logged_in``) are offered by conftest.py; tests
mark themselves with ``pytestmark = BROWSER_TESTS``: skipped, with the reason, on a machine without
Chromium and its driver (``make test`` installs them where it can).
"""

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

EDITABLE = '.prose-editor [contenteditable="true"]'
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")

BROWSER_TESTS = [
    pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER), reason="Chromium and chromedriver are not installed"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("newsroom_roles"),
]


@pytest.fixture
def newsroom_roles(transactional_db):
    """The groups and their permissions, as the data migrations made them.

    A live-server test's database is emptied after each test (``transaction=True``), the
    groups with it; content types and permissions come back, the groups do not. Keeping the
    database instead (``serialized_rollback``) breaks the next test files' content types.
    """
    from django.apps import apps
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations import RunPython

    # The migrations' helper (common.roles) toggles AppConfig.models_module; these are the real ones.
    models_modules = {config.label: config.models_module for config in apps.get_app_configs()}
    migrations = MigrationLoader(connection, ignore_no_migrations=True).disk_migrations
    try:
        for (_app, name), migration in sorted(migrations.items()):
            if "role" in name:
                for operation in migration.operations:
                    if isinstance(operation, RunPython):
                        operation.code(apps, None)
    finally:
        for config in apps.get_app_configs():
            config.models_module = models_modules[config.label]


def new_browser(width: int = 1280, height: int = 1600, *, mobile: bool = False):
    """A headless Chromium window of this size; the caller quits it (the ``browser`` fixture does).

    ``mobile``: Chrome's phone emulation at this size (a desktop window cannot be narrower than ~500 px).
    """
    from selenium import webdriver
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    # The console, read by csp_violations(): where Chromium reports what the Content-Security-Policy refused.
    # The network too, read by requested_urls(): every request the page made, to any host.
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    options.binary_location = CHROMIUM
    for argument in [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--window-size={width},{height}",
    ]:
        options.add_argument(argument)
    if mobile:
        options.add_experimental_option(
            "mobileEmulation", {"deviceMetrics": {"width": width, "height": height, "pixelRatio": 1}}
        )
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(5)
    quit_browser = driver.quit

    def quit_after_reading_its_console():
        try:
            _refused.extend(csp_violations(driver))
        except WebDriverException:
            pass  # a browser that cannot answer any more: the test fails for that already
        finally:
            quit_browser()

    driver.quit = quit_after_reading_its_console
    return driver


def requested_urls(driver) -> list[str]:
    """Every address the browser asked for since the last call (Chromium's network log), in order."""
    import json

    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def csp_violations(driver) -> list[str]:
    """What the pages' Content-Security-Policy refused since the last call, in every window of this browser
    (the picker's too): Chromium's console messages from its « security » source."""
    return [entry["message"] for entry in driver.get_log("browser") if entry.get("source") == "security"]


# What the Content-Security-Policy refused in the browsers quit during the current test.
_refused: list[str] = []


@pytest.fixture(autouse=True)
def no_csp_violation():
    """Every browser test also checks that its pages, in every window, broke no rule of their
    Content-Security-Policy: the browser tests of the editor, the admin and the desk prove that they
    work under it, those of reader pages that nothing they need is refused."""
    _refused.clear()
    yield
    assert not _refused, "\n".join(_refused)  # no test file: pytest does not rewrite the asserts here


@pytest.fixture
def browser():
    driver = new_browser()
    yield driver
    driver.quit()


@pytest.fixture
def two_browsers():
    """Two people, each in a window of their own (two sessions)."""
    first, second = new_browser(), new_browser()
    yield first, second
    first.quit()
    second.quit()


def save_new_article(driver, *, title: str, slug: str, section, standfirst: str) -> None:
    """Fill in the add form's required fields beside the body, as a journalist would, and save."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    driver.find_element(By.ID, "id_title").send_keys(title)
    driver.find_element(By.ID, "id_slug").clear()
    driver.find_element(By.ID, "id_slug").send_keys(slug)
    Select(driver.find_element(By.ID, "id_section")).select_by_value(str(section.pk))
    driver.find_element(By.ID, "id_standfirst").send_keys(standfirst)
    driver.find_element(By.CSS_SELECTOR, "input[name=_save]").click()
    wait_for(driver, ".messagelist")


def log_in(driver, live_server, user):
    """Give the browser this user's session, as after logging in through the form."""
    client = Client()
    client.force_login(user)
    driver.get(live_server.url + "/admin/login/")
    driver.add_cookie({"name": "sessionid", "value": client.cookies["sessionid"].value, "path": "/"})
    return driver


@pytest.fixture
def logged_in(browser, live_server, admin_user):
    """The browser with an administrator's session."""
    return log_in(browser, live_server, admin_user)


def wait_for(driver, css: str, timeout: float = 10):
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    # An element of the page being left may match, then vanish: look again rather than fail.
    return WebDriverWait(driver, timeout, ignored_exceptions=[StaleElementReferenceException]).until(
        expected_conditions.element_to_be_clickable((By.CSS_SELECTOR, css))
    )


def present(driver, css: str) -> list:
    """The elements matching now, without the implicit wait (which makes a check for absence slow)."""
    from selenium.webdriver.common.by import By

    driver.implicitly_wait(0)
    try:
        return driver.find_elements(By.CSS_SELECTOR, css)
    finally:
        driver.implicitly_wait(5)


# axe-core, from npm (scripts/ensure-packages.sh installs it under var/node, which `make test` runs first).
AXE_JS = Path(settings.BASE_DIR) / "var" / "node" / "node_modules" / "axe-core" / "axe.min.js"
RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}})
  .then(results => done(results.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map(n => n.target.join(" ") + " — " + n.failureSummary.replace(/\\s+/g, " ")).slice(0, 5),
  }))))
  .catch(error => done([{id: "axe-error", impact: "critical", help: String(error), nodes: []}]));
"""


def axe_violations(driver) -> list[dict]:
    """axe-core's violations (WCAG 2 and 2.1, A and AA, and its best practices) on the page the browser shows."""
    driver.set_script_timeout(60)
    driver.execute_script(AXE_JS.read_text())
    return driver.execute_async_script(RUN_AXE)


# Writing in the editor, as a journalist's hands do ---------------------------------------------------


def type_text(driver, text: str):
    driver.switch_to.active_element.send_keys(text)


def press(driver, *keys):
    from selenium.webdriver.common.action_chains import ActionChains

    actions = ActionChains(driver)
    for key in keys:
        actions.send_keys(key)
    actions.perform()


def paste(driver, text: str):
    """What the browser does on Ctrl+V with ``text`` on the clipboard."""
    driver.execute_script(
        """
        const data = new DataTransfer();
        data.setData("text/plain", arguments[0]);
        document.activeElement.dispatchEvent(
            new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
        """,
        text,
    )


# What a browser does when a file from the desktop is dropped on the text (or pasted into it).
DROP_FILE = """
const [bytes, name, type, how] = arguments;
const file = new File([Uint8Array.from(atob(bytes), (c) => c.charCodeAt(0))], name, {type});
const data = new DataTransfer();
data.items.add(file);
const target = document.querySelector('.prose-editor [contenteditable="true"] p');
const box = target.getBoundingClientRect();
const event = how === "drop"
  ? new DragEvent("drop", {dataTransfer: data, clientX: box.right - 2, clientY: box.top + box.height / 2,
                           bubbles: true, cancelable: true})
  : new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true});
target.dispatchEvent(event);
return event.defaultPrevented;
"""


def drop_file(driver, data: bytes, name: str, content_type: str, how: str = "drop") -> bool:
    """Drop (or paste) a file on the body's first paragraph; whether the editor took the event."""
    import base64

    return driver.execute_script(DROP_FILE, base64.b64encode(data).decode(), name, content_type, how)


def body_value(driver) -> str:
    """What the form would send as the body: the editor's HTML in its hidden field."""
    return driver.execute_script("return document.querySelector('#id_body').value")


def wait_until(driver, condition, timeout: float = 10):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(condition)


def click_tool(driver, name: str):
    """A toolbar button, or an entry of the block-type menu (opened first)."""
    from selenium.webdriver.common.by import By

    selector = f'.prose-menubar__group button[data-name="{name}"]'
    # Asked with a script: find_elements would wait out the implicit wait for a menu entry.
    if driver.execute_script("return !!document.querySelector(arguments[0])", selector):
        driver.find_element(By.CSS_SELECTOR, selector).click()
        return
    driver.find_element(By.CSS_SELECTOR, ".prose-menubar__selected").click()
    wait_for(driver, f'.prose-menubar__option[data-name="{name}"]').click()


def back_in_the_editor(driver):
    """Wait for a dialog to close and the cursor to be back in the text: keys typed before would be lost."""
    wait_until(
        driver,
        lambda d: (
            not present(d, "dialog[open]")
            and d.execute_script("return !!document.activeElement?.closest?.('.prose-editor')")
        ),
    )


def fill_dialog(driver, text: str):
    """Type into the open dialog's only text field and confirm; wait until the cursor is back in the text."""
    from selenium.webdriver.common.by import By

    dialog = wait_for(driver, "dialog[open]")
    field = dialog.find_element(By.CSS_SELECTOR, "input[type=text]")
    field.clear()
    field.send_keys(text)
    dialog.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    back_in_the_editor(driver)
