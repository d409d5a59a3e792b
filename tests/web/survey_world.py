"""A finished trip with known numbers, shared by the survey and report tests.

Groups: Delegation (Alice GmbH, Anne GmbH) meets Hosts (Bob SAS, Carl SAS, Dora SAS).
Requests (5): Alice→Bob agreed, held; Alice→Carl agreed, held; Anne→Bob agreed, both no-show;
Anne→Carl declined; Dora→Alice withdrawn.
Ratings: Alice rates Alice–Bob 5 (will follow up), Bob rates it 4, Carl rates Alice–Carl 2.
The survey goes to Alice, Bob and Carl (Anne's only meeting was a no-show, Dora has none)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from matchmaker.events import groups
from matchmaker.extensions import db
from matchmaker.models import DayStatus, MeetingRating, MeetingRequest, RequestStatus


def finished_trip(make_event, make_participant, organizer):
    event = make_event(name="Milipol Paris 2025 – Delegation Pforzheim")
    delegation = groups.add_group(event, groups.GroupData("Delegation"), organizer)
    hosts = groups.add_group(event, groups.GroupData("Hosts"), organizer)
    groups.set_matrix(event, {tuple(sorted((delegation.id, hosts.id)))}, organizer,
                      confirmed=True)
    people = {}
    for key, group, country, locale in (("alice", delegation, "DE", "de"),
                                        ("anne", delegation, "DE", "de"),
                                        ("bob", hosts, "FR", "fr"), ("carl", hosts, "FR", "en"),
                                        ("dora", hosts, "FR", "fr")):
        suffix = "GmbH" if country == "DE" else "SAS"
        people[key] = make_participant(key, event, group=group, country=country, locale=locale,
                                       name=f"{key.title()} {suffix}")[1]
    c = people
    held = DayStatus.HELD.value
    meetings = {
        "alice-bob": _request(event, c["alice"], c["bob"], "accepted", held),
        "alice-carl": _request(event, c["alice"], c["carl"], "accepted", held),
        "anne-bob": _request(event, c["anne"], c["bob"], "accepted",
                             DayStatus.NO_SHOW_BOTH.value),
        "anne-carl": _request(event, c["anne"], c["carl"], "declined"),
        "dora-alice": _request(event, c["dora"], c["alice"], "withdrawn"),
    }
    for meeting, company, stars, follow_up in (("alice-bob", "alice", 5, True),
                                               ("alice-bob", "bob", 4, False),
                                               ("alice-carl", "carl", 2, False)):
        db.session.add(MeetingRating(request_id=meetings[meeting].id, company_id=c[company].id,
                                     rating=stars, follow_up=follow_up))
    db.session.commit()
    return event, c, meetings


def _request(event, sender, recipient, status, day_status=""):
    meeting = MeetingRequest(
        event_id=event.id, sender_id=sender.id, recipient_id=recipient.id, status=status,
        day_status=day_status,
        open_pair_key=MeetingRequest.pair_key(sender.id, recipient.id)
        if status == RequestStatus.ACCEPTED.value else None)
    db.session.add(meeting)
    db.session.flush()
    return meeting


# Answers taken for two months from today (a survey stays open a year at most).
CLOSES_ON = (date.today() + timedelta(days=60)).isoformat()


def send_survey(client, event, closes_on=CLOSES_ON, key="first"):
    return client.post(f"/organizer/events/{event.id}/survey",
                       data={"closes_on": closes_on, "send_key": key})


def survey_links(outbox) -> dict[str, str]:
    """The newest survey link each recipient got, by the local part of their address."""
    found = {}
    for email in outbox.emails():
        match = re.search(r"https?://\S+/survey/\S+", email.get_body().get_content())
        if match:
            found[email["To"].split("@")[0]] = match.group(0)
    return found


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]
