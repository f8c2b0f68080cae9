"""Staff account use cases against the database (app/services/staff.py), and the migration
that adds what they need."""
from datetime import timedelta

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text, update

from app.domain.staff import DuplicateAccount, PasswordRefused, StaffChangeRefused, StaleAccount
from app.extensions import db
from app.models import Role, StaffAudit, User
from app.models.types import utcnow
from app.services import staff
from tests.integration.test_ledger_note_migration import empty_database, migrating  # noqa: F401
from tests.support import services
from tests.support.rows import snapshot

PASSWORD = "a good long password"


@pytest.fixture
def admin(ctx) -> User:
    staff.save_from_command_line("admin@example.com", Role.ADMIN, PASSWORD)
    return services.user("admin@example.com")


def token_of(issued: staff.Issued) -> str:
    return issued.link.rsplit("/", 1)[1]


def audit_rows() -> list[tuple]:
    services.fresh()
    return [(row.actor_id, row.target_id, row.change, row.detail)
            for row in db.session.scalars(select(StaffAudit).order_by(StaffAudit.id))]


def test_an_added_account_has_no_password_until_its_link_sets_one(admin):
    issued = staff.add_account(" Kim@Example.com", Role.STAFF, admin.id)
    kim = services.user("kim@example.com")
    assert (kim.role, kim.is_active, kim.has_password, kim.check_password("")) == (
        Role.STAFF, True, False, False)
    assert issued.email == "kim@example.com"
    assert kim.password_token_hash and token_of(issued) not in kim.password_token_hash
    assert staff.link_account(token_of(issued)).id == kim.id
    staff.set_password(token_of(issued), PASSWORD, PASSWORD)
    kim = services.user("kim@example.com")
    assert kim.check_password(PASSWORD)
    assert (kim.password_token_hash, kim.password_token_expires_at) == (None, None)
    assert staff.link_account(token_of(issued)) is None
    with pytest.raises(staff.LinkRefused):
        staff.set_password(token_of(issued), "another password", "another password")
    assert audit_rows()[-2:] == [(admin.id, kim.id, "add", "as Staff"),
                                 (kim.id, kim.id, "set_password", "")]


def test_a_refused_new_password_changes_nothing(admin):
    issued = staff.add_account("kim@example.com", Role.STAFF, admin.id)
    before = snapshot()
    with pytest.raises(PasswordRefused):
        staff.set_password(token_of(issued), "short", "short")
    assert snapshot() == before


def test_a_link_stops_working_the_moment_it_expires(admin):
    issued = staff.add_account("kim@example.com", Role.STAFF, admin.id)
    db.session.execute(update(User).where(User.email == "kim@example.com")
                       .values(password_token_expires_at=utcnow()))
    db.session.commit()
    assert staff.link_account(token_of(issued)) is None
    with pytest.raises(staff.LinkRefused):
        staff.set_password(token_of(issued), PASSWORD, PASSWORD)


def test_a_link_lasts_72_hours(admin):
    before = utcnow()
    issued = staff.add_account("kim@example.com", Role.STAFF, admin.id)
    assert before + timedelta(hours=72) <= issued.expires_at <= utcnow() + timedelta(hours=72)


def test_one_account_per_address_whatever_its_case(admin):
    staff.add_account("kim@example.com", Role.STAFF, admin.id)
    before = snapshot()
    with pytest.raises(DuplicateAccount, match="There is already an account for kim@example.com"):
        staff.add_account("KIM@example.COM", Role.ADMIN, admin.id)
    assert snapshot() == before


def test_a_session_stands_while_the_account_is_active_and_its_version_unchanged(admin):
    session_id = admin.get_id()
    assert session_id == f"{admin.id}:1"
    assert staff.signed_in_user(session_id).id == admin.id
    member = services.user("admin@example.com")
    staff.save_from_command_line("staff@example.com", Role.STAFF, PASSWORD)
    sam = services.user("staff@example.com")
    sam_session = sam.get_id()
    staff.deactivate(sam.id, sam.version, member.id)
    assert staff.signed_in_user(sam_session) is None
    sam = services.user("staff@example.com")
    staff.reactivate(sam.id, sam.version, member.id)
    assert staff.signed_in_user(sam_session) is None  # ended sessions stay ended
    assert staff.signed_in_user(services.user("staff@example.com").get_id()) is not None


@pytest.mark.parametrize("session_id", ["", "1", "1:", ":1", "a:1", "1:a", "1:1:1", "-1:1",
                                        "999:1", "99999999999999999999:1", "1:2"])
def test_a_session_id_that_names_no_standing_session_signs_nobody_in(admin, session_id):
    assert staff.signed_in_user(session_id) is None


def test_a_reset_clears_the_password_and_ends_sessions(admin):
    staff.save_from_command_line("staff@example.com", Role.STAFF, PASSWORD)
    sam = services.user("staff@example.com")
    old_session = sam.get_id()
    issued = staff.reset_password(sam.id, sam.version, admin.id)
    sam = services.user("staff@example.com")
    assert not sam.check_password(PASSWORD)
    assert staff.signed_in_user(old_session) is None
    assert staff.link_account(token_of(issued)).id == sam.id
    assert [(e.to, e.subject) for e in services.outbox()] == [
        ("staff@example.com", "Your staff account: set a new password")]
    assert issued.link in services.outbox()[0].body


def test_a_change_to_an_account_opened_before_another_is_refused(admin):
    staff.save_from_command_line("staff@example.com", Role.STAFF, PASSWORD)
    sam = services.user("staff@example.com")
    sam_id, opened = sam.id, sam.version  # the version the page showed
    staff.change_role(sam_id, opened, Role.ADMIN, admin.id)
    before = snapshot()
    with pytest.raises(StaleAccount, match="staff@example.com changed since you opened"):
        staff.deactivate(sam_id, opened, admin.id)
    assert snapshot() == before


def test_the_last_active_admin_stays_one(admin):
    before = snapshot()
    with pytest.raises(StaffChangeRefused, match="last active Admin"):
        staff.change_role(admin.id, admin.version, Role.STAFF, admin.id)
    assert snapshot() == before


def test_an_admin_demoted_a_moment_ago_changes_nothing(admin):
    staff.save_from_command_line("boss@example.com", Role.ADMIN, PASSWORD)
    boss = services.user("boss@example.com")
    staff.change_role(admin.id, admin.version, Role.STAFF, boss.id)
    staff.save_from_command_line("staff@example.com", Role.STAFF, PASSWORD)
    sam = services.user("staff@example.com")
    with pytest.raises(StaffChangeRefused, match="Only an active Admin"):
        staff.deactivate(sam.id, sam.version, admin.id)
    with pytest.raises(StaffChangeRefused, match="Only an active Admin"):
        staff.add_account("new@example.com", Role.STAFF, admin.id)


def test_the_command_line_brings_back_a_deactivated_account_and_ends_its_sessions(admin):
    staff.save_from_command_line("staff@example.com", Role.STAFF, PASSWORD)
    sam = services.user("staff@example.com")
    staff.deactivate(sam.id, sam.version, admin.id)
    old_session = services.user("staff@example.com").get_id()
    assert staff.save_from_command_line("STAFF@example.com", Role.ADMIN, "new password!") is False
    sam = services.user("staff@example.com")
    assert (sam.role, sam.is_active, sam.check_password("new password!")) == (
        Role.ADMIN, True, True)
    assert staff.signed_in_user(old_session) is None
    assert audit_rows()[-1] == (None, sam.id, "command_line",
                                "made active as Admin, with a password")


def test_signing_in_is_recorded(admin):
    assert admin.last_sign_in_at is None
    staff.record_sign_in(admin.id)
    assert services.user("admin@example.com").last_sign_in_at is not None


# --- The migration ---------------------------------------------------------------------------

BEFORE, STAFF = "d4b2e1c9a8f6", "e5c3a7f1b2d9"


def test_the_migration_keeps_existing_accounts_active_and_goes_back(migrating):  # noqa: F811
    upgrade(revision=BEFORE)
    db.session.execute(text(
        "INSERT INTO users (id, email, password_hash, role, created_at) "
        "VALUES (1, 'admin@example.com', 'x', 'ADMIN', CURRENT_TIMESTAMP)"))
    db.session.commit()
    upgrade(revision=STAFF)
    row = db.session.execute(text(
        "SELECT email, deactivated_at, last_sign_in_at, version, session_version, "
        "password_token_hash FROM users")).one()
    assert tuple(row) == ("admin@example.com", None, None, 1, 1, None)
    db.session.execute(text(
        "INSERT INTO staff_audit (at, actor_id, target_id, change, detail) "
        "VALUES (CURRENT_TIMESTAMP, NULL, 1, 'command_line', '')"))
    db.session.commit()
    downgrade(revision=BEFORE)
    assert db.session.execute(text("SELECT email FROM users")).scalars().all() == [
        "admin@example.com"]
    db.session.commit()
    upgrade()  # and up again, to the head
    db.session.commit()


# --- flask create-user ------------------------------------------------------------------------

def test_create_user_makes_the_first_admin_and_later_brings_an_account_back(app):
    runner = app.test_cli_runner()
    made = runner.invoke(args=["create-user", "Owner@Shop.example", "--role", "admin",
                               "--password", PASSWORD])
    assert made.exit_code == 0, made.output
    assert "Created admin Owner@Shop.example." in made.output
    with app.app_context():
        owner = services.user("owner@shop.example")
        staff.save_from_command_line("boss@shop.example", Role.ADMIN, PASSWORD)
        boss = services.user("boss@shop.example")
        staff.deactivate(owner.id, owner.version, boss.id)
        db.session.remove()
    again = runner.invoke(args=["create-user", "owner@shop.example", "--role", "admin",
                                "--password", "a fresh password"])
    assert again.exit_code == 0, again.output
    assert "Updated admin owner@shop.example." in again.output
    with app.app_context():
        owner = services.user("owner@shop.example")
        assert owner.is_active and owner.check_password("a fresh password")
        db.session.remove()


@pytest.mark.parametrize("password, message", [
    ("short", "use at least 8 characters"),
    (" " * 9, "use letters, digits or signs, not only spaces"),
])
def test_create_user_refuses_a_password_the_rules_refuse(app, password, message):
    result = app.test_cli_runner().invoke(args=["create-user", "kim@example.com", "--role",
                                                "staff", "--password", password])
    assert result.exit_code == 2
    assert message in result.output
    with app.app_context():
        assert db.session.scalar(select(User.id)) is None
        db.session.remove()
