"""Two-factor login (TOTP) for organizers and admins."""

import re
import time

import pyotp
import pytest

from matchmaker.auth import twofactor
from tests.conftest import PASSWORD


class Clock:
    """The time two-factor checks see; a test moves it by whole 30-second steps."""

    def __init__(self):
        self.now = float(int(time.time()) // 30 * 30 + 5)

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(twofactor, "clock", fake)
    return fake


def code_for(secret: str, clock: Clock, steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(clock.now + 30 * steps)


@pytest.fixture
def organizer_with_2fa(client, auth, make_user, db, clock):
    user = make_user("org@example.com", role="organizer")
    auth.login("org@example.com")
    page = client.get("/auth/two-factor/setup").get_data(as_text=True)
    secret = re.search(r'<code class="user-select-all">([A-Z2-7]+)</code>', page).group(1)
    assert "<svg" in page  # the QR code, inline
    response = client.post("/auth/two-factor/setup", data={"code": code_for(secret, clock)})
    assert response.status_code == 302
    auth.logout()
    db.session.refresh(user)
    return user, secret


def test_setup_refuses_a_wrong_code(client, auth, make_user, db):
    user = make_user("org@example.com", role="organizer")
    auth.login("org@example.com")
    client.get("/auth/two-factor/setup")
    response = client.post("/auth/two-factor/setup", data={"code": "000000"})
    assert response.status_code == 400
    assert b"That code is not right" in response.data
    db.session.refresh(user)
    assert user.totp_secret is None


def test_login_then_asks_for_the_code(client, auth, organizer_with_2fa, clock):
    _user, secret = organizer_with_2fa
    response = auth.login("org@example.com")
    assert "/auth/two-factor" in response.headers["Location"]
    assert client.get("/auth/password").status_code == 302  # not logged in yet
    wrong = client.post("/auth/two-factor", data={"code": "123456"})
    assert wrong.status_code == 400
    clock.now += 30
    right = client.post("/auth/two-factor", data={"code": code_for(secret, clock)})
    assert right.status_code == 302
    assert client.get("/auth/password").status_code == 200


def test_a_code_works_only_once(client, auth, organizer_with_2fa, clock):
    _user, secret = organizer_with_2fa
    clock.now += 30  # the setup used the current step
    code = code_for(secret, clock)
    auth.login("org@example.com")
    assert client.post("/auth/two-factor", data={"code": code}).status_code == 302
    auth.logout()
    auth.login("org@example.com")
    assert client.post("/auth/two-factor", data={"code": code}).status_code == 400


def test_the_code_page_needs_the_password_first(client):
    response = client.post("/auth/two-factor", data={"code": "123456"})
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_password_reset_does_not_skip_the_second_factor(client, organizer_with_2fa, outbox):
    client.post("/auth/forgot", data={"email": "org@example.com"})
    path = outbox.last_link().split("localhost", 1)[1]
    new = "a brand new organizer passphrase"
    response = client.post(path, data={"password": new, "confirm": new})
    assert "/auth/login" in response.headers["Location"]
    assert client.get("/auth/password").status_code == 302


def test_turning_it_off_needs_password_and_code(client, auth, organizer_with_2fa, db, clock):
    user, secret = organizer_with_2fa
    auth.login("org@example.com")
    clock.now += 30
    client.post("/auth/two-factor", data={"code": code_for(secret, clock)})
    clock.now += 30
    refused = client.post("/auth/two-factor/disable",
                          data={"password": "wrong password here",
                                "code": code_for(secret, clock)})
    assert refused.status_code == 400
    db.session.refresh(user)
    assert user.totp_secret is not None
    ok = client.post("/auth/two-factor/disable",
                     data={"password": PASSWORD, "code": code_for(secret, clock)})
    assert ok.status_code == 302
    db.session.refresh(user)
    assert user.totp_secret is None


def test_participants_cannot_turn_it_on(client, auth, make_user):
    make_user()
    auth.login()
    assert client.get("/auth/two-factor/setup").status_code == 404
