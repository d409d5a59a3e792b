"""A walk over every route of ``app.url_map`` (ASVS V4 access control, V13 CSRF):

- anonymous visitors reach only the public pages; everything else sends them to the login;
- every state-changing route refuses GET and refuses a POST without a CSRF token;
- organizer and admin pages refuse participants;
- event-scoped staff routes (``access.event_staff``) form a route × role matrix: owner,
  co-organizer, vetter, the organizer of another event, a participant, an admin;
- a participant never reaches another event's or another company's objects by id (IDOR).

New routes are covered automatically: a route that should be public must be listed here."""

from __future__ import annotations

import pytest
from werkzeug.routing import IntegerConverter

from matchmaker.models import RegistrationStatus

PUBLIC_ENDPOINTS = {
    "static", "bootstrap.static", "main.index", "main.health", "main.set_language",
    "auth.login", "auth.register", "auth.forgot_password", "auth.reset_password",
    # An emailed invitation: the secret token in the URL is the credential (single use).
    "teams.accept",
    # A co-organizer's recruiting link: remembers itself in the session and goes to the event
    # (which asks for the login); it shows nothing.
    "teams.join",
    # The phone app's manifest and service worker: fetched without cookies, nothing private.
    "pwa.manifest", "pwa.service_worker",
}
# Calendar subscriptions are opened by calendar apps: a secret token in the URL, no login.
# Follow-up survey links (/survey/<event>/<signed token>) are opened from an email without
# logging in: the token names one invitation; anything else answers 404 (tests/web/test_survey.py).
PUBLIC_PREFIXES = ("/calendar/", "/survey/")
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


def required_capability(app, rule):
    """The capability an ``event_staff`` route needs, or None for other routes."""
    return getattr(app.view_functions[rule.endpoint], "required_capability", None)


def test_participants_cannot_open_staff_pages(app, client, world):
    """Global staff pages refuse them (403); an event's staff pages do not exist for them
    (404): they are not on its team."""
    client.post("/auth/login", data={"email": "visitor@example.com",
                                     "password": "correct horse battery staple 42"})
    values = {"event_id": world["own_event"].id, "company_id": world["own"].id}
    problems = []
    for rule in app_routes(app):
        if not rule.rule.startswith(STAFF_PREFIXES):
            continue
        expected = 404 if required_capability(app, rule) else 403
        for method in methods(rule):
            status = client.open(build(rule, values), method=method).status_code
            if status != expected:
                problems.append(f"{method} {rule.rule} → {status}")
    assert problems == []


def test_every_event_scoped_staff_route_is_guarded_by_its_team(app):
    """Every staff route with an event id in its URL names the capability it needs."""
    unguarded = [rule.rule for rule in app_routes(app)
                 if rule.rule.startswith(STAFF_PREFIXES) and "event_id" in rule.arguments
                 and required_capability(app, rule) is None]
    assert unguarded == []


@pytest.fixture
def team_world(db, make_event, make_user, make_participant):
    """Event A with its owner (the ``organizer`` fixture), a co-organizer and a vetter; event B
    run by another organizer only; a participant approved in A."""
    from matchmaker.models import EventMember, TeamRole

    event_a = make_event(name="Event A")
    event_b = make_event(name="Event B")
    other = make_user("other-organizer@example.com", role="organizer", name="Otto Other")
    co = make_user("co@example.com", name="Cora Co")
    vetter = make_user("vetter@example.com", name="Vera Vetter")
    for event, user, role in ((event_a, co, TeamRole.CO_ORGANIZER),
                              (event_a, vetter, TeamRole.VETTER),
                              (event_b, other, TeamRole.OWNER)):
        db.session.add(EventMember(event_id=event.id, user_id=user.id, role=role.value,
                                   countries=[], group_ids=[]))
    db.session.flush()
    _, company = make_participant("visitor", event_a)
    return dict(event=event_a, company=company)


# role → the capabilities it has in event A (None: not on its team at all → 404)
ROLE_MATRIX = {
    "organizer@example.com": {"VET", "MANAGE", "TEAM"},  # the owner
    "co@example.com": {"VET", "MANAGE"},
    "vetter@example.com": {"VET"},
    "other-organizer@example.com": None,
    "visitor@example.com": None,
}


@pytest.mark.parametrize("email", list(ROLE_MATRIX))
def test_event_staff_route_role_matrix(app, client, team_world, email):
    """Each role reaches exactly the event-scoped staff routes its capabilities allow: 403 for
    a capability it lacks, 404 when not on the team; never a 5xx."""
    client.post("/auth/login", data={"email": email,
                                     "password": "correct horse battery staple 42"})
    allowed = ROLE_MATRIX[email]
    values = {"event_id": team_world["event"].id, "company_id": team_world["company"].id}
    problems, probed = [], 0
    for rule in app_routes(app):
        capability = required_capability(app, rule)
        if capability is None:
            continue
        for method in methods(rule):
            probed += 1
            status = client.open(build(rule, values), method=method).status_code
            if allowed is None:
                ok = status == 404
            elif capability.name in allowed:
                # other ids in the URL name nothing (404) and bare POSTs may be refused (400)
                ok = status < 500 and status != 403 and (
                    status != 404 or set(rule.arguments) != {"event_id"})
            else:
                ok = status == 403
            if not ok:
                problems.append(f"{method} {rule.rule} ({capability.name}) → {status}")
    assert probed > 50
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
