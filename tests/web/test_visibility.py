"""Vetting makes a company invisible: every route × every role × own event / other event /
unapproved company. Objects a viewer must not know about answer 404."""

import pytest

from matchmaker.models import MeetingRequest, RegistrationStatus

ROLES = ("approved", "pending", "rejected", "other_event", "no_company", "organizer", "anonymous")


@pytest.fixture
def world(make_event, make_participant, make_user, organizer, db):
    own = make_event("Milipol networking evening")
    other = make_event("Eurosatory evening")
    ids = {"own": own.id, "other": other.id}
    for key, event, status in [("approved", own, RegistrationStatus.APPROVED),
                               ("partner", own, RegistrationStatus.APPROVED),
                               ("third", own, RegistrationStatus.APPROVED),
                               ("pending", own, RegistrationStatus.PENDING),
                               ("rejected", own, RegistrationStatus.REJECTED),
                               ("other_event", other, RegistrationStatus.APPROVED)]:
        ids[key] = make_participant(key, event, status=status,
                                    name=f"{key.title()} Company")[1].id
    make_user("no_company@example.com")
    for name, (a, b) in {"mine": ("approved", "partner"), "theirs": ("partner", "third")}.items():
        request = MeetingRequest(event_id=own.id, sender_id=ids[a], recipient_id=ids[b],
                                 open_pair_key=MeetingRequest.pair_key(ids[a], ids[b]))
        db.session.add(request)
        db.session.commit()
        ids[name] = request.id
    return ids


OK, GONE, FORBIDDEN, LOGIN = 200, 404, 403, 302  # LOGIN: a redirect (to login, or PRG)
SEES = {"approved": OK, "organizer": OK}  # everybody else: GONE (anonymous: LOGIN)


def expect(**statuses):
    return {role: statuses.get(role, SEES.get(role, GONE)) for role in ROLES[:-1]}


# (method, path template, expected status by role)
MATRIX = [
    ("GET", "/events/{own}", expect(pending=OK, rejected=OK, other_event=OK, no_company=OK)),
    ("GET", "/events/{own}/register", expect(pending=OK, rejected=OK, other_event=OK,
                                             no_company=LOGIN, organizer=LOGIN)),
    # A company awaiting approval is told so (its own registration) on the event's pages.
    ("GET", "/events/{own}/companies", expect(pending=FORBIDDEN)),
    ("GET", "/events/{own}/companies/{partner}", expect(pending=FORBIDDEN)),
    ("GET", "/events/{own}/companies/{pending}", expect(approved=GONE, organizer=GONE,
                                                        pending=FORBIDDEN)),
    ("GET", "/events/{own}/companies/{rejected}", expect(approved=GONE, organizer=GONE,
                                                         pending=FORBIDDEN)),
    ("GET", "/events/{own}/companies/{other_event}", expect(approved=GONE, organizer=GONE,
                                                            pending=FORBIDDEN)),
    ("GET", "/events/{other}/companies/{other_event}", expect(approved=GONE, other_event=OK)),
    ("GET", "/events/{other}/companies/{partner}", expect(approved=GONE, organizer=GONE)),
    ("POST", "/events/{own}/companies/{third}/request", expect(approved=LOGIN, organizer=LOGIN,
                                                               pending=FORBIDDEN)),
    ("POST", "/events/{own}/companies/{pending}/request", expect(approved=GONE,
                                                                 organizer=GONE,
                                                                 pending=FORBIDDEN)),
    # Its own page, seen from the other event: refused with a message (own company, organizer).
    ("POST", "/events/{other}/companies/{other_event}/request", expect(approved=GONE,
                                                                       other_event=LOGIN,
                                                                       organizer=LOGIN)),
    ("GET", "/events/{own}/requests", expect(pending=FORBIDDEN)),
    ("GET", "/requests/{mine}", expect()),
    ("GET", "/requests/{theirs}", expect(approved=GONE)),
    ("POST", "/requests/{mine}/withdraw", expect(approved=LOGIN, organizer=LOGIN)),
    ("POST", "/requests/{theirs}/withdraw", expect(approved=GONE, organizer=LOGIN)),
    # Organizers read threads; an empty message is refused before anything else (400).
    ("POST", "/requests/{theirs}/messages", expect(approved=GONE, organizer=400)),
    ("GET", "/companies/{partner}", expect(approved=GONE)),  # the private profile page
    # An event's staff pages do not exist for anyone off its team (``access.event_staff``).
    ("GET", "/organizer/events/{own}/registrations",
     expect(**{r: GONE for r in ROLES[:-2]})),
    ("GET", "/organizer/events/{own}/edit", expect(**{r: GONE for r in ROLES[:-2]})),
    ("GET", "/organizer/events/{own}/program", expect(**{r: GONE for r in ROLES[:-2]})),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path", "expected"), MATRIX,
                         ids=[f"{m} {p}" for m, p, _ in MATRIX])
def test_visibility_matrix(client, auth, world, role, method, path, expected):
    if role != "anonymous":
        email = "organizer@example.com" if role == "organizer" else f"{role}@example.com"
        auth.login(email)
    response = client.open(path.format(**world), method=method)
    want = LOGIN if role == "anonymous" else expected[role]
    assert response.status_code == want, (role, method, path)
    if want == LOGIN and role == "anonymous":
        assert "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["approved", "organizer"])
def test_the_directory_lists_only_approved_companies_of_this_event(client, auth, world, role):
    auth.login(f"{role}@example.com")
    page = client.get(f"/events/{world['own']}/companies").data.decode()
    assert "Partner Company" in page and "Third Company" in page
    for hidden in ("Pending Company", "Rejected Company", "Other_Event Company"):
        assert hidden not in page


def test_unapproved_companies_neither_send_nor_receive(client, auth, world, db):
    auth.login("pending@example.com")
    client.post(f"/events/{world['own']}/companies/{world['partner']}/request")
    auth.logout()
    auth.login("approved@example.com")
    client.post(f"/events/{world['own']}/companies/{world['pending']}/request")
    assert db.session.scalar(db.select(db.func.count(MeetingRequest.id))) == 2  # the fixtures'
