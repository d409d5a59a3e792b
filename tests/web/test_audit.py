"""The audit log records sensitive actions; organizers filter it; nobody can change it."""

import pytest

from matchmaker import audit
from matchmaker.models import AuditEntry, Registration, RegistrationStatus


def actions(db):
    return [e.action for e in db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id))]


def test_sensitive_actions_are_recorded(client, db, auth, make_user, make_event,
                                        make_participant):
    admin = make_user("admin@example.com", role="admin")
    event = make_event()
    _u, company = make_participant("alice", event, status=RegistrationStatus.PENDING)
    auth.login("nobody@example.com", "wrong password 123")
    auth.login("alice@example.com", "wrong password 123")
    auth.login("alice@example.com")
    client.post(f"/companies/{company.id}/edit", data={
        "name": company.name, "city": "Lyon", "country": "FR", "languages": ["fr"],
        "description": "d", "offers": "o", "seeks": "s", "tags": ["du.6"],
        "military_items": "y"})
    auth.logout()
    auth.login("admin@example.com")
    reg = db.session.scalar(db.select(Registration))
    client.post(f"/organizer/events/{event.id}/registrations",
                data={"ids": [reg.id], "reject": "Reject", "reason": "Sanctions hit"})
    organizer = db.session.scalar(db.select(type(admin)).filter_by(email="organizer@example.com"))
    client.post(f"/admin/users/{organizer.id}/role", data={"role": "participant"})
    logged = actions(db)
    assert logged.count("login_failed") == 2
    for action in ("profile_created", "profile_edited", "registration_rejected", "role_changed"):
        assert action in logged
    edited = db.session.scalar(db.select(AuditEntry).filter_by(action="profile_edited"))
    assert edited.actor_label == "alice@example.com"
    assert set(edited.details["fields"]) >= {"city", "country", "military_items"}
    role = db.session.scalar(db.select(AuditEntry).filter_by(action="role_changed"))
    assert role.details == {"from": "organizer", "to": "participant"}
    assert role.target_label == "organizer@example.com"
    rejected = db.session.scalar(db.select(AuditEntry).filter_by(action="registration_rejected"))
    assert rejected.details == {"reason": "Sanctions hit"} and rejected.event_id == event.id


def test_organizers_filter_the_log_participants_cannot_see_it(client, db, auth, make_user,
                                                              organizer):
    make_user("pat@example.com")
    auth.login("pat@example.com", "wrong password 123")
    audit.record("export", organizer, target="x", details={"what": "companies"})
    db.session.commit()
    auth.login("pat@example.com")
    assert client.get("/audit/").status_code == 403
    auth.logout()
    auth.login("organizer@example.com")
    # an organizer sees their events' entries and their own actions, not others' logins
    assert "pat@example.com" not in client.get("/audit/?action=login_failed").data.decode()
    assert "companies" in client.get("/audit/?who=organizer").data.decode()
    auth.logout()
    make_user("admin@example.com", role="admin")
    auth.login("admin@example.com")
    page = client.get("/audit/?action=login_failed").data.decode()
    assert "login failed" in page and "pat@example.com" in page
    assert "companies" not in client.get("/audit/?action=login_failed").data.decode()
    assert "companies" in client.get("/audit/?who=organizer").data.decode()
    assert "No entry matches these filters." in client.get(
        "/audit/?from=2000-01-01&to=2000-01-02").data.decode()
    assert client.get("/audit/?from=garbage&page=99").status_code == 200


def test_no_route_changes_or_deletes_an_entry(app, client, db, auth, organizer):
    entry = audit.record("export", organizer, target="x")
    db.session.commit()
    auth.login("organizer@example.com")
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("audit."):
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"}
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)(f"/audit/{entry.id}").status_code in (404, 405)
        assert getattr(client, method)("/audit/").status_code == 405
    entry.action = "changed"
    with pytest.raises(audit.AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEntry, entry.id))
    with pytest.raises(audit.AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(AuditEntry, entry.id).action == "export"
