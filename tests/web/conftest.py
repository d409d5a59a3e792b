"""Creators for events, participants and requests, shared by the events/requests tests."""

from __future__ import annotations

from datetime import date, time

import pytest

from matchmaker.events import services as events
from matchmaker.events.definition import Window, parse_tables
from matchmaker.models import RegistrationStatus

EVENT_DAY = date(2026, 11, 19)
EVENING = Window(EVENT_DAY, time(18), time(21, 30), 20, ((time(19, 40), time(20, 0)),))


@pytest.fixture
def organizer(make_user):
    return make_user("organizer@example.com", role="organizer", name="Olivia Organizer")


@pytest.fixture
def make_event(app, organizer):
    def make(name="Milipol networking evening", windows=(EVENING,), tables="T1-T30", **rules):
        data = events.EventData(name=name, venue="Paris Nord Villepinte", city="Paris",
                                timezone="Europe/Paris", description="", windows=list(windows),
                                tables=parse_tables(tables), **rules)
        return events.create_event(organizer, data)

    return make


@pytest.fixture
def enrol(app, organizer):
    """Register a company for an event and give the registration a status."""

    def make(event, company, status=RegistrationStatus.APPROVED, reason="not a fit", group=None):
        registration = events.register(event, company, list(company.members), list(event.slots),
                                       group_id=group.id if group else None, by_organizer=True)
        if status != RegistrationStatus.PENDING:
            events.decide(event, [registration.id], approve=status == RegistrationStatus.APPROVED,
                          reason=reason, organizer=organizer, notify=False)
        return registration

    return make


@pytest.fixture
def make_participant(make_user, make_company, enrol):
    """A user with a company of their own, optionally enrolled in an event."""

    def make(key, event=None, status=RegistrationStatus.APPROVED, locale="en", group=None,
             **profile):
        user = make_user(f"{key}@example.com", name=key.title(), locale=locale)
        company = make_company(user, name=profile.pop("name", f"{key.title()} SAS"), **profile)
        if event is not None:
            enrol(event, company, status, group=group)
        return user, company

    return make
