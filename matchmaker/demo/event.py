"""The demo's living event: the Milipol networking evening with vetted participants and
meeting requests in every state, so a newcomer sees the product at work after ``make run``."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from ..auth.services import find_user
from ..events import groups
from ..events import services as events
from ..events.definition import Window, parse_tables
from ..extensions import db
from ..models import (
    Company,
    Event,
    MeetingRequest,
    Notification,
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
REJECTED_COMPANIES = {"Gascogne Calculateurs SAS": "Please complete your export-control "
                                                   "details and register again."}
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
        tables=parse_tables("T1-T30"), max_meetings_per_company=10, max_open_requests=8,
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
    _add_program(event, [c.id for c in companies if c.country == "DE"])
    _add_agreed_meetings(event, [r.company for r in registrations if r.is_approved])
    run = _publish_schedule(event, organizer)
    _check_in_early_arrivals(event, registrations, organizer)
    approved = sum(r.is_approved for r in registrations)
    return (f"{EVENT_NAME} ({approved} approved, {len(PENDING_COMPANIES)} awaiting approval; "
            f"{run.scheduled} meetings scheduled and published)")


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


def _add_program(event: Event, delegation_ids: list[int]) -> None:
    def at(hour: int, minute: int = 0) -> datetime:
        return datetime.combine(EVENT_DAY, time(hour, minute))

    items = [
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


def _vet(event: Event, registrations: list[Registration], organizer: User) -> None:
    def ids(names):
        return [r.id for r in registrations if r.company.name in names]

    undecided = set(PENDING_COMPANIES) | set(REJECTED_COMPANIES)
    events.decide(event, [r.id for r in registrations if r.company.name not in undecided],
                  approve=True, reason="", organizer=organizer, notify=False)
    for name, reason in REJECTED_COMPANIES.items():
        events.decide(event, ids({name}), approve=False, reason=reason, organizer=organizer,
                      notify=False)


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
