"""The staff account rules (app.domain.staff): who may change which account how, the last
active Admin, new passwords and one-time links."""
from datetime import UTC, datetime, timedelta

import pytest

from app.domain.errors import DomainError
from app.domain.staff import (ADMIN_CHANGES, ENDS_SESSIONS, LINK_LIFETIME, Account, Change,
                              DuplicateAccount, PasswordRefused, Role, StaffChangeRefused,
                              StaleAccount, check_actor, check_new_password,
                              check_staff_change, link_expires, link_works, normal_email,
                              removes_an_admin, row_buttons)

A, S = Role.ADMIN, Role.STAFF
ME = Account(1, "me@example.com", A, True)
OTHER_ADMIN = Account(2, "boss@example.com", A, True)
STAFF = Account(3, "sam@example.com", S, True)
GONE_ADMIN = Account(4, "old@example.com", A, False)
GONE_STAFF = Account(5, "left@example.com", S, False)

LAST = "is the last active Admin: make another account Admin first"
OWN_DEACTIVATE = "You cannot deactivate your own account: ask another Admin"
OWN_RESET = "You cannot reset your own password here: ask another Admin"
NOT_ADMIN = "Only an active Admin can change staff accounts"

C = Change
# (target, change, new role, active Admins, the refusal's message or None when allowed)
RULES = [
    # Role changes
    (STAFF, C.ROLE, A, 1, None),
    (OTHER_ADMIN, C.ROLE, S, 2, None),
    (OTHER_ADMIN, C.ROLE, S, 1, f"boss@example.com {LAST}"),
    (ME, C.ROLE, S, 2, None),  # an Admin may step down while another stays
    (ME, C.ROLE, S, 1, f"me@example.com {LAST}"),  # but not the last one
    (ME, C.ROLE, A, 1, "me@example.com is already Admin"),
    (STAFF, C.ROLE, S, 1, "sam@example.com is already Staff"),
    (GONE_ADMIN, C.ROLE, S, 1, None),  # a deactivated Admin is not one of the active ones
    (GONE_STAFF, C.ROLE, A, 1, None),
    # Deactivating
    (STAFF, C.DEACTIVATE, None, 1, None),
    (OTHER_ADMIN, C.DEACTIVATE, None, 2, None),
    (OTHER_ADMIN, C.DEACTIVATE, None, 1, f"boss@example.com {LAST}"),
    (ME, C.DEACTIVATE, None, 2, OWN_DEACTIVATE),
    (ME, C.DEACTIVATE, None, 1, OWN_DEACTIVATE),
    (GONE_STAFF, C.DEACTIVATE, None, 1, "left@example.com is already deactivated"),
    (GONE_ADMIN, C.DEACTIVATE, None, 1, "old@example.com is already deactivated"),
    # Reactivating
    (GONE_STAFF, C.REACTIVATE, None, 1, None),
    (GONE_ADMIN, C.REACTIVATE, None, 1, None),
    (STAFF, C.REACTIVATE, None, 1, "sam@example.com is already active"),
    (ME, C.REACTIVATE, None, 1, "me@example.com is already active"),
    # Resetting a password
    (STAFF, C.RESET_PASSWORD, None, 1, None),
    (OTHER_ADMIN, C.RESET_PASSWORD, None, 1, None),  # an Admin stays one, with a new password
    (ME, C.RESET_PASSWORD, None, 2, OWN_RESET),
    (GONE_STAFF, C.RESET_PASSWORD, None, 1,
     "Reactivate left@example.com before resetting its password"),
]


@pytest.mark.parametrize("target, change, role, admins, refusal", RULES)
def test_an_admin_may_change_an_account_unless_a_rule_says_no(target, change, role, admins,
                                                              refusal):
    if refusal is None:
        check_staff_change(ME, target, change, admins, role)
    else:
        with pytest.raises(StaffChangeRefused) as refused:
            check_staff_change(ME, target, change, admins, role)
        assert refused.value.message == refusal
        # A refused role change is shown next to the account's Role; others on its row.
        assert refused.value.field == ("role" if change is C.ROLE else "form")


def test_the_table_covers_every_change_an_admin_makes():
    assert {change for _, change, _, _, _ in RULES} == ADMIN_CHANGES
    assert ADMIN_CHANGES == set(Change) - {C.ADD, C.SET_PASSWORD, C.COMMAND_LINE}


@pytest.mark.parametrize("actor", [STAFF, GONE_ADMIN, GONE_STAFF], ids=lambda a: a.email)
@pytest.mark.parametrize("change", sorted(ADMIN_CHANGES))
def test_only_an_active_admin_changes_accounts(actor, change):
    with pytest.raises(StaffChangeRefused) as refused:
        check_staff_change(actor, STAFF, change, 5, S if change is C.ROLE else None)
    assert refused.value.message == NOT_ADMIN
    with pytest.raises(StaffChangeRefused) as refused:
        check_actor(actor)
    assert refused.value.message == NOT_ADMIN


def test_an_active_admin_may_add_accounts():
    check_actor(ME)


@pytest.mark.parametrize("change", [C.ADD, C.SET_PASSWORD, C.COMMAND_LINE])
def test_changes_that_are_not_an_admins_button_are_not_judged_here(change):
    with pytest.raises(ValueError) as wrong:
        check_staff_change(ME, STAFF, change, 2)
    assert str(wrong.value) == f"{change} is not a change an Admin makes to an account"


def test_a_role_change_names_the_new_role():
    with pytest.raises(ValueError) as wrong:
        check_staff_change(ME, STAFF, C.ROLE, 2)
    assert str(wrong.value) == "a role change needs the new role"


def test_a_duplicate_or_stale_account_says_so_next_to_its_field():
    duplicate, stale = DuplicateAccount("kim@example.com"), StaleAccount("kim@example.com")
    assert (duplicate.field, duplicate.message) == (
        "email", "There is already an account for kim@example.com")
    assert (stale.field, stale.message) == (
        "form", "kim@example.com changed since you opened this page: look again and retry")


@pytest.mark.parametrize("target, change, role, removes", [
    (OTHER_ADMIN, C.DEACTIVATE, None, True),
    (OTHER_ADMIN, C.ROLE, S, True),
    (OTHER_ADMIN, C.ROLE, A, False),
    (OTHER_ADMIN, C.RESET_PASSWORD, None, False),
    (OTHER_ADMIN, C.REACTIVATE, None, False),
    (GONE_ADMIN, C.ROLE, S, False),
    (GONE_ADMIN, C.DEACTIVATE, None, False),
    (STAFF, C.DEACTIVATE, None, False),
    (STAFF, C.ROLE, A, False),
])
def test_a_change_removes_an_admin_only_when_an_active_admin_stops_being_one(target, change,
                                                                            role, removes):
    assert removes_an_admin(target, change, role) is removes


@pytest.mark.parametrize("target, buttons", [
    (STAFF, [C.DEACTIVATE, C.RESET_PASSWORD]),
    (OTHER_ADMIN, [C.DEACTIVATE, C.RESET_PASSWORD]),
    (ME, []),
    (GONE_STAFF, [C.REACTIVATE]),
    (GONE_ADMIN, [C.REACTIVATE]),
])
def test_a_row_offers_the_buttons_the_rules_may_allow(target, buttons):
    assert row_buttons(ME, target) == buttons
    for change in buttons:  # each offered button passes, given Admins to spare
        check_staff_change(ME, target, change, 2)
    for change in {C.DEACTIVATE, C.RESET_PASSWORD, C.REACTIVATE} - set(buttons):
        with pytest.raises(StaffChangeRefused):
            check_staff_change(ME, target, change, 2)


def test_the_last_admin_rule_counts_active_admins_not_accounts():
    # Two Admin accounts, one of them deactivated: the other is the last active one.
    with pytest.raises(StaffChangeRefused, match=LAST):
        check_staff_change(ME, OTHER_ADMIN, C.DEACTIVATE, 1)
    check_staff_change(ME, OTHER_ADMIN, C.DEACTIVATE, 2)


def test_deactivating_and_resetting_end_sessions_and_nothing_else_does():
    assert ENDS_SESSIONS == {C.DEACTIVATE, C.RESET_PASSWORD}


# --- Passwords ------------------------------------------------------------------------------

@pytest.mark.parametrize("password, confirm, field, message", [
    ("", "", "password", "Use at least 8 characters"),
    ("1234567", "1234567", "password", "Use at least 8 characters"),
    ("x" * 201, "x" * 201, "password", "Use at most 200 characters"),
    (" " * 8, " " * 8, "password", "Use letters, digits or signs, not only spaces"),
    ("12345678", "12345679", "confirm", "The two passwords differ"),
    ("correct horse", "Correct horse", "confirm", "The two passwords differ"),
])
def test_a_new_password_outside_the_rules_is_refused_naming_its_field(password, confirm, field,
                                                                     message):
    with pytest.raises(PasswordRefused) as refused:
        check_new_password(password, confirm)
    assert (refused.value.field, refused.value.message) == (field, message)
    assert isinstance(refused.value, DomainError)


@pytest.mark.parametrize("password", ["12345678", "x" * 200, " padded ", "ünïcødé!"])
def test_a_new_password_of_8_to_200_characters_typed_twice_is_taken(password):
    check_new_password(password, password)


# --- One-time links ---------------------------------------------------------------------------

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("expires_at, works", [
    (NOW + timedelta(seconds=1), True),
    (NOW + LINK_LIFETIME, True),
    (NOW, False),  # the moment it expires, it no longer works
    (NOW - timedelta(seconds=1), False),
    (None, False),  # used (or never issued)
])
def test_a_link_works_until_the_moment_it_expires(expires_at, works):
    assert link_works(expires_at, NOW) is works


def test_a_link_lasts_72_hours():
    assert link_expires(NOW) == NOW + timedelta(hours=72)
    assert link_works(link_expires(NOW), NOW + timedelta(hours=72) - timedelta(microseconds=1))
    assert not link_works(link_expires(NOW), NOW + timedelta(hours=72))


@pytest.mark.parametrize("typed, kept", [
    ("Sam@Example.COM", "sam@example.com"),
    ("  sam@example.com\t", "sam@example.com"),
    ("sam@example.com", "sam@example.com"),
])
def test_emails_are_kept_in_lower_case_without_spaces(typed, kept):
    assert normal_email(typed) == kept


def test_roles_read_as_admin_and_staff():
    assert [role.label for role in Role] == ["Admin", "Staff"]
