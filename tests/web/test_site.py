"""Layout, languages, error pages and security headers."""

import pytest
from sqlalchemy.exc import OperationalError

from tests.conftest import PASSWORD


def test_home_page_for_visitors(client):
    page = client.get("/")
    assert page.status_code == 200
    assert b"Register your company" in page.data


def test_bootstrap_is_served_locally(client):
    page = client.get("/").data.decode()
    assert "cdn" not in page.lower()
    assert "/bootstrap/static/css/bootstrap.min.css" in page
    assert client.get("/bootstrap/static/css/bootstrap.min.css").status_code == 200
    assert client.get("/static/js/app.js").status_code == 200


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_no_inline_script_in_pages(client, auth, make_user):
    make_user()
    auth.login()
    for path in ("/", "/companies/new", "/auth/password"):
        page = client.get(path).data.decode()
        assert "<script>" not in page and "onclick=" not in page, path


def test_logged_in_pages_are_not_cached(client, auth, make_user):
    make_user()
    auth.login()
    assert client.get("/").headers["Cache-Control"] == "no-store"


def test_session_cookie_flags(client, auth, make_user):
    make_user()
    response = auth.login()
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


@pytest.mark.parametrize(("lang", "text"), [("de", "Anmelden"), ("fr", "Se connecter")])
def test_browser_language_is_the_default(client, lang, text):
    page = client.get("/auth/login", headers={"Accept-Language": f"{lang},en;q=0.5"})
    assert text.encode() in page.data
    assert f'lang="{lang}"'.encode() in page.data


def test_language_switcher_remembers_the_choice(client, auth, make_user, db):
    user = make_user()
    response = client.post("/language?next=/auth/login", data={"lang": "fr"})
    assert response.headers["Location"] == "/auth/login"
    assert "Se connecter" in client.get("/auth/login").get_data(as_text=True)
    auth.login()
    client.post("/language", data={"lang": "de"})
    db.session.refresh(user)
    assert user.locale == "de"


def test_unknown_language_is_a_400(client):
    assert client.post("/language", data={"lang": "xx"}).status_code == 400


def test_friendly_404_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert b"Page not found" in response.data
    assert b"Back to the start page" in response.data


def test_get_on_a_post_only_route_is_405(client):
    assert client.get("/auth/logout").status_code == 405


@pytest.fixture
def csrf_client(app):
    app.config["WTF_CSRF_ENABLED"] = True
    return app.test_client()


def test_forms_refuse_a_post_without_csrf_token(csrf_client, make_user):
    make_user()
    response = csrf_client.post("/auth/login",
                                data={"email": "user@example.com", "password": PASSWORD})
    assert response.status_code == 400
    assert b"form has expired" in response.data


def test_every_form_page_carries_a_csrf_token(csrf_client):
    for path in ("/auth/login", "/auth/register", "/auth/forgot"):
        assert b'name="csrf_token"' in csrf_client.get(path).data, path


def test_health_endpoint(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "redis": "not used"}


def test_health_endpoint_reports_a_lost_database(client, db, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", refuse)
    assert client.get("/healthz").status_code == 503


def test_flash_messages_never_render_as_html(app, client, auth, make_user):
    from flask import flash
    from flask_babel import lazy_gettext

    @app.route("/test-flash")
    def flash_lazy():
        flash(lazy_gettext("Hello %(name)s", name="<b>Mallory</b>"), "info")
        return "ok"

    make_user()
    auth.login()
    client.get("/test-flash")
    page = client.get("/").get_data(as_text=True)
    assert "&lt;b&gt;Mallory&lt;/b&gt;" in page
    assert "<b>Mallory</b>" not in page


def test_a_page_fetched_in_the_background_leaves_the_flash_for_the_next_page(app, client):
    # The service worker keeps pages for offline use while the person moves on: its fetches
    # must not take the message the next page is to show ("This invitation link is used").
    from flask import flash

    @app.route("/test-flash")
    def flash_once():
        flash("The invitation link is used.", "warning")
        return "ok"

    client.get("/test-flash")
    background = client.get("/", headers={"Sec-Fetch-Mode": "cors"}).get_data(as_text=True)
    assert "The invitation link is used." not in background
    shown = client.get("/", headers={"Sec-Fetch-Mode": "navigate"}).get_data(as_text=True)
    assert "The invitation link is used." in shown
    assert "The invitation link is used." not in client.get("/").get_data(as_text=True)


def test_the_answer_to_an_action_sent_by_script_shows_its_flash(app, client):
    # The outbox posts by fetch and reads the refusal from the page it gets back.
    from flask import flash, render_template

    @app.route("/test-refuse", methods=["POST"])
    def refuse():
        flash("The meeting has not begun.", "danger")
        return render_template("main/index.html"), 409

    app.config["WTF_CSRF_ENABLED"] = False
    answer = client.post("/test-refuse", headers={"Sec-Fetch-Mode": "cors"})
    assert "The meeting has not begun." in answer.get_data(as_text=True)
    assert "The meeting has not begun." not in client.get("/").get_data(as_text=True)
