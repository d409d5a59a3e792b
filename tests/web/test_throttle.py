"""Login and password-reset throttling: failures count, successes never; a stranger cannot lock
the owner out; unknown emails are answered like known ones; behind trusted proxies the client
address comes from X-Forwarded-For."""

import pytest

from tests.conftest import PASSWORD

OWNER = "user@example.com"
WRONG = "wrong password here"

# Small ceilings so the tests stay short; the defaults are in matchmaker/config.py.
LIMITS = {
    "RATELIMIT_ENABLED": True,
    "LOGIN_RATE_LIMIT": "3 per hour",
    "LOGIN_ACCOUNT_RATE_LIMIT": "6 per hour",
    "LOGIN_ADDRESS_RATE_LIMIT": "12 per hour",
    "PASSWORD_RESET_RATE_LIMIT": "2 per hour",
    "JOBS": "sync",  # the owner's notice is a background job
}


@pytest.fixture
def app_config():
    return LIMITS


def login(client, email=OWNER, password=WRONG, address="10.0.0.1", **headers):
    return client.post("/auth/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address}, headers=headers).status_code


def test_200_correct_logins_from_one_address_all_succeed(client, make_user):
    make_user()
    for _ in range(200):
        assert login(client, password=PASSWORD) == 302
        client.post("/auth/logout")


def test_wrong_passwords_from_one_address_trip_the_limit_for_that_account_only(client,
                                                                               make_user):
    make_user()
    make_user("colleague@example.com")
    assert [login(client) for _ in range(4)] == [400, 400, 400, 429]
    assert login(client, password=PASSWORD) == 429  # even the right one, from there
    assert login(client, email="colleague@example.com", password=PASSWORD) == 302


def test_a_strangers_wrong_passwords_do_not_lock_the_owner_out(app, make_user):
    make_user()
    stranger, owner = app.test_client(), app.test_client()
    statuses = [login(stranger, address="203.0.113.66") for _ in range(5)]
    assert statuses[-1] == 429
    assert login(owner, password=PASSWORD, address="198.51.100.7") == 302


def test_the_account_ceiling_stops_many_addresses_spares_known_browsers_and_tells_the_owner(
        app, make_user, outbox):
    make_user()
    known = app.test_client()
    assert login(known, password=PASSWORD) == 302  # this browser now carries a device cookie
    known.post("/auth/logout")
    stranger = app.test_client()
    statuses = [login(stranger, address=f"203.0.113.{i}") for i in range(8)]
    assert statuses == [400] * 6 + [429, 429]
    notices = [m for m in outbox.emails() if "failed logins" in m["Subject"]]
    assert len(notices) == 1 and notices[0]["To"] == OWNER  # once, however many tries follow
    assert "/auth/forgot" in notices[0].get_body().get_content()
    assert login(app.test_client(), password=PASSWORD, address="198.51.100.7") == 429
    assert login(known, password=PASSWORD, address="198.51.100.7") == 302


def test_a_password_reset_lets_the_owner_in_from_a_new_browser_during_a_lock(app, make_user,
                                                                           outbox):
    make_user()
    stranger = app.test_client()
    for i in range(6):
        login(stranger, address=f"203.0.113.{i}")
    owner = app.test_client()
    assert login(owner, password=PASSWORD, address="198.51.100.7") == 429
    owner.post("/auth/forgot", data={"email": OWNER})
    link = outbox.last_link()
    new_password = "a brand new passphrase 2026"
    owner.post(link, data={"password": new_password, "confirm": new_password})
    owner.post("/auth/logout")
    assert login(owner, password=new_password, address="198.51.100.7") == 302


def test_a_forged_device_cookie_does_not_lift_the_account_ceiling(app, make_user):
    make_user()
    stranger = app.test_client()
    for i in range(6):
        login(stranger, address=f"203.0.113.{i}")
    stranger.set_cookie("login_device", "forged", path="/auth")
    assert login(stranger, password=PASSWORD, address="198.51.100.7") == 429


def test_one_address_guessing_many_accounts_hits_the_address_ceiling(client):
    statuses = [login(client, email=f"person{i}@example.com") for i in range(13)]
    assert statuses == [400] * 12 + [429]
    assert login(client, email="someone@example.com", address="10.0.0.2") == 400


def test_unknown_emails_are_answered_like_known_ones(app, make_user, outbox):
    make_user()
    known = [login(app.test_client(), address="10.0.0.1") for _ in range(4)]
    unknown = [login(app.test_client(), email="nobody@example.com", address="10.0.0.2")
               for _ in range(4)]
    assert known == unknown == [400, 400, 400, 429]
    for i in range(8):  # the account ceiling of an unknown email trips silently
        login(app.test_client(), email="nobody@example.com", address=f"203.0.113.{i}")
    assert outbox.emails() == []


def reset(client, email=OWNER, address="10.0.0.1"):
    return client.post("/auth/forgot", data={"email": email},
                       environ_base={"REMOTE_ADDR": address}).status_code


def test_password_reset_requests_are_throttled_per_email(client, make_user, outbox):
    make_user()
    assert [reset(client) for _ in range(3)] == [302, 302, 429]
    assert [reset(client, email="nobody@example.com") for _ in range(3)] == [302, 302, 429]
    assert len(outbox.emails()) == 2  # the owner already holds a working link
    assert reset(client, email="other@example.com") == 302


def test_password_reset_requests_hit_the_address_ceiling(client):
    statuses = [reset(client, email=f"person{i}@example.com") for i in range(13)]
    assert statuses == [302] * 12 + [429]


PROXIED = {**LIMITS, "TRUSTED_PROXIES": 1}


@pytest.mark.parametrize("app_config", [PROXIED], ids=["one trusted proxy"])
def test_behind_a_trusted_proxy_each_client_address_counts_apart(app, make_user):
    make_user()
    proxy = "127.0.0.1"
    first = [login(app.test_client(), address=proxy, **{"X-Forwarded-For": "198.51.100.1"})
             for _ in range(4)]
    assert first[-1] == 429
    assert login(app.test_client(), address=proxy, **{"X-Forwarded-For": "198.51.100.2"}) == 400
    # The client may add addresses of its own; only the one the proxy appended is believed.
    forged = "198.51.100.2, 198.51.100.1"
    assert login(app.test_client(), address=proxy, **{"X-Forwarded-For": forged}) == 429


def test_without_trusted_proxies_x_forwarded_for_is_ignored(app, make_user):
    make_user()
    for i in range(3):
        login(app.test_client(), **{"X-Forwarded-For": f"198.51.100.{i}"})
    assert login(app.test_client(), **{"X-Forwarded-For": "198.51.100.99"}) == 429


@pytest.mark.parametrize("app_config", [PROXIED], ids=["one trusted proxy"])
def test_the_audit_log_records_the_forwarded_client_address(app, db, make_user):
    from matchmaker.models import AuditEntry

    make_user()
    login(app.test_client(), address="127.0.0.1", **{"X-Forwarded-For": "198.51.100.5"})
    entry = db.session.scalar(db.select(AuditEntry).filter_by(action="login_failed"))
    assert entry.ip == "198.51.100.5"


def test_wrong_two_factor_codes_are_throttled_and_right_ones_are_not(app, db, make_user):
    import pyotp

    user = make_user("org@example.com", role="organizer")
    user.totp_secret = pyotp.random_base32()
    db.session.commit()
    client = app.test_client()

    def code(value):
        assert login(client, email="org@example.com", password=PASSWORD) == 302
        return client.post("/auth/two-factor", data={"code": value}).status_code

    totp = pyotp.TOTP(user.totp_secret)
    assert code(totp.now()) == 302  # a success does not count
    client.post("/auth/logout")
    wrong = next(c for c in ("000000", "111111") if not totp.verify(c, valid_window=2))
    assert [code(wrong) for _ in range(4)] == [400, 400, 400, 429]
