"""Hypothesis fuzzes every POST route of ``app.url_map`` (ASVS V5: input validation).

For each route the test logs in as someone the route is for, posts it once empty to learn
which forms the view validates (their fields, choices and validators), then posts random
values: unicode with control characters and NUL, huge strings, numbers out of range, bad
dates, wrong choices, missing and repeated fields. Whatever comes, the answer is never a 500,
and a refusal (a 4xx, or a redirect with an error message) leaves every table as it was.

New routes and forms are covered automatically; a route whose URL needs a value the world
below does not have fails loudly instead of being skipped. CSRF is off here as in the other
web tests; test_security_routes.py proves that every POST route refuses a missing token."""

from __future__ import annotations

import inspect
import io
import re
import tempfile
from datetime import date, time, timedelta
from pathlib import Path

import pyotp
import pytest
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from wtforms import fields as wtf
from wtforms.validators import URL, Email, Length, NumberRange, Optional, Regexp

from matchmaker.dashboard.reminders import KINDS
from matchmaker.events import groups
from matchmaker.exchange import services as exchange
from matchmaker.models import (
    AuditEntry,
    Contact,
    EventMember,
    Invitation,
    Notification,
    Opportunity,
    Registration,
    Role,
    SurveyInvitation,
    utcnow,
)
from matchmaker.schedule import edits, interpreters
from matchmaker.survey import links as survey_links
from matchmaker.survey import services as survey
from matchmaker.web import IdConverter
from tests.conftest import PASSWORD, make_app
from tests.web.test_schedule import agree, slot_at, table
from tests.web.test_security_routes import PUBLIC_ENDPOINTS, build

MAX_EXAMPLES = 20
FUZZ_SETTINGS = settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True,
                         database=None, suppress_health_check=list(HealthCheck))
STRONG_PASSWORD = "violet tractor sings 47 lullabies"
EVENT_DAY = date(2026, 11, 19)
# Who posts which route, where the view's decorators do not say it.
POSTERS = {
    "companies.create": "newcomer",  # a user with a company is sent to edit it instead
    "auth.two_factor": "half_logged_in",  # between the password and the code
    "auth.two_factor_disable": "guardian",  # an organizer with two-factor login on
    "auth.two_factor_setup": "organizer",
    "survey.answer": "anonymous",  # a personal link from an email, no login
}
NASTY = ["", " ", "\x00", "a\x00b", "\r\n\t", "\x1b[31m", "<script>alert(1)</script>",
         "' OR 1=1 --", "%s%(x)s{0}", "{{ 7*7 }}", "\u202eevil", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ✓ 漢字",
         "../../etc/passwd", "-1", "0", "1e309", "NaN", "-99999999999999999999999",
         "99999999999999999999999", "2026-02-30", "0000-00-00", "99999-12-31", "25:61",
         "24:00", "true", "None", "[]", "{}"]
MISSING = object()


def _post_endpoints() -> list[str]:
    """Every endpoint that takes a POST, read from a throwaway app's url_map."""
    folder = Path(tempfile.mkdtemp(prefix="fuzz-routes-"))
    app = make_app(f"sqlite:///{folder / 'routes.db'}", folder)
    return sorted(rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods)


POST_ENDPOINTS = _post_endpoints()


@pytest.fixture
def app_config():
    return {"JOBS": "sync"}  # schedule generation inline: no thread writes behind the test


# --- who posts, and where --------------------------------------------------------------------

def roles_of(view) -> tuple[str, ...]:
    """The roles a ``roles_required`` view admits; empty when any logged-in user may post."""
    while view is not None:
        roles = inspect.getclosurevars(view).nonlocals.get("roles")
        if roles:
            return roles
        view = getattr(view, "__wrapped__", None)
    return ()


def poster(app, endpoint: str) -> str:
    if endpoint in POSTERS:
        return POSTERS[endpoint]
    if endpoint in PUBLIC_ENDPOINTS:
        return "anonymous"
    if getattr(app.view_functions[endpoint], "required_capability", None) is not None:
        return "organizer"  # the event's owner (``access.event_staff``)
    roles = roles_of(app.view_functions[endpoint])
    if not roles:
        return "visitor"
    return "organizer" if Role.ORGANIZER in roles else "admin"


@pytest.fixture
def world(app, db, client, make_event, make_participant, make_user, organizer):
    """An event with the visitor's company, a partner with a pending request to it, a third
    company with an agreed meeting on the schedule, a programme item, an upload and one
    participant group that meets itself."""
    event = make_event(tables="T1-T3")
    visitor, own = make_participant("visitor", event)
    partner_user, partner = make_participant("partner", event, name="Partner SAS")
    _, third = make_participant("third", event, name="Third GmbH")
    make_user("admin@example.com", role="admin")
    make_user("newcomer@example.com")
    guardian = make_user("guardian@example.com", role="organizer")
    guardian.totp_secret = pyotp.random_base32()
    db.session.commit()
    _post_as(client, "partner", f"/events/{event.id}/companies/{own.id}/request",
             {"note": "Let us meet."})
    _post_as(client, "organizer", f"/organizer/events/{event.id}/program",
             {"title": "Dinner", "day": EVENT_DAY.isoformat(), "start": "21:00", "end": "22:00",
              "for_everyone": "y"})
    meeting = agree(event, own, third)
    edits.move(event, meeting, slot_at(event, "18:20"), table(event, "T1"))
    upload = exchange.store_upload(event, organizer, "companies.csv",
                                   b"company,country,email\nAcme SAS,FR,a@acme.example\n")
    group = groups.add_group(event, groups.GroupData("Everyone"), organizer)  # meets itself
    co = make_user("co@example.com", name="Cora Co")
    member = EventMember(event_id=event.id, user_id=co.id, role="co_organizer", countries=[],
                         group_ids=[])
    db.session.add(member)
    team_invitation = Invitation(token_hash="0" * 64, email="later@example.com", event_id=event.id,
                            role="vetter", invited_by_id=organizer.id,
                            expires_at=utcnow() + timedelta(days=7))
    db.session.add(team_invitation)
    db.session.commit()
    survey.send(event, date.today() + timedelta(days=60), "fuzz")  # the visitor met Third GmbH
    invitation = db.session.scalar(db.select(SurveyInvitation).filter_by(user_id=visitor.id))
    survey_token = survey_links.token_for(invitation)
    interpreter, _change = interpreters.save_interpreter(event, interpreters.InterpreterData(
        "Ines Dolmetsch", ["de", "fr"], [s.id for s in event.slots]), None, organizer, True)
    contact = Contact(event_id=event.id, owner_id=visitor.id, person_id=partner_user.id)
    db.session.add(contact)  # the visitor scanned the partner's badge
    offer = Opportunity(company=own, kind="offer", title="Anodising")
    db.session.add(offer)
    db.session.commit()
    notice = db.session.scalar(db.select(Notification).filter_by(user_id=visitor.id))
    values = {"group_id": group.id, "event_id": event.id, "company_id": partner.id,
              "user_id": partner_user.id, "request_id": notice.request_id,
              "notification_id": notice.id,
              "item_id": _program_item_id(db, event), "kind": KINDS[0], "token": upload.token,
              "member_id": member.id, "invitation_id": team_invitation.id,
              "registration_id": _registration_id(db, partner), "phase": "requests_open",
              "interpreter_id": interpreter.id,
              "contact_id": contact.id, "opportunity_id": offer.id}
    overrides = {
        "companies.": {"company_id": own.id},
        "badges.sharing": {"company_id": own.id},
        "market.item_": {"company_id": own.id},
        "schedule.": {"request_id": meeting.id},
        "exchange.export": {"what": "companies", "fmt": "csv"},
        "vetting.export_applicants": {"fmt": "csv"},
        "auth.reset_password": {"token": lambda: _reset_token(visitor)},  # one per post
        "teams.accept": {"token": lambda: _invitation_token(event.id, organizer.id)},  # ditto
        "survey.answer": {"token": survey_token},
    }
    return values, overrides


def _invitation_token(event_id: int, inviter_id: int) -> str:
    """A fresh team invitation to an address without an account (each is single use)."""
    from matchmaker.extensions import db
    from matchmaker.models.teams import hash_token

    token = Invitation.new_token()
    db.session.add(Invitation(token_hash=hash_token(token), email=f"{token[:8].lower()}@x.example",
                              event_id=event_id, role="vetter", invited_by_id=inviter_id,
                              expires_at=utcnow() + timedelta(days=7)))
    db.session.commit()
    return token


def _registration_id(db, company) -> int:

    return db.session.scalar(db.select(Registration.id).filter_by(company_id=company.id))


def _program_item_id(db, event) -> int:
    from matchmaker.models import ProgramItem

    return db.session.scalar(db.select(ProgramItem.id).filter_by(event_id=event.id))


def _reset_token(user) -> str:
    from matchmaker.auth.services import reset_token
    from matchmaker.extensions import db

    db.session.refresh(user)  # a fuzzed reset changed the password: the old token is spent
    return reset_token(user)


def url_values(world, endpoint: str) -> dict:
    values, overrides = world
    for prefix, special in overrides.items():
        if endpoint.startswith(prefix):
            values = {**values, **special}
    return {name: value() if callable(value) else value for name, value in values.items()}


def _post_as(client, who, url, data):
    log_in(client, who)
    assert client.post(url, data=data).status_code == 302
    client.post("/auth/logout")


def log_in(client, who: str) -> None:
    if who == "anonymous":
        return
    email = "guardian@example.com" if who == "half_logged_in" else f"{who}@example.com"
    client.post("/auth/login", data={"email": email, "password": PASSWORD})
    if who == "guardian":
        from matchmaker.extensions import db
        from matchmaker.models import User

        secret = db.session.scalar(db.select(User.totp_secret).filter_by(email=email))
        client.post("/auth/two-factor", data={"code": pyotp.TOTP(secret).now()})


# --- what the view reads -------------------------------------------------------------------

@pytest.fixture
def validated_forms(monkeypatch):
    """The forms that views validate during the test, in order."""
    forms = []
    validate = FlaskForm.validate

    def recording(self, extra_validators=None):
        forms.append(self)
        return validate(self, extra_validators)

    monkeypatch.setattr(FlaskForm, "validate", recording)
    return forms


@pytest.fixture
def created_forms(monkeypatch):
    """The forms that views create during the test, in order."""
    forms = []
    init = FlaskForm.__init__

    def recording(self, *args, **kwargs):
        init(self, *args, **kwargs)
        forms.append(self)

    monkeypatch.setattr(FlaskForm, "__init__", recording)
    return forms


def shown_value(field):
    """What a browser would send back for a field as the page shows it."""
    if isinstance(field, wtf.FileField | wtf.SubmitField):
        return MISSING
    if isinstance(field, wtf.BooleanField):
        return "y" if field.data else MISSING
    if isinstance(field, wtf.SelectMultipleField):
        return [str(value) for value in field.data or []]
    if isinstance(field, wtf.SelectFieldBase):
        return MISSING if field.data is None else str(field.data)
    return field._value()


def leaves(fields):
    """The inputs of a form, with the rows of its FieldLists and FormFields."""
    for field in fields:
        if isinstance(field, wtf.FieldList | wtf.FormField):
            yield from leaves(field)
        elif field.type != "CSRFTokenField":
            yield field


def read_directly(view) -> set[str]:
    """Names a view reads from ``request.form`` itself, without a form class."""
    source = inspect.getsource(inspect.unwrap(view))
    return set(re.findall(r"request\.form\.get(?:list)?\(\s*[\"'](\w+)", source))


# --- values --------------------------------------------------------------------------------

HUGE = st.builds(lambda piece, n: (piece * n)[:n], st.text(min_size=1, max_size=4),
                 st.integers(1_000, 60_000))
GARBAGE = st.one_of(st.sampled_from(NASTY), st.text(max_size=60), HUGE,
                    st.integers(-10**30, 10**30).map(str), st.floats().map(str))
FILES = st.tuples(st.binary(max_size=2_000),
                  st.sampled_from(["a.csv", "b.xlsx", "c.json", "d.txt", "", "x" * 300,
                                   "../\x00.csv"]))


def _choices(field) -> list[str]:
    if getattr(field, "choices", None) is None:
        return []
    return [str(choice[0]) for choice in field.iter_choices()]


def _validator(field, kind):
    return next((v for v in field.validators if isinstance(v, kind)), None)


def valid(field) -> st.SearchStrategy:
    """Values the field's own checks accept (its text still random: NUL, emoji, RTL marks)."""
    if isinstance(field, wtf.FileField):
        return FILES
    if isinstance(field, wtf.BooleanField | wtf.SubmitField):
        return st.just("y")
    if choices := _choices(field):
        if isinstance(field, wtf.SelectMultipleField):
            return st.lists(st.sampled_from(choices), min_size=1, max_size=3, unique=True)
        return st.sampled_from(choices)
    if getattr(field, "coerce", None) is int:  # ids the view checks itself
        return st.lists(st.integers(1, 20).map(str), min_size=1, max_size=3)
    if any(isinstance(v, Optional) for v in field.validators):
        return st.one_of(st.just(""), _required(field))
    return _required(field)


def _required(field) -> st.SearchStrategy:
    if isinstance(field, wtf.IntegerField):
        bounds = _validator(field, NumberRange)
        low = bounds.min if bounds and bounds.min is not None else 0
        return st.integers(low, bounds.max if bounds and bounds.max is not None else low + 500) \
            .map(str)
    if isinstance(field, wtf.DateField):
        return st.dates(date(2025, 1, 1), date(2027, 12, 31)).map(date.isoformat)
    if isinstance(field, wtf.TimeField):
        hours = (19, 23) if field.short_name == "end" else (8, 18)
        return st.times(time(hours[0]), time(hours[1])).map(lambda t: t.strftime("%H:%M"))
    if isinstance(field, wtf.PasswordField):
        return st.just(STRONG_PASSWORD)
    if _validator(field, Email):
        return st.from_regex(r"[a-z]{1,8}\.[a-z0-9]{1,6}@fuzz\.example", fullmatch=True)
    if _validator(field, URL):
        return st.just("https://fuzz.example/")
    if pattern := _validator(field, Regexp):
        return st.from_regex(pattern.regex, fullmatch=True)
    length = _validator(field, Length)
    longest = length.max if length and length.max and length.max > 0 else 200
    return st.one_of(st.text(min_size=1, max_size=min(longest, 80)),
                     st.text(min_size=1, max_size=4).map(lambda p: (p * longest)[:longest]))


def any_value(field) -> st.SearchStrategy:
    good, bad = valid(field), FILES if isinstance(field, wtf.FileField) else GARBAGE
    return st.one_of(good, bad, st.just(MISSING), st.lists(st.one_of(good, bad), min_size=2,
                                                           max_size=3))


@st.composite
def submissions(draw, fields: dict, shown: dict, loose: set[str]) -> list[tuple[str, object]]:
    """Form data as (name, value) pairs: the form as the page shows it (when it has a page)
    with one field changed, all valid but one field, or anything anywhere."""
    mode = draw(st.sampled_from(["as shown", "valid", "one bad", "chaos"] if shown
                                else ["valid", "one bad", "chaos"]))
    changed = draw(st.sampled_from(sorted(fields))) if fields else None
    pairs = []
    for name, field in sorted(fields.items()):
        if mode == "chaos" or name == changed and mode == "one bad":
            value = draw(any_value(field))
        elif mode == "as shown" and name != changed:
            value = shown.get(name, MISSING)
        else:
            value = draw(valid(field))
        pairs += _pairs(name, value)
    for name in sorted(loose):
        plausible = st.sampled_from(["1", "0", "", "yes", "en", "de", "fr"])
        pairs += _pairs(name, draw(plausible if mode == "valid" else
                                   st.one_of(plausible, GARBAGE, st.just(MISSING))))
    for name in draw(st.lists(st.sampled_from(["x", "windows-99999999999-day", "a\x00b"]),
                              max_size=2)):
        pairs += _pairs(name, draw(GARBAGE))
    return pairs


def _pairs(name: str, value) -> list[tuple[str, object]]:
    if value is MISSING:
        return []
    if isinstance(value, tuple):  # a file: fresh bytes for each post
        return [(name, (io.BytesIO(value[0]), value[1]))]
    values = value if isinstance(value, list) else [value]
    return [(name, v) for v in values]


# --- what the database holds ---------------------------------------------------------------

def snapshot(db) -> dict[str, list[str]]:
    """Every row of every table (failed logins are audited, which is no half-written record)."""
    with db.engine.connect() as connection:
        rows = {table.name: sorted(repr(tuple(row)) for row in connection.execute(
            table.select().where(AuditEntry.action != "login_failed")
            if table.name == AuditEntry.__tablename__ else table.select()))
            for table in db.metadata.sorted_tables}
    return rows


def after_post(client) -> tuple[bool, bool]:
    """(whether the answer flashed an error, whether the client is still logged in)."""
    with client.session_transaction() as session:
        flashes = session.pop("_flashes", [])
        logged_in = "_user_id" in session
    return any(category in ("danger", "warning") for category, _ in flashes), logged_in


def reached_the_view(response) -> bool:
    login_page = response.status_code == 302 and "/auth/login" in response.location
    return response.status_code not in (403, 404, 405) and not login_page


# --- the test ------------------------------------------------------------------------------

@pytest.mark.parametrize("endpoint", POST_ENDPOINTS)
def test_random_form_input_never_fails_and_refusals_write_nothing(app, db, client, world,
                                                                  validated_forms,
                                                                  created_forms, endpoint):
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    who = poster(app, endpoint)
    log_in(client, who)
    shown = {}
    if "GET" in rule.methods:  # the page with the form, filled in as the app fills it
        created_forms.clear()
        client.get(build(rule, url_values(world, endpoint)))
        shown = {field.name: shown_value(field) for form in created_forms
                 for field in leaves(form)}
    validated_forms.clear()
    probe = client.post(build(rule, url_values(world, endpoint)))
    assert reached_the_view(probe), (
        f"POST {rule.rule} as {who} → {probe.status_code}: give the world fixture a value for "
        f"its URL or say in POSTERS who posts it")
    fields = {field.name: field for form in validated_forms for field in leaves(form)}
    loose = read_directly(app.view_functions[endpoint]) - set(fields)

    @FUZZ_SETTINGS
    @given(pairs=submissions(fields, shown, loose))
    def post_random_input(pairs):
        url = build(rule, url_values(world, endpoint))
        before = snapshot(db)
        response = client.post(url, data=MultiDict(pairs))
        assert response.status_code < 500
        refused, logged_in = after_post(client)
        if response.status_code >= 400 or refused:
            assert snapshot(db) == before, f"{response.status_code} but the data changed"
        if who == "anonymous" and logged_in:  # registered, or reset a password
            client.post("/auth/logout")
        elif who != "anonymous" and not logged_in:  # logged out, or the post ended the session
            log_in(client, who)

    post_random_input()


def test_ids_too_big_for_the_database_are_not_found(app, client, make_user):
    """A 30-digit id in any URL is a 404, not an integer overflow in the database driver."""
    make_user("admin@example.com", role="admin")
    log_in(client, "admin")
    problems = []
    for rule in app.url_map.iter_rules():
        if not any(isinstance(rule._converters[name], IdConverter) for name in rule.arguments):
            continue
        url = build(rule, dict.fromkeys(rule.arguments, 10**30))
        for method in sorted(rule.methods & {"GET", "POST"}):
            status = client.open(url, method=method).status_code
            if status != 404:
                problems.append(f"{method} {rule.rule} → {status}")
    assert problems == []
