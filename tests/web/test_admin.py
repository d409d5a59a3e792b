from matchmaker.models import User


def test_admin_changes_roles(client, auth, make_user, db):
    make_user(email="admin@example.com", role="admin")
    user = make_user(email="someone@example.com")
    make_user(email="else@example.com")
    auth.login("admin@example.com")
    page = client.get("/admin/users?q=someone")
    assert b"someone@example.com" in page.data
    assert b"else@example.com" not in page.data
    response = client.post(f"/admin/users/{user.id}/role", data={"role": "organizer"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.role == "organizer"


def test_admin_cannot_demote_themself(client, auth, make_user, db):
    admin = make_user(email="admin@example.com", role="admin")
    auth.login("admin@example.com")
    client.post(f"/admin/users/{admin.id}/role", data={"role": "participant"})
    db.session.refresh(admin)
    assert admin.role == "admin"


def test_invalid_role_is_refused(client, auth, make_user, db):
    make_user(email="admin@example.com", role="admin")
    user = make_user(email="someone@example.com")
    auth.login("admin@example.com")
    response = client.post(f"/admin/users/{user.id}/role", data={"role": "emperor"})
    assert response.status_code == 303
    assert db.session.get(User, user.id).role == "participant"


def test_participants_and_organizers_cannot_administer(client, auth, make_user):
    user = make_user(email="p@example.com")
    make_user(email="o@example.com", role="organizer")
    for email in ("p@example.com", "o@example.com"):
        auth.login(email)
        assert client.get("/admin/users").status_code == 403
        assert client.post(f"/admin/users/{user.id}/role",
                           data={"role": "admin"}).status_code == 403
        auth.logout()


def test_anonymous_admin_page_redirects_to_login(client):
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]
