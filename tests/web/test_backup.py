"""matchmaker backup / restore on SQLite: a restored database holds exactly what was saved."""

import pytest

from matchmaker.models import Company, User


@pytest.fixture
def sqlite_only(backend):
    if backend != "sqlite":
        pytest.skip("PostgreSQL is backed up with pg_dump (README)")


def counts(db):
    return (db.session.scalar(db.select(db.func.count(User.id))),
            db.session.scalar(db.select(db.func.count(Company.id))))


def test_backup_then_restore_brings_back_the_rows(sqlite_only, runner, db, make_user,
                                                  make_company, tmp_path):
    make_company(make_user())
    before = counts(db)
    target = tmp_path / "backups" / "matchmaker.db"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    make_user(email="later@example.com")
    db.session.commit()
    assert counts(db) != before
    db.session.remove()
    result = runner.invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    assert counts(db) == before
    assert db.session.scalar(db.select(User.email).filter_by(email="later@example.com")) is None


def test_backup_refuses_to_overwrite(sqlite_only, runner, tmp_path):
    target = tmp_path / "exists.db"
    target.write_text("keep me")
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 1
    assert "exists already" in result.output
    assert target.read_text() == "keep me"


def test_restore_refuses_a_file_that_is_not_a_database(sqlite_only, runner, tmp_path, db,
                                                       make_user):
    make_user()
    bogus = tmp_path / "bogus.db"
    bogus.write_text("not a database " * 100)
    result = runner.invoke(args=["restore", str(bogus), "--yes"])
    assert result.exit_code == 1
    assert "not a SQLite database" in result.output
    assert counts(db)[0] == 1


def test_postgresql_is_refused_with_a_pointer_to_pg_dump(backend, runner, tmp_path):
    if backend != "postgresql":
        pytest.skip("the PostgreSQL refusal")
    result = runner.invoke(args=["backup", str(tmp_path / "x.db")])
    assert result.exit_code == 1
    assert "pg_dump" in result.output
