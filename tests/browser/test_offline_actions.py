"""Offline on the fair floor, in a real browser at 360 px: actions taken with no network wait in
the outbox with a visible count and arrive once, exactly once, when the network is back (also
when an answer is lost on the way); the agenda tells what changed while the phone was away;
the table plan and the programme read offline."""

import re
from datetime import datetime

import pytest
from playwright.sync_api import expect

from matchmaker import unit_of_work
from matchmaker.extensions import db
from matchmaker.models import IdempotencyKey, MeetingNote, MeetingRequest, ProgramItem
from matchmaker.schedule import edits
from tests.browser import test_phone_layout as layout
from tests.browser.conftest import PHONE, SCREENSHOTS, log_in, new_context
from tests.conftest import translated
from tests.web.test_schedule import agree, slot_at, table

pytestmark = pytest.mark.browser

evening = layout.evening


@pytest.fixture
def phone(browser, lang):
    context = new_context(browser, lang, viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def fresh(query):
    """Read what the server committed (the test's own transaction ends first)."""
    db.session.commit()
    return db.session.scalars(query).all()


def opened_online(phone, live_server, event, lang):
    log_in(phone, live_server, "anna@example.com", lang)
    phone.goto(f"{live_server}/events/{event.id}/now")
    expect(phone.locator("body[data-offline-ready]")).to_have_count(1)


def shot(phone, name, lang):
    SCREENSHOTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(SCREENSHOTS / f"test_offline_actions-{lang}-{name}.png"),
                     full_page=True)
    widths = phone.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{name} scrolls sideways: {widths}"


@pytest.mark.parametrize("lang", ["en", "de", "fr"])
def test_actions_taken_offline_wait_and_arrive_once(live_server, phone, evening, lang):
    event, companies, first = evening
    opened_online(phone, live_server, event, lang)
    phone.context.set_offline(True)
    now = phone.locator(f"[data-meeting='{first.id}']")
    now.get_by_role("button", name=translated(lang, "Held"), exact=True).click()
    waiting = phone.locator("[data-outbox-count]")
    expect(waiting).to_contain_text(translated(lang, "Waiting to send (%(n)s)") % {"n": 1})
    now.locator("summary").click()
    now.get_by_role("textbox").fill("Samples of the housing by January")
    now.get_by_role("button", name=translated(lang, "Save note")).click()
    expect(waiting).to_contain_text(translated(lang, "Waiting to send (%(n)s)") % {"n": 2})
    expect(now.locator("[data-outbox-status]").first).to_have_text(
        translated(lang, "waiting to send"))
    shot(phone, "now-waiting", lang)
    phone.reload()  # the offline copy; the queue is still there
    expect(waiting).to_contain_text(translated(lang, "Waiting to send (%(n)s)") % {"n": 2})
    assert fresh(db.select(MeetingNote)) == []

    phone.context.set_offline(False)
    expect(waiting).to_be_hidden()
    [note] = fresh(db.select(MeetingNote))
    assert (note.request_id, note.company_id, note.held, note.note) == (
        first.id, companies["anna"].id, True, "Samples of the housing by January")
    assert len(fresh(db.select(IdempotencyKey))) == 2
    phone.reload()
    expect(phone.locator(f"[data-meeting='{first.id}'] button[aria-pressed=true]")).to_contain_text(
        translated(lang, "Held"))
    shot(phone, "now-sent", lang)


@pytest.mark.parametrize("lang", ["en"])
def test_a_lost_answer_is_retried_and_answered_from_the_key(live_server, phone, evening, lang):
    """The server does the work but the answer never reaches the phone: the outbox sends the
    same action again with the same key, and the server answers it from its record."""
    event, companies, first = evening
    opened_online(phone, live_server, event, lang)
    sent = []

    def lose_the_first_answer(route):
        sent.append(route.request.header_value("Idempotency-Key"))
        if len(sent) == 1:
            route.fetch(max_redirects=0)  # the server does the work...
            route.abort("connectionreset")  # ...and the phone never hears
        else:
            answer = route.fetch(max_redirects=0)
            answers.append(answer.headers.get("idempotent-replayed"))
            route.fulfill(response=answer)

    answers = []
    phone.route(re.compile(r".*/held$"), lose_the_first_answer)
    now = phone.locator(f"[data-meeting='{first.id}']")
    now.get_by_role("button", name="Held", exact=True).click()
    waiting = phone.locator("[data-outbox-count]")
    expect(waiting).to_contain_text("Waiting to send (1)")
    for _attempt in range(5):  # the next round (the page also tries by itself every 20 s)
        if phone.evaluate("Outbox.flush().then(() => Outbox.count())") == 0:
            break
    expect(waiting).to_be_hidden()
    assert len(sent) == 2 and sent[0] == sent[1] and sent[0]
    assert answers[-1] == "true"
    assert len(fresh(db.select(IdempotencyKey))) == 1
    assert [n.held for n in fresh(db.select(MeetingNote))] == [True]


@pytest.mark.parametrize("lang", ["en"])
def test_a_refused_action_is_dropped_and_told(live_server, phone, evening, lang):
    """Marked held before the meeting began (the phone's clock ran ahead): the server refuses,
    the action leaves the queue and the person is told."""
    event, companies, first = evening
    second = db.session.scalars(db.select(MeetingRequest).filter(
        MeetingRequest.event_id == event.id, MeetingRequest.id != first.id)).one()
    log_in(phone, live_server, "anna@example.com")
    phone.goto(f"{live_server}/events/{event.id}/agenda")
    row = phone.locator(f"#meeting-{second.id}")
    row.get_by_role("button", name="Held", exact=True).click()
    expect(row.locator("[data-outbox-status]").first).to_have_text("not accepted")
    expect(phone.locator("[data-outbox-refused]")).to_contain_text(re.compile(
        r"Held or not: meeting with Zéphyr Drones.*: The meeting at .*19:00.* has not begun"))
    expect(phone.locator("[data-outbox-count]")).to_be_hidden()
    assert fresh(db.select(MeetingNote)) == []


@pytest.mark.parametrize("lang", ["en", "de", "fr"])
def test_what_changed_table_plan_and_programme_offline(live_server, phone, evening, lang):
    event, companies, first = evening
    db.session.add(ProgramItem(event=event, title="Guided tour of the halls", place="Hall 1",
                               starts_at=datetime(2026, 11, 19, 19, 40),
                               ends_at=datetime(2026, 11, 19, 20, 0)))
    first.table.note = "Hall 2, row B"
    unit_of_work.commit()
    opened_online(phone, live_server, event, lang)
    phone.goto(f"{live_server}/events/{event.id}/agenda")  # the snapshot of the agenda
    phone.context.set_offline(True)
    phone.goto(f"{live_server}/events/{event.id}/tables")
    expect(phone.locator(f"#table-{first.table.id}")).to_contain_text("Hall 2, row B")
    expect(phone.locator("[data-as-of]")).to_be_visible()
    phone.get_by_label(translated(lang, "Find a table")).fill("t4")
    expect(phone.locator("[data-table-text]:visible")).to_have_count(1)
    expect(phone.locator("[data-table-text]:visible")).to_contain_text("T4")
    phone.get_by_label(translated(lang, "Find a table")).fill("")
    shot(phone, "tables-offline", lang)
    phone.goto(f"{live_server}/events/{event.id}")
    expect(phone.locator("#programme")).to_contain_text("Guided tour of the halls")

    # Meanwhile the organizer moves the 19:00 meeting to 19:20 at T4 and cancels nothing.
    second = db.session.scalars(db.select(MeetingRequest).filter(
        MeetingRequest.event_id == event.id, MeetingRequest.id != first.id)).one()
    edits.move(event, second, slot_at(event, "19:20"), table(event, "T4"))
    unit_of_work.commit()
    phone.goto(f"{live_server}/events/{event.id}/agenda")  # the copy: no news yet
    expect(phone.locator("[data-changes]")).to_be_hidden()
    phone.context.set_offline(False)
    moved = translated(lang, "Your meeting with %(company)s moved: now %(when)s.") % {
        "company": "Zéphyr Drones Systèmes Aéroportés SAS", "when": "XX"}
    before, after = moved.split("XX")
    changes = phone.locator("[data-changes]")
    expect(changes).to_contain_text(before)
    expect(changes).to_contain_text(re.compile(r"19:20\s*–\s*19:40( Uhr)? · T4"))
    shot(phone, "agenda-changed", lang)
    phone.goto(f"{live_server}/events/{event.id}/now")  # told once: the next page is quiet
    expect(phone.locator("[data-changes]")).to_be_hidden()


@pytest.mark.parametrize("lang", ["en"])
def test_reopening_the_app_tells_of_a_new_and_a_cancelled_meeting(live_server, phone, evening,
                                                                  lang, make_participant,
                                                                  organizer):
    event, companies, first = evening
    opened_online(phone, live_server, event, lang)
    second = db.session.scalars(db.select(MeetingRequest).filter(
        MeetingRequest.event_id == event.id, MeetingRequest.id != first.id)).one()
    edits.cancel(event, second, organizer, "The drones stay in the hangar.")
    _u, newcomer = make_participant("nina", event, name="Nordlicht Sensorik GmbH")
    added = agree(event, newcomer, companies["anna"])
    edits.move(event, added, slot_at(event, "20:00"), table(event, "T3"))
    unit_of_work.commit()
    phone.goto(f"{live_server}/events/{event.id}/now")  # later, the app opened again
    changes = phone.locator("[data-changes]")
    expect(changes).to_contain_text(
        "Your meeting with Zéphyr Drones Systèmes Aéroportés SAS is no longer on your agenda.")
    expect(changes).to_contain_text(re.compile(
        r"New meeting with Nordlicht Sensorik GmbH: 20:00\s*–\s*20:20 · T3\."))
    # Logout leaves nothing of it on the phone: snapshots, queue and copies all go.
    assert phone.evaluate("Object.keys(localStorage).some(k => k.startsWith('mm-agenda-'))")
    phone.locator("form[action$='/auth/logout']").evaluate("form => form.requestSubmit()")
    phone.wait_for_url(live_server + "/")
    assert phone.evaluate("localStorage.length") == 0 and phone.evaluate("caches.keys()") == []


@pytest.mark.parametrize("lang", ["en"])
def test_logging_out_with_actions_waiting_asks_first(live_server, phone, evening, lang):
    event, companies, first = evening
    opened_online(phone, live_server, event, lang)
    phone.context.set_offline(True)
    phone.locator(f"[data-meeting='{first.id}']").get_by_role(
        "button", name="Held", exact=True).click()
    expect(phone.locator("[data-outbox-count]")).to_contain_text("Waiting to send (1)")
    asked = []
    phone.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    phone.locator("form[action$='/auth/logout']").evaluate("form => form.requestSubmit()")
    expect(phone.locator("[data-outbox-count]")).to_contain_text("Waiting to send (1)")
    assert asked == ["Actions waiting to send: 1. Logging out deletes them from this phone. "
                     "Log out anyway?"]
