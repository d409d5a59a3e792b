"""Real-browser tests: Playwright for Python driving Debian's Chromium (/usr/bin/chromium).

Playwright's own browser download does not work offline, Debian's Chromium does; `make test`
installs it when missing, and axe-core (package.json) for the accessibility checks. On CI a
missing browser or axe-core fails the run instead of skipping."""

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import PASSWORD, translated
from tests.web.conftest import enrol, make_event, make_participant, organizer  # noqa: F401

SCREENSHOTS = Path(__file__).parent / "screenshots"
AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# The rules of WCAG 2.0 and 2.1, levels A and AA (colour contrast among them), and axe's best
# practices (landmarks, heading order).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BROWSER_LOCALES = {"en": "en-GB", "de": "de-DE", "fr": "fr-FR"}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def missing(message: str):
    """Skip the test, or fail it on CI, where every browser test must run."""
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser():
    chromium = shutil.which("chromium")
    if chromium is None:
        missing("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True, "SERVER_NAME": None, "JOBS": "thread"}  # as in production


class CommittingApp:
    """Commits what the test wrote through services before the server answers a page the
    browser navigates to (services never commit; in the app, each request does).

    Only navigations commit: the test thread starts them (goto, click, submit) and waits inside
    Playwright, so its session is idle then. Images, scripts and fetches may still arrive while
    the test works on its session again; committing there would race it."""

    def __init__(self, app, test_session):
        self.app, self.test_session = app, test_session
        self.lock = threading.Lock()  # the server answers several requests at once

    def __call__(self, environ, start_response):
        if environ.get("HTTP_SEC_FETCH_MODE") == "navigate":
            with self.lock:
                if self.test_session.info.pop("wrote", False):
                    self.test_session.commit()
        return self.app(environ, start_response)


@pytest.fixture
def live_server(app):
    from matchmaker.extensions import db

    server = make_server("127.0.0.1", 0, CommittingApp(app, db.session()), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def lang() -> str:
    """The language the test expects the pages in; journeys parametrise it."""
    return "en"


PHONE = {"width": 360, "height": 740}


def new_context(browser, lang="en", viewport=None, **options):
    """A fresh browser profile (cookies of its own) speaking ``lang``; a desktop window unless
    ``viewport`` says otherwise (PHONE). It prefers reduced motion, so Bootstrap's transitions are
    off: axe and screenshots see a settled page, not a button halfway into its hover colours."""
    options.setdefault("reduced_motion", "reduce")
    return browser.new_context(locale=BROWSER_LOCALES[lang],
                               viewport=viewport or {"width": 1280, "height": 900}, **options)


@pytest.fixture
def browser_lang(lang) -> str:
    """The browser's Accept-Language: the page's language unless a test sets it apart."""
    return lang


@pytest.fixture
def page(browser, browser_lang):
    context = new_context(browser, browser_lang, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(page, request, backend, lang):
    """``screenshot(name)`` saves the page (or ``of=`` another one) to SCREENSHOTS."""
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(name: str, of=None) -> Path:
        path = SCREENSHOTS / f"{request.node.originalname}-{backend}-{lang}-{name}.png"
        (of or page).screenshot(path=str(path), full_page=True)
        return path

    return take


def log_in(page, live_server, email, lang="en"):
    page.goto(live_server + "/auth/login")
    page.get_by_label(translated(lang, "Email")).fill(email)
    page.get_by_label(translated(lang, "Password")).fill(PASSWORD)
    page.get_by_role("button", name=translated(lang, "Log in")).click()
    page.wait_for_url(live_server + "/")


@pytest.fixture
def axe(page, live_server):
    """``axe(page)`` runs axe-core on the page and returns its violations of AXE_TAGS as text.

    The script comes from node_modules/ (`make test` runs `npm ci`), served at a same-origin
    URL by Playwright's router. An inlined script would need bypass_csp; this way the app's
    CSP ("script-src 'self'") stays on, as for real users.
    """
    if not AXE_SCRIPT.exists():
        missing("axe-core is not installed (npm ci --no-audit --no-fund)")
    url = live_server + "/__axe-core__.js"
    page.context.route(url, lambda route: route.fulfill(path=AXE_SCRIPT,
                                                        content_type="text/javascript"))

    def run(checked_page) -> list[str]:
        checked_page.add_script_tag(url=url)
        results = checked_page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
        return [f"{violation['id']} ({violation['impact']}): {violation['help']} at "
                + ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
                for violation in results["violations"]]

    return run
