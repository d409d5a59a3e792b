import pytest

from matchmaker.models import User
from tests.conftest import PASSWORD


def register(client, **overrides):
    data = {"name": "Anna Schmidt", "email": "anna@firma.example", "password": PASSWORD,
            "confirm": PASSWORD, **overrides}
    return client.post("/auth/register", data=data)


def test_register_logs_in_and_asks_for_a_profile(client, db):
    response = register(client)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/companies/new")
    user = db.session.scalar(db.select(User))
    assert user.email == "anna@firma.example"
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    assert client.get("/").status_code == 200
    assert b"Anna Schmidt" in client.get("/").data


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"password": "short", "confirm": "short"}, b"at least 12 characters"),
        ({"password": "password1234", "confirm": "password1234"}, b"too common"),
        ({"password": "aaaaaaaaaaaa", "confirm": "aaaaaaaaaaaa"}, b"too common"),
        ({"confirm": "something else entirely"}, b"The passwords differ"),
        ({"email": "not-an-email"}, b"Invalid email address"),
        ({"name": ""}, b"This field is required"),
    ],
)
def test_register_refuses_bad_input_and_keeps_what_was_typed(client, db, overrides, message):
    response = register(client, **overrides)
    assert response.status_code == 400
    assert message in response.data
    if overrides.get("name", "x"):
        assert b'value="Anna Schmidt"' in response.data
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0


def test_register_twice_with_one_email_is_refused(client, make_user):
    make_user(email="anna@firma.example")
    response = register(client, email="Anna@Firma.example")
    assert response.status_code == 400
    assert b"exists already" in response.data


def test_login_and_logout(client, auth, make_user):
    make_user()
    response = auth.login()
    assert response.status_code == 302
    assert b"Log out" in client.get("/").data
    auth.logout()
    assert b"Log out" not in client.get("/").data


def test_login_wrong_password_says_nothing_about_the_account(client, auth, make_user):
    make_user()
    wrong_password = auth.login(password="wrong password here")
    unknown_user = auth.login(email="nobody@example.com", password="wrong password here")
    assert wrong_password.status_code == unknown_user.status_code == 400
    assert b"Email or password is not correct" in wrong_password.data
    assert b"Email or password is not correct" in unknown_user.data


def test_login_follows_only_safe_next(client, make_user):
    make_user()
    data = {"email": "user@example.com", "password": PASSWORD}
    ok = client.post("/auth/login?next=/companies/new", data=data)
    assert ok.headers["Location"] == "/companies/new"
    client.post("/auth/logout")
    for evil in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.post("/auth/login", query_string={"next": evil}, data=data)
        assert response.headers["Location"] == "/", evil
        client.post("/auth/logout")


def test_logout_revokes_a_copied_session_cookie(app, client, auth, make_user):
    make_user()
    auth.login()
    cookie = client.get_cookie("session").value
    auth.logout()
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    assert thief.get("/auth/password").status_code == 302  # back to the login page


def test_change_password_asks_the_current_one(client, auth, make_user, db):
    user = make_user()
    auth.login()
    new = "a completely different passphrase"
    wrong = client.post("/auth/password", data={
        "current_password": "not my password", "password": new, "confirm": new})
    assert wrong.status_code == 400
    assert b"current password is not correct" in wrong.data
    right = client.post("/auth/password", data={
        "current_password": PASSWORD, "password": new, "confirm": new})
    assert right.status_code == 302
    assert client.get("/auth/password").status_code == 200  # this browser stays logged in
    auth.logout()
    assert auth.login(password=PASSWORD).status_code == 400
    assert auth.login(password=new).status_code == 302
    db.session.refresh(user)


def test_change_password_logs_out_other_devices(app, client, auth, make_user):
    make_user()
    auth.login()
    other = app.test_client()
    other.post("/auth/login", data={"email": "user@example.com", "password": PASSWORD})
    new = "a completely different passphrase"
    client.post("/auth/password", data={"current_password": PASSWORD, "password": new,
                                        "confirm": new})
    assert other.get("/auth/password").status_code == 302


def test_password_reset_by_email_is_single_use(client, auth, make_user, outbox):
    make_user()
    response = client.post("/auth/forgot", data={"email": "user@example.com"})
    assert response.status_code == 302
    link = outbox.last_link()
    path = link.split("localhost", 1)[1]
    assert client.get(path).status_code == 200
    new = "my brand new long passphrase"
    assert client.post(path, data={"password": new, "confirm": new}).status_code == 302
    auth.logout()
    assert auth.login(password=new).status_code == 302
    auth.logout()
    reused = client.get(path)
    assert reused.status_code == 302
    assert "/auth/forgot" in reused.headers["Location"]


def test_password_reset_for_unknown_email_looks_the_same(client, outbox):
    response = client.post("/auth/forgot", data={"email": "nobody@example.com"})
    assert response.status_code == 302
    assert outbox.messages() == []


def test_password_reset_link_expires(app, client, make_user, outbox):
    make_user()
    client.post("/auth/forgot", data={"email": "user@example.com"})
    path = outbox.last_link().split("localhost", 1)[1]
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    assert client.get(path).status_code == 302


def test_tampered_reset_token_is_refused(client):
    response = client.get("/auth/reset/not-a-real-token")
    assert response.status_code == 302
    assert "/auth/forgot" in response.headers["Location"]


def test_reset_email_is_in_the_users_language(client, make_user, outbox):
    make_user(locale="de")
    client.post("/auth/forgot", data={"email": "user@example.com"})
    assert "Passwort" in outbox.messages()[-1]


def _age_session(client, **offsets):
    with client.session_transaction() as session:
        for key, seconds in offsets.items():
            session[key] -= seconds


def test_idle_session_times_out(client, auth, make_user):
    make_user()
    auth.login()
    _age_session(client, seen_at=29 * 60)
    assert client.get("/auth/password").status_code == 200  # 29 minutes idle: still in
    _age_session(client, seen_at=31 * 60)
    response = client.get("/auth/password")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]
    assert client.get("/auth/password").status_code == 302  # and stays logged out


def test_session_has_an_absolute_lifetime(client, auth, make_user):
    make_user()
    auth.login()
    _age_session(client, auth_at=8 * 3600 + 1)
    assert client.get("/auth/password").status_code == 302


def test_login_starts_a_fresh_session(client, auth, make_user):
    make_user()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    auth.login()
    with client.session_transaction() as session:
        assert "planted" not in session


def test_background_reads_leave_the_session_cookie_alone(client, auth, make_user):
    # A page the service worker reads while the person moves on must not answer with the
    # session it began with: that would undo what the person's next page wrote (a flash).
    make_user()
    auth.login()
    client.get("/auth/password")  # the first page after login (it holds the CSRF token)
    _age_session(client, seen_at=5 * 60)
    background = client.get("/auth/password", headers={"Sec-Fetch-Mode": "cors"})
    assert background.status_code == 200 and "Set-Cookie" not in background.headers
    opened = client.get("/auth/password", headers={"Sec-Fetch-Mode": "navigate"})
    assert "Set-Cookie" in opened.headers  # the person is active: the idle clock restarts
    again = client.get("/auth/password", headers={"Sec-Fetch-Mode": "navigate"})
    assert "Set-Cookie" not in again.headers  # within the minute: nothing to write
