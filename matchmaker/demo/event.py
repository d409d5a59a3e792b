"""The demo's living event: the Milipol networking evening with vetted participants and
meeting requests in every state, so a newcomer sees the product at work after ``make run``."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from .. import dates
from ..auth.services import find_user
from ..events import groups
from ..events import services as events
from ..events.definition import Window, parse_tables
from ..extensions import db
from ..models import (
    Company,
    Event,
    EventMember,
    MeetingRequest,
    Notification,
    ProgramSignup,
    ProgramWaiting,
    Registration,
    RequestStatus,
    User,
    utcnow,
)

EVENT_NAME = "Milipol networking evening"
EARLY_ARRIVALS = 6  # attendees the demo shows as checked in
# Milipol Paris takes place every other November; the demo evening sits in the next one.
EVENT_DAY = date(2027, 11, 17)
PENDING_COMPANIES = ("Dietlinger Leichtbau GmbH", "Glaser Feinguss GmbH",
                     "Vérident Biométrie SAS")
PUBLIC_BODIES = ("Agence Bretagne Défense", "Wirtschaftsförderung Enz-Nagold")
# The trip is run by two organisations: the cluster recruits and vets the Pforzheim delegation,
# the bilateral chamber of commerce the French hosts; a vetter of the cluster helps decide.
# (email, role, groups the member is responsible for, countries)
DEMO_TEAM = (
    ("carla.kern@cluster-pforzheim.example", "co_organizer", ("Delegation Pforzheim",), ("DE",)),
    ("claire.dubois@ccfa-chambre.example", "co_organizer", ("French hosts",), ("FR",)),
    ("victor.weiss@cluster-pforzheim.example", "vetter", (), ()),
)
REJECTED_COMPANIES = {"Gascogne Calculateurs SAS": "Please complete your export-control "
                                                   "details and register again."}
# Staged vetting: the organizer asked these for more information (one has answered), and
# withdrew one approval after the security check.
QUESTIONS = {
    "Glaser Feinguss GmbH": "Which of your castings fall under the EU dual-use list, and do "
                            "you hold BAFA licences for them?",
    "Oréades Formation Drones SARL": "Please name the people who attend and send a copy of "
                                     "your DGAC training approval.",
    "Vérident Biométrie SAS": "Who are the shareholders of your company?",
}
ANSWERS = {"Vérident Biométrie SAS": "Our two founders hold 80 %; the rest belongs to "
                                     "Bpifrance. The register extract is on its way by email."}
REVOKED_COMPANIES = {"Calanque Alerte SAS": "The external ID check did not confirm your "
                                            "company's identity. Please contact us."}
# (sender, recipient, status, note): the first two names are the printed demo logins.
REQUESTS = [
    ("Optronique de l'Iroise SAS", "Lindenmaier Oberflächentechnik GmbH", "pending",
     "We need hard-anodised and black-coated housings for our thermal cameras."),
    ("Lindenmaier Oberflächentechnik GmbH", "Voltigeur Drones SAS", "accepted",
     "Corrosion protection for your airframes: we coat aluminium and magnesium parts."),
    ("Lindenmaier Oberflächentechnik GmbH", "Pavois Protection SAS", "pending",
     "Surface treatment for armour plates and helmets."),
    ("Trautwein Präzisionsteile GmbH", "Optronique de l'Iroise SAS", "accepted",
     "Precision-turned lens mounts to EN 9100."),
    ("Menhir Cyberdéfense SAS", "Vierkant Software GmbH", "accepted",
     "Joint offer for hardened industrial networks?"),
    ("Stahlecker Lasertechnik GmbH", "Aéropic Systèmes SAS", "declined",
     "Laser marking of avionics parts."),
    ("Baisch Elektronikfertigung GmbH", "Cap Onde Communications SAS", "cancelled",
     "EMS capacity for your radios."),
    ("Falkenhorst Robotics GmbH", "Palissade Technologies SAS", "withdrawn",
     "Robotic perimeter patrols."),
    ("Wachter Sicherheitssysteme GmbH", "Scrutane SAS", "expired",
     "Access control meets video analytics."),
    ("Nagoldtal Optik GmbH", "Optronique de l'Iroise SAS", "pending",
     "Custom IR optics from the Black Forest."),
]


def seed_demo_event() -> str:
    """Create the demo event once; returns a line for the report ("" if it existed)."""
    if db.session.scalar(db.select(Event.id).filter_by(name=EVENT_NAME)) is not None:
        return ""
    organizer = find_user("organizer@matchmaker.example")
    event = events.create_event(organizer, events.EventData(
        name=EVENT_NAME, venue="Paris Nord Villepinte, Hall 5 lounge", city="Paris",
        timezone="Europe/Paris",
        description="Bilateral meetings between the Pforzheim delegation and French companies "
                    "of defence, security and dual-use, on the second evening of Milipol Paris.",
        windows=[Window(EVENT_DAY, time(18), time(21, 30), 20, ((time(19, 40), time(20)),))],
        tables=parse_tables("T1-T30\n" + "\n".join(f"{name} | {note}"
                                                     for name, note, _host in BOOTHS)),
        max_meetings_per_company=10, max_open_requests=8,
        request_expiry_hours=72))
    companies = db.session.scalars(db.select(Company).order_by(Company.id)).all()
    registrations = [Registration(event_id=event.id, company=c, attendees=list(c.members),
                                  available_slots=list(event.slots)) for c in companies]
    db.session.add_all(registrations)
    db.session.flush()
    _give_directions(event)
    _add_groups(event, registrations, organizer)
    _vet(event, registrations, organizer)
    by_name = {c.name: c for c in companies}
    for sender, recipient, status, note in REQUESTS:
        if sender in by_name and recipient in by_name:
            _add_request(event, by_name[sender], by_name[recipient], status, note)
    db.session.flush()
    _add_program(event, [c.id for c in companies if c.country == "DE"],
                 [r.company_id for r in registrations if r.is_approved])
    _set_phases(event)
    _add_agreed_meetings(event, [r.company for r in registrations if r.is_approved])
    _ask_and_revoke(event, registrations, organizer)
    _add_interpreters_and_booths(event, by_name, organizer)
    run = _publish_schedule(event, organizer)
    _check_in_early_arrivals(event, registrations, organizer)
    _badges_and_contacts(event, registrations)
    approved = sum(r.is_approved for r in registrations)
    waiting = len(PENDING_COMPANIES) + len(QUESTIONS)
    return (f"{EVENT_NAME} ({approved} approved, {waiting} awaiting approval or answers; "
            f"{run.scheduled} meetings scheduled and published)")


def seed_demo_team() -> list[tuple[str, str]]:
    """Put the demo team on the demo event once; returns their (role, email) for the logins."""
    event = db.session.scalar(db.select(Event).filter_by(name=EVENT_NAME))
    if event is None:
        return []
    group_ids = {g.name: g.id for g in event.groups}
    logins = []
    for email, role, group_names, countries in DEMO_TEAM:
        user = find_user(email)
        if user is None:
            continue
        exists = db.session.scalar(db.select(EventMember.id).filter_by(event_id=event.id,
                                                                      user_id=user.id))
        if exists is None:
            db.session.add(EventMember(event_id=event.id, user_id=user.id, role=role,
                                       countries=list(countries),
                                       group_ids=[group_ids[n] for n in group_names
                                                  if n in group_ids]))
        logins.append((role.replace("_", "-"), email))
    db.session.flush()
    return logins


def _give_directions(event: Event) -> None:
    """Where each table stands, for the phone's table plan: ten tables to a row."""
    for number, table in enumerate(sorted(event.tables, key=lambda t: t.position)):
        table.note = f"Hall 5 lounge, row {'ABC'[min(number // 10, 2)]}, table {number % 10 + 1}"


def _add_groups(event: Event, registrations: list[Registration], organizer: User) -> None:
    """A delegation trip: the Pforzheim delegation meets the French hosts, never itself; the
    public bodies (shown to all) meet both and each other."""
    delegation = groups.add_group(event, groups.GroupData("Delegation Pforzheim"), organizer)
    hosts = groups.add_group(event, groups.GroupData("French hosts"), organizer)
    public = groups.add_group(event, groups.GroupData(
        "Public bodies", open_for_registration=False, shown_to_all=True), organizer)
    groups.set_matrix(event, {(delegation.id, hosts.id), (public.id, delegation.id),
                              (public.id, hosts.id), (public.id, public.id)}, organizer,
                      confirmed=True)
    for registration in registrations:
        registration.group_id = (public.id if registration.company.name in PUBLIC_BODIES
                                 else delegation.id if registration.company.country == "DE"
                                 else hosts.id)
    db.session.flush()


AGREED_NOTES = (
    "Second source for parts of your next programme: samples on request.",
    "Qualification for your supply chain; we hold EN 9100 and AQAP 2110.",
    "A joint offer for the coming tenders?",
    "Your needs for 2028 and what we can deliver from Baden-Württemberg.",
    "Export-compliant supply from Germany: let us walk you through it.",
)


def _add_agreed_meetings(event: Event, approved: list[Company]) -> None:
    """Two or three agreed meetings per German company, a few marked important, so that the
    schedule has something to place."""
    german = [c for c in approved if c.country == "DE"]
    french = [c for c in approved if c.country == "FR"]
    taken = set(db.session.scalars(db.select(MeetingRequest.open_pair_key).filter_by(
        event_id=event.id)))
    for i, sender in enumerate(german):
        for j in range(2 + i % 2):
            recipient = french[(3 * i + 5 * j) % len(french)]
            key = MeetingRequest.pair_key(sender.id, recipient.id)
            if key in taken:
                continue
            taken.add(key)
            _add_request(event, sender, recipient, "accepted",
                         AGREED_NOTES[(i + j) % len(AGREED_NOTES)])
    db.session.flush()
    for k, meeting in enumerate(db.session.scalars(db.select(MeetingRequest).filter_by(
            event_id=event.id, status="accepted").order_by(MeetingRequest.id))):
        meeting.sender_important = meeting.recipient_important = k % 6 == 0
    db.session.flush()


# Three interpreters, as the delegation books them: companies speaking only German meet
# companies speaking only French (or French and English) through one of them.
INTERPRETERS = (
    ("Isabelle Kessler", ("de", "fr"), "interpreter@matchmaker.example"),
    ("Matthias Rouault", ("de", "fr"), ""),
    ("Claire Whitfield", ("en", "fr"), ""),
)
# Booths of French hosts at the fair: their meetings happen there, nobody else's do.
BOOTHS = (
    ("Booth 5A-12", "Hall 5A, stand 12", "Optronique de l'Iroise SAS"),
    ("Booth 5B-40", "Hall 5B, stand 40", "Voltigeur Drones SAS"),
    ("Booth 5C-07", "Hall 5C, stand 7", "Menhir Cyberdéfense SAS"),
)


def _add_interpreters_and_booths(event: Event, by_name: dict[str, Company],
                                 organizer: User) -> None:
    from ..schedule import interpreters

    for name, languages, email in INTERPRETERS:
        data = interpreters.InterpreterData(name, list(languages), [s.id for s in event.slots],
                                            email if find_user(email or "-") else "")
        interpreters.save_interpreter(event, data, None, organizer, confirmed=True)
    tables = {t.name: t for t in event.tables}
    for table, _note, host in BOOTHS:
        if host in by_name:
            interpreters.reserve(event, tables[table], by_name[host], organizer)
    db.session.flush()


def _publish_schedule(event: Event, organizer: User):
    from ..schedule import generation, publishing

    run = generation.generate_now(event, organizer, time_limit=5)
    publishing.publish(event, notify=False)
    return run


def _check_in_early_arrivals(event: Event, registrations: list[Registration],
                             organizer: User) -> None:
    """A few attendees already at the door, so the day-of pages have something to show."""
    from ..dayof import services as dayof

    arrived = [r for r in registrations if r.is_approved and r.attendees][:EARLY_ARRIVALS]
    for registration in arrived:
        dayof.check_in(event, registration.attendees[0], registration, organizer)


# (who scanned, whose badge, note, follow up): the first is a printed demo login.
SCANNED_CONTACTS = [
    ("Optronique de l'Iroise SAS", "Lindenmaier Oberflächentechnik GmbH",
     "Met at the bar: hard anodising for the new housings, samples in January.", True),
    ("Optronique de l'Iroise SAS", "Trautwein Präzisionsteile GmbH",
     "Lens mounts: send drawings of the 40 mm series.", False),
    ("Lindenmaier Oberflächentechnik GmbH", "Optronique de l'Iroise SAS", "", False),
]


def _badges_and_contacts(event: Event, registrations: list[Registration]) -> None:
    """Badges for every approved attendee, most companies sharing their email (some their
    phone and website too), and a few contacts kept by scanning badges."""
    from ..badges import contacts
    from ..badges import services as badges

    for k, registration in enumerate(r for r in registrations if r.is_approved):
        registration.company.shared_contact_fields = (["email", "phone", "website"]
                                                      if k % 2 == 0 else ["email"])
    holders = {h.registration.company.name: h for h in badges.issue_badges(event)}
    for owner, person, note, follow_up in SCANNED_CONTACTS:
        if owner in holders and person in holders:
            contacts.capture(event, holders[owner].user, badges.token_for(holders[person].badge),
                             note, follow_up)


def _set_phases(event: Event) -> None:
    """Phases around the demo's "now" (the day it is seeded): profiles visible and requests
    open for a while, registration still open for ten days, requests closing in three weeks;
    the schedule's release date has passed (it is published) and is updated as meetings are
    agreed. The event page shows the timeline, the dashboard what to do next."""
    today = dates.event_now(event).date()

    def day(offset: int, hour: int) -> datetime:
        return datetime.combine(today + timedelta(days=offset), time(hour))

    event.profiles_visible_at = day(-14, 9)
    event.requests_open_at = day(-10, 9)
    event.schedule_release_at = day(-1, 12)
    event.registration_closes_at = day(10, 18)
    event.requests_close_at = day(21, 18)
    db.session.flush()


#: (title, places, places taken by approved companies, companies on the waiting list)
TOURS = (("Guided fair tour: optronics and surveillance", 12, 5, 0),
         ("Guided fair tour: drones and robotics", 8, 7, 0),
         ("Guided fair tour: cyber and critical infrastructure", 4, 4, 2))


def _add_program(event: Event, delegation_ids: list[int], approved_ids: list[int]) -> None:
    """A dated itinerary over three days: the delegation's welcome dinner the evening before,
    the fair day with workshop, evening and dinner, and guided tours in groups (sign-up with
    places, one nearly full, one full with a waiting list) on the next morning."""
    def at(hour: int, minute: int = 0, offset: int = 0) -> datetime:
        return datetime.combine(EVENT_DAY + timedelta(days=offset), time(hour, minute))

    items = [
        ("Welcome dinner of the delegation", "Brasserie Flo, Paris 10e", at(19, 30, -1),
         at(22, 0, -1), "Meet the other companies of the delegation before the fair.",
         delegation_ids),
        ("Guided tour of Milipol Paris", "Meeting point: Hall 5, entrance B", at(14), at(16),
         "A walk past the stands that matter to the delegation.", None),
        ("Market workshop: selling to the French defence sector",
         "Hall 5 lounge, room 2", at(17, 20), at(18, 20),
         "How the DGA and French primes buy; export control in practice.", delegation_ids),
        ("Networking dinner", "Le Grand Café, Villepinte", at(21, 30), at(23),
         "Seated dinner for every participant.", None),
    ]
    for title, place, start, end, description, company_ids in items:
        events.save_program_item(event, events.ProgramItemData(
            title=title, place=place, description=description, starts_at=start, ends_at=end,
            for_everyone=company_ids is None, company_ids=company_ids or []))
    for k, (title, places, taken, waiting) in enumerate(TOURS):
        tour = events.save_program_item(event, events.ProgramItemData(
            title=title, place="Meeting point: Hall 4, information desk",
            description="Guided in groups by the fair's experts; one place per company.",
            starts_at=at(9 + 2 * k, 30, 1), ends_at=at(11 + 2 * k, 0, 1), for_everyone=False,
            company_ids=[], capacity=places))
        first = 3 + k * 6
        tour.signups = [ProgramSignup(company_id=company_id)
                        for company_id in approved_ids[first:first + taken]]
        tour.waiting = [ProgramWaiting(company_id=company_id) for company_id
                        in approved_ids[first + taken:first + taken + waiting]]
    db.session.flush()


def _vet(event: Event, registrations: list[Registration], organizer: User) -> None:
    def ids(names):
        return [r.id for r in registrations if r.company.name in names]

    undecided = set(PENDING_COMPANIES) | set(REJECTED_COMPANIES) | set(QUESTIONS)
    events.decide(event, [r.id for r in registrations if r.company.name not in undecided],
                  approve=True, reason="", organizer=organizer, notify=False)
    for name, reason in REJECTED_COMPANIES.items():
        events.decide(event, ids({name}), approve=False, reason=reason, organizer=organizer,
                      notify=False)


def _ask_and_revoke(event: Event, registrations: list[Registration], organizer: User) -> None:
    """Questions in the vetting queue (one answered) and a revoked approval whose meetings
    are called off; dated in the past, as if it happened over the last days."""
    from ..vetting import services as vetting

    now = utcnow()
    for registration in registrations:
        name = registration.company.name
        if name in QUESTIONS:
            asked = vetting.ask(event, registration, organizer, QUESTIONS[name], notify=False)
            asked.created_at = now - timedelta(days=2, hours=3)
        if name in ANSWERS and registration.company.members:
            answer = vetting.answer(event, registration, registration.company.members[0],
                                    ANSWERS[name], notify=False)
            answer.created_at = now - timedelta(days=1, hours=5)
        if name in REVOKED_COMPANIES:
            vetting.revoke(event, registration, organizer, REVOKED_COMPANIES[name],
                           notify=False)
    db.session.flush()


def _add_request(event: Event, sender: Company, recipient: Company, status: str,
                 note: str) -> None:
    now = utcnow()
    request = MeetingRequest(
        event_id=event.id, sender_id=sender.id, recipient_id=recipient.id, note=note,
        status=status, created_at=now - timedelta(hours=30),
        expires_at=now + timedelta(hours=42) if status == "pending" else None,
        open_pair_key=(MeetingRequest.pair_key(sender.id, recipient.id)
                       if status in ("pending", "accepted") else None))
    if status in ("accepted", "declined"):
        request.responded_at = now - timedelta(hours=6)
    if status in ("cancelled", "withdrawn", "expired"):
        request.closed_at = now - timedelta(hours=2)
    if status == RequestStatus.CANCELLED.value:
        request.reason = "Our delegation leaves a day early."
    db.session.add(request)
    db.session.flush()
    if status == "pending":  # the recipient finds it in the bell
        db.session.add_all(Notification(user_id=member.id, kind="new_request", request=request)
                           for member in recipient.members)
