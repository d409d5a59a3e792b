"""A walk over every route of ``app.url_map`` (ASVS V4 access control, V13 CSRF):

- anonymous visitors reach only the public pages; everything else sends them to the login;
- every state-changing route refuses GET and refuses a POST without a CSRF token;
- organizer and admin pages refuse participants;
- a participant never reaches another event's or another company's objects by id (IDOR).

New routes are covered automatically: a route that should be public must be listed here."""

from __future__ import annotations

import pytest
from werkzeug.routing import IntegerConverter

from matchmaker.models import RegistrationStatus

PUBLIC_ENDPOINTS = {
    "static", "bootstrap.static", "main.index", "main.health", "main.set_language",
    "auth.login", "auth.register", "auth.forgot_password", "auth.reset_password",
    # The phone app's manifest and service worker: fetched without cookies, nothing private.
    "pwa.manifest", "pwa.service_worker",
}
# Calendar subscriptions are opened by calendar apps: a secret token in the URL, no login.
PUBLIC_PREFIXES = ("/calendar/",)
# Any logged-in user may see that an event exists and register for it.
OPEN_TO_EVERY_USER = {"events.index", "events.show", "events.register"}
STAFF_PREFIXES = ("/organizer", "/admin")


def app_routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in ("static", "bootstrap.static"):
            continue
        yield rule


def is_public(rule) -> bool:
    return rule.endpoint in PUBLIC_ENDPOINTS or rule.rule.startswith(PUBLIC_PREFIXES)


def build(rule, values: dict[str, object]) -> str:
    """A URL for ``rule`` with each argument taken from ``values`` (or a harmless default)."""
    args = {}
    for name in rule.arguments:
        numeric = isinstance(rule._converters[name], IntegerConverter)  # or a subclass
        default = 999_999 if numeric else "x"
        args[name] = values.get(name, default)
    return rule.build(args, append_unknown=False)[1]


def methods(rule) -> list[str]:
    return sorted(m for m in rule.methods if m in ("GET", "POST"))


def test_anonymous_visitors_reach_only_public_pages(app, client):
    problems = []
    for rule in app_routes(app):
        if is_public(rule):
            continue
        for method in methods(rule):
            response = client.open(build(rule, {}), method=method)
            if response.status_code != 302 or "/auth/login" not in response.headers["Location"]:
                problems.append(f"{method} {rule.rule} → {response.status_code}")
    assert problems == []


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True


def test_state_changes_need_post_and_a_csrf_token(app, client, make_user, csrf_on):
    make_user("admin@example.com", role="admin")
    login = client.get("/auth/login").get_data(as_text=True)
    token = login.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/auth/login", data={"email": "admin@example.com",
                                     "password": "correct horse battery staple 42",
                                     "csrf_token": token})
    problems = []
    for rule in app_routes(app):
        if "POST" not in rule.methods:
            continue
        url = build(rule, {})
        response = client.post(url)
        if response.status_code != 400:
            problems.append(f"POST {rule.rule} without token → {response.status_code}")
        if "GET" not in rule.methods and client.get(url).status_code != 405:
            problems.append(f"GET {rule.rule} should be 405")
    assert problems == []


@pytest.fixture
def world(make_event, make_participant, make_user, client):
    """Two events; the participant is approved in the first only; the second has its own
    companies, a request between them and notifications."""
    own_event = make_event(name="Own event")
    other_event = make_event(name="Other event")
    user, own = make_participant("visitor", own_event)
    _, stranger = make_participant("stranger", other_event)
    _, partner = make_participant("partner", other_event)
    _, hidden = make_participant("hidden", own_event, status=RegistrationStatus.PENDING)
    client.post("/auth/login", data={"email": "stranger@example.com",
                                     "password": "correct horse battery staple 42"})
    client.post(f"/events/{other_event.id}/companies/{partner.id}/request",
                data={"note": "Between two others."})
    client.post("/auth/logout")
    from matchmaker.extensions import db
    from matchmaker.models import Opportunity

    foreign_item = Opportunity(company=stranger, kind="offer", title="Not yours")
    db.session.add(foreign_item)
    db.session.flush()
    return dict(own_event=own_event, other_event=other_event, own=own, stranger=stranger,
                partner=partner, hidden=hidden, foreign_item=foreign_item)


def test_participants_cannot_open_staff_pages(app, client, world):
    client.post("/auth/login", data={"email": "visitor@example.com",
                                     "password": "correct horse battery staple 42"})
    values = {"event_id": world["own_event"].id, "company_id": world["own"].id}
    problems = []
    for rule in app_routes(app):
        if not rule.rule.startswith(STAFF_PREFIXES):
            continue
        for method in methods(rule):
            status = client.open(build(rule, values), method=method).status_code
            if status != 403:
                problems.append(f"{method} {rule.rule} → {status}")
    assert problems == []


def test_participants_cannot_reach_other_events_or_hidden_companies(app, client, db, world):
    from matchmaker.models import MeetingRequest, Notification

    client.post("/auth/login", data={"email": "visitor@example.com",
                                     "password": "correct horse battery staple 42"})
    foreign_request = db.session.scalar(db.select(MeetingRequest))
    foreign_notice = db.session.scalar(db.select(Notification))
    own_event, other_event = world["own_event"].id, world["other_event"].id
    foreign = {"request_id": foreign_request.id, "meeting_id": foreign_request.id,
               "notification_id": foreign_notice.id,
               "opportunity_id": world["foreign_item"].id}
    # (the URL's values, the arguments among them that point at something not the visitor's)
    probes = [
        ({"event_id": other_event, "company_id": world["stranger"].id}, {"event_id"}),
        ({"event_id": own_event, "company_id": world["hidden"].id}, {"company_id"}),
        ({"event_id": own_event, "company_id": world["stranger"].id}, {"company_id"}),
        ({"event_id": own_event, "company_id": world["own"].id, **foreign}, set(foreign)),
    ]
    problems, probed = [], 0
    for rule in app_routes(app):
        if is_public(rule) or rule.rule.startswith(STAFF_PREFIXES):
            continue
        if rule.endpoint in OPEN_TO_EVERY_USER:
            continue
        for values, foreign_keys in probes:
            if not foreign_keys & rule.arguments:
                continue
            url = build(rule, values)
            for method in methods(rule):
                probed += 1
                status = client.open(url, method=method).status_code
                if status not in (403, 404):
                    problems.append(f"{method} {url} ({rule.endpoint}) → {status}")
    assert probed > 30  # the walk really reached the event routes
    assert problems == []
