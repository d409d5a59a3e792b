from matchmaker.models import Company, User


def test_create_user_command(runner, db):
    result = runner.invoke(args=["create-user", "org@example.com", "--role", "organizer",
                                 "--password", "a long organizer passphrase"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(db.select(User).filter_by(email="org@example.com")).role \
        == "organizer"


def test_create_user_refuses_weak_password_and_duplicates(runner, make_user):
    weak = runner.invoke(args=["create-user", "a@example.com", "--password", "password"])
    assert weak.exit_code == 2
    assert "12 characters" in weak.output
    make_user(email="b@example.com")
    duplicate = runner.invoke(args=["create-user", "b@example.com", "--password",
                                    "another fine long passphrase"])
    assert duplicate.exit_code == 2
    assert "exists already" in duplicate.output


def test_seed_demo_is_idempotent(runner, db):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "organizer@matchmaker.example" in first.output
    companies = db.session.scalar(db.select(db.func.count(Company.id)))
    assert companies >= 40
    countries = set(db.session.scalars(db.select(Company.country)))
    assert {"DE", "FR"} <= countries
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0
    assert "0 companies added" in second.output
    assert db.session.scalar(db.select(db.func.count(Company.id))) == companies


def test_demo_login_works(runner, client, app):
    runner.invoke(args=["seed-demo"])
    response = client.post("/auth/login", data={"email": "organizer@matchmaker.example",
                                                "password": app.config["DEMO_PASSWORD"]})
    assert response.status_code == 302
