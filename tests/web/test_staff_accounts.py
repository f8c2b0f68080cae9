"""/admin/users, as Admins use it: the accounts, adding one with a one-time link, changing a
role, deactivating (signed out at once), reactivating, resetting a password, the audit list;
Staff never reach it; bad, stale, forged and token-less posts change nothing."""
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import update

from app.extensions import db
from app.models import Role, User
from app.models.types import utcnow
from tests.support import bad_input as bad
from tests.support import services
from tests.web.pages import Element, Page

USERS = "/admin/users"
NO_MATCH = "That email and password do not match"
NEW_PASSWORD = "a brand new password"


@pytest.fixture
def staff_member(shop) -> str:
    return shop.user("staff@example.com", Role.STAFF)


def account(shop, email: str) -> dict:
    def read():
        user = services.user(email)
        return {"id": user.id, "version": user.version, "role": user.role,
                "active": user.is_active, "has_password": user.has_password}
    return shop.read(read)


def row(page: Page, email: str) -> Element:
    rows = [tr for tr in page.root.find_all("tr")
            if (cells := tr.find_all("td")) and cells[0].text.split(" (you)")[0] == email]
    assert len(rows) == 1, f"{len(rows)} rows for {email}"
    return rows[0]


def press(client, email: str, button: str, **changes):
    """Press a button on an account's row as the page shows it, with some fields changed."""
    in_row = Page(row(Page(client.get(USERS)), email))
    form = in_row.form_of(button)
    return client.post(form.attrs["action"], data={**in_row.form_data(button), **changes})


def add(client, email: str, role: str = "staff"):
    return client.submit(USERS, {"email": email, "role": role})


def link_path(response) -> str:
    """The one-time link the page shows, as a path for the test client."""
    return urlsplit(Page(response).control("Set-password link").attrs["value"]).path


def audit(page: Page) -> list[list[str]]:
    return [cells[1:] for cells in page.table_rows("Changes to accounts")]


def set_password(client, path: str, password: str = NEW_PASSWORD):
    client.token()
    return client.submit(path, {"password": password, "confirm": password})


# --- The page --------------------------------------------------------------------------------

def test_admins_see_every_account_with_role_status_and_last_sign_in(admin_client, shop,
                                                                    staff_member):
    page = Page(admin_client.get(USERS))
    rows = {cells[0]: cells for cells in page.table_rows("Staff accounts")}
    assert set(rows) == {"admin@example.com (you)", "staff@example.com"}
    email, role, status, created, last = rows["staff@example.com"][:5]
    assert status == "Active" and last == "Never" and created
    assert page.value("Role for staff@example.com") == "staff"
    assert page.value("Role for admin@example.com") == "admin"
    assert "UTC" in rows["admin@example.com (you)"][4]  # signed in by the fixture


def test_the_page_has_its_labels_and_buttons(admin_client, staff_member):
    page = Page(admin_client.get(USERS))
    assert page.control("Email").attrs["name"] == "email"
    assert page.options("Role") == ["Admin", "Staff"]
    assert page.value("Role") == "staff"
    assert "Add account" in page.button_texts()
    buttons = Page(row(page, "staff@example.com")).button_texts()
    assert buttons == ["Change role", "Deactivate", "Reset password"]
    for form in page.root.find_all("form"):
        assert form.attrs["method"] == "post"
        assert Page(form).hidden("csrf_token")


def test_setup_and_tools_links_to_staff_accounts(admin_client):
    assert Page(admin_client.get("/admin/settings")).links()["Staff accounts"] == USERS


# --- Adding an account -----------------------------------------------------------------------

def test_adding_an_account_shows_a_one_time_link_once_and_emails_it(admin_client, shop):
    response = add(admin_client, "New.Person@Example.com ", "staff")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = Page(response)
    assert "Added new.person@example.com as Staff" in page.flashes()
    path = link_path(response)
    assert path.startswith("/admin/set-password/")
    assert account(shop, "new.person@example.com") == {
        "id": 2, "version": 1, "role": Role.STAFF, "active": True, "has_password": False}
    rows = {cells[0]: cells for cells in page.table_rows("Staff accounts")}
    assert rows["new.person@example.com"][2] == "Active, no password yet"
    assert audit(page)[0] == ["admin@example.com", "Added the account: as Staff",
                              "new.person@example.com"]
    emails = shop.read(lambda: [(e.to, e.subject, e.body) for e in services.outbox()])
    assert [(to, subject) for to, subject, _ in emails] == [
        ("new.person@example.com", "Your staff account: set your password")]
    assert path in emails[0][2]
    # Shown once: the page never shows it again.
    again = admin_client.get(USERS)
    assert path not in again.get_data(as_text=True)
    assert "Set-password link" not in Page(again).labels()


def test_the_link_sets_the_password_once_and_the_new_account_signs_in(admin_client, app, shop):
    path = link_path(add(admin_client, "kim@example.com", "admin"))
    kim = app.test_client()
    form = Page(kim.get(path))
    assert "kim@example.com" in form
    assert form.control("New password").attrs["type"] == "password"
    assert form.control("Type it again").attrs["autocomplete"] == "new-password"
    response = set_password(kim, path)
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/admin/login"
    assert kim.get(path).status_code == 404  # used: it works once
    assert set_password(kim, path, "yet another password").status_code == 404
    assert kim.sign_in("kim@example.com", NEW_PASSWORD).status_code == 302
    assert kim.get(USERS).status_code == 200  # an Admin
    assert audit(Page(admin_client.get(USERS)))[0] == [
        "kim@example.com", "Set a password through a one-time link", "kim@example.com"]


@pytest.mark.parametrize("password, confirm, label, message", [
    ("short", "short", "New password", "Use at least 8 characters"),
    ("", "", "New password", "Enter a password"),
    (bad.LONG, bad.LONG, "New password", bad.too_long(200)),
    ("long enough one", "long enough two", "Type it again", "The two passwords differ"),
    ("long enough one", "", "Type it again", "Type the password again"),
])
def test_a_bad_new_password_comes_back_with_its_message_and_the_link_still_works(
        admin_client, app, shop, snapshot, password, confirm, label, message):
    path = link_path(add(admin_client, "kim@example.com"))
    kim = app.test_client()
    kim.token()
    before = snapshot()
    response = kim.submit(path, {"password": password, "confirm": confirm})
    assert response.status_code == 400
    assert message in Page(response).errors(label)
    assert snapshot() == before
    assert set_password(kim, path).status_code == 302


def test_an_expired_link_does_not_work(admin_client, app, shop, snapshot):
    path = link_path(add(admin_client, "kim@example.com"))
    shop.read(lambda: (db.session.execute(update(User).where(User.email == "kim@example.com")
                                          .values(password_token_expires_at=utcnow()
                                                  - timedelta(seconds=1))),
                       db.session.commit()))
    kim = app.test_client()
    response = kim.get(path)
    assert response.status_code == 404
    assert "ask an Admin" in Page(response).text.replace("Ask an Admin", "ask an Admin")
    before = snapshot()
    assert set_password(kim, path).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("token", ["nope", "x" * 43, bad.LONG[:2000], "%00"])
def test_a_made_up_link_does_not_work(client, shop, token):
    assert client.get(f"/admin/set-password/{token}").status_code in (400, 404)


def test_the_add_form_posted_twice_adds_the_account_once(admin_client, shop):
    data = Page(admin_client.get(USERS)).form_data("Add account")
    assert data["once"]
    data.update(email="kim@example.com", role="staff")
    assert admin_client.post(USERS, data=data).status_code == 200
    again = admin_client.post(USERS, data=data)
    assert again.status_code == 302
    assert ("This form already added kim@example.com: its link was emailed to it, and Reset "
            "password on its row gives a new one") in Page(admin_client.get(USERS)).flashes()
    assert shop.read(lambda: len(services.outbox())) == 1
    assert [row[0] for row in Page(admin_client.get(USERS)).table_rows("Staff accounts")] == [
        "admin@example.com (you)", "kim@example.com"]


@pytest.mark.parametrize("typed", ["staff@example.com", "STAFF@example.com", " Staff@Example.Com"])
def test_an_email_that_already_has_an_account_is_refused_whatever_its_case(
        admin_client, staff_member, snapshot, typed):
    before = snapshot()
    response = add(admin_client, typed, "admin")
    assert response.status_code == 409
    assert "There is already an account for staff@example.com" in Page(response).errors("Email")
    assert snapshot() == before


@pytest.mark.parametrize("row", bad.STAFF_ACCOUNT, ids=lambda r: f"{r.field}={r.value[:20]!r}")
def test_add_account_refuses_bad_input_next_to_the_field(admin_client, snapshot, row):
    before = snapshot()
    data = {"email": "kim@example.com", "role": "staff", row.field: row.value}
    response = admin_client.submit(USERS, data)
    assert response.status_code == row.status
    assert row.message in Page(response).errors(row.label)
    assert snapshot() == before


# --- Changing an account ---------------------------------------------------------------------

def test_changing_a_role_makes_staff_an_admin_and_is_audited(admin_client, app, shop,
                                                            staff_member):
    staff = app.test_client()
    staff.sign_in(staff_member)
    assert staff.get(USERS).status_code == 403
    response = press(admin_client, staff_member, "Change role", role="admin")
    assert response.status_code == 302
    page = Page(admin_client.get(response.headers["Location"]))
    assert "staff@example.com is now Admin" in page.flashes()
    assert audit(page)[0] == ["admin@example.com", "Changed the role: Staff to Admin",
                              "staff@example.com"]
    assert staff.get(USERS).status_code == 200  # the role counts from the next request on


@pytest.mark.parametrize("row", bad.STAFF_ROLE, ids=lambda r: repr(r.value))
def test_a_bad_role_comes_back_next_to_the_accounts_role(admin_client, staff_member, snapshot,
                                                         row):
    before = snapshot()
    response = press(admin_client, staff_member, "Change role", role=row.value)
    assert response.status_code == row.status
    assert row.message in Page(response).errors(row.label)
    assert snapshot() == before


def test_deactivating_signs_the_account_out_at_once_and_sign_in_refuses_it(
        admin_client, app, shop, staff_member):
    staff = app.test_client()
    assert staff.sign_in(staff_member).status_code == 302
    assert staff.get("/admin/orders").status_code == 200
    response = press(admin_client, staff_member, "Deactivate")
    assert response.status_code == 302
    page = Page(admin_client.get(USERS))
    assert "Deactivated staff@example.com: signed out" in page.flashes()
    # The staff member's very next request, with the same cookie, is signed out.
    response = staff.get("/admin/orders")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/admin/login"
    # And signing in again reads exactly as a wrong password.
    refused = staff.sign_in(staff_member)
    assert refused.status_code == 200
    assert Page(refused).errors("Password") == [NO_MATCH]
    assert Page(row(page, staff_member)).button_texts() == ["Change role", "Reactivate"]
    assert audit(page)[0] == ["admin@example.com", "Deactivated", "staff@example.com"]
    assert account(shop, staff_member)["active"] is False


def test_reactivating_lets_the_account_sign_in_again_with_its_password(admin_client, app,
                                                                       shop, staff_member):
    staff = app.test_client()
    staff.sign_in(staff_member)
    press(admin_client, staff_member, "Deactivate")
    assert press(admin_client, staff_member, "Reactivate").status_code == 302
    assert staff.get("/admin/orders").status_code == 302  # its old session stays ended
    assert staff.sign_in(staff_member).status_code == 302
    assert staff.get("/admin/orders").status_code == 200
    assert audit(Page(admin_client.get(USERS)))[0] == [
        "admin@example.com", "Reactivated", "staff@example.com"]


def test_resetting_a_password_ends_sessions_and_the_old_password(admin_client, app, shop,
                                                                 staff_member):
    staff = app.test_client()
    staff.sign_in(staff_member)
    response = press(admin_client, staff_member, "Reset password")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "Reset the password of staff@example.com: signed out" in Page(response).flashes()
    path = link_path(response)
    assert staff.get("/admin/orders").status_code == 302
    assert Page(staff.sign_in(staff_member)).errors("Password") == [NO_MATCH]
    emails = shop.read(lambda: [(e.to, e.subject, e.body) for e in services.outbox()])
    assert emails[-1][:2] == ("staff@example.com", "Your staff account: set a new password")
    assert path in emails[-1][2]
    assert set_password(staff, path).status_code == 302
    assert staff.sign_in(staff_member, NEW_PASSWORD).status_code == 302
    assert staff.get("/admin/orders").status_code == 200


def test_a_second_reset_makes_the_first_link_stop_working(admin_client, app, staff_member):
    first = link_path(press(admin_client, staff_member, "Reset password"))
    second = link_path(press(admin_client, staff_member, "Reset password"))
    assert first != second
    staff = app.test_client()
    assert staff.get(first).status_code == 404
    assert staff.get(second).status_code == 200


def test_deactivating_an_account_makes_its_link_stop_working(admin_client, app, shop):
    path = link_path(add(admin_client, "kim@example.com"))
    press(admin_client, "kim@example.com", "Deactivate")
    assert app.test_client().get(path).status_code == 404
    press(admin_client, "kim@example.com", "Reactivate")
    assert app.test_client().get(path).status_code == 404  # a new one needs Reset password


# --- The last Admin and one's own account ----------------------------------------------------

def test_the_last_active_admin_cannot_step_down(admin_client, shop, snapshot):
    before = snapshot()
    response = press(admin_client, "admin@example.com", "Change role", role="staff")
    assert response.status_code == 409
    assert ("admin@example.com is the last active Admin: make another account Admin first"
            in Page(response).all_errors())
    assert snapshot() == before


def test_an_admin_may_step_down_while_another_admin_stays(admin_client, shop):
    shop.user("boss@example.com", Role.ADMIN)
    response = press(admin_client, "admin@example.com", "Change role", role="staff")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/admin/"
    assert admin_client.get(USERS).status_code == 403


def test_ones_own_row_offers_only_the_role(admin_client):
    own = Page(row(Page(admin_client.get(USERS)), "admin@example.com"))
    assert own.button_texts() == ["Change role"]
    assert "Another Admin can deactivate your account or reset its password" in own.root.text


@pytest.mark.parametrize("action, message", [
    ("deactivate", "You cannot deactivate your own account: ask another Admin"),
    ("reset-password", "You cannot reset your own password here: ask another Admin"),
])
def test_an_admin_cannot_deactivate_or_reset_their_own_account(admin_client, shop, snapshot,
                                                               action, message):
    shop.user("boss@example.com", Role.ADMIN)
    me = account(shop, "admin@example.com")
    before = snapshot()
    response = admin_client.submit(f"/admin/users/{me['id']}/{action}",
                                   {"version": str(me["version"])})
    assert response.status_code == 409
    page = Page(response)
    assert [p.text for p in row(page, "admin@example.com").find_all("p")] == [message]
    assert snapshot() == before
    assert admin_client.get(USERS).status_code == 200


def test_a_deactivated_admin_does_not_count_as_an_admin(admin_client, shop):
    shop.user("boss@example.com", Role.ADMIN)
    assert press(admin_client, "boss@example.com", "Deactivate").status_code == 302
    response = press(admin_client, "admin@example.com", "Change role", role="staff")
    assert response.status_code == 409


# --- Stale, forged and token-less posts ------------------------------------------------------

def test_a_form_opened_before_another_change_is_refused(admin_client, app, shop, staff_member,
                                                        snapshot):
    old_page = Page(row(Page(admin_client.get(USERS)), staff_member))
    other = app.test_client()
    shop.user("boss@example.com", Role.ADMIN)
    other.sign_in("boss@example.com")
    assert press(other, staff_member, "Change role", role="admin").status_code == 302
    before = snapshot()
    form = old_page.form_of("Deactivate")
    response = admin_client.post(form.attrs["action"], data=old_page.form_data("Deactivate"))
    assert response.status_code == 409
    assert [p.text for p in row(Page(response), staff_member).find_all("p")] == [
        "staff@example.com changed since you opened this page: look again and retry"]
    assert snapshot() == before


@pytest.mark.parametrize("version", ["abc", "", "-1", "9999999999", "1.5"])
def test_a_forged_version_is_refused(admin_client, staff_member, snapshot, version):
    before = snapshot()
    response = press(admin_client, staff_member, "Deactivate", version=version)
    assert response.status_code == 400
    assert "This page is out of date: reload it and try again" in Page(response).all_errors()
    assert snapshot() == before


def test_a_forged_version_on_a_forged_account_still_says_why(admin_client, snapshot):
    before = snapshot()
    response = admin_client.submit("/admin/users/999/deactivate", {"version": "abc"})
    assert response.status_code == 400
    assert Page(response).all_errors() == ["This page is out of date: reload it and try again"]
    assert snapshot() == before


@pytest.mark.parametrize("path", [
    "/admin/users/999/deactivate", "/admin/users/0/reset-password",
    "/admin/users/99999999999999999999/deactivate", "/admin/users/2147483648/role",
    "/admin/users/1/delete", "/admin/users/abc/deactivate", "/admin/users/-1/deactivate",
])
def test_a_forged_account_or_button_is_not_found(admin_client, snapshot, path):
    before = snapshot()
    response = admin_client.submit(path, {"version": "1", "role": "staff"})
    assert response.status_code == 404
    assert snapshot() == before


def test_every_post_without_its_csrf_token_is_refused(admin_client, staff_member, shop,
                                                      snapshot):
    staff_id = account(shop, staff_member)["id"]
    before = snapshot()
    for path, data in [(USERS, {"email": "kim@example.com", "role": "admin"}),
                       *[(f"/admin/users/{staff_id}/{action}", {"version": "1", "role": "admin"})
                         for action in ("role", "deactivate", "reactivate", "reset-password")]]:
        response = admin_client.post(path, data=data)
        assert response.status_code == 400, path
    assert snapshot() == before


def test_setting_a_password_without_the_csrf_token_is_refused(admin_client, app, snapshot):
    path = link_path(add(admin_client, "kim@example.com"))
    before = snapshot()
    response = app.test_client().post(path, data={"password": NEW_PASSWORD,
                                                  "confirm": NEW_PASSWORD})
    assert response.status_code == 400
    assert snapshot() == before


# --- Staff -----------------------------------------------------------------------------------

def test_staff_cannot_reach_any_of_it(staff_client, shop, snapshot):
    shop.user("admin@example.com", Role.ADMIN)
    admin_id = account(shop, "admin@example.com")["id"]
    response = staff_client.get(USERS)
    assert response.status_code == 403
    assert "Not allowed" in Page(response)
    assert staff_client.get(f"{USERS}?page=2").status_code == 403
    before = snapshot()
    assert staff_client.submit(USERS, {"email": "kim@example.com",
                                       "role": "admin"}).status_code == 403
    for action in ("role", "deactivate", "reactivate", "reset-password"):
        response = staff_client.submit(f"/admin/users/{admin_id}/{action}",
                                       {"version": "1", "role": "staff"})
        assert response.status_code == 403, action
    assert snapshot() == before
    assert "Staff accounts" not in Page(staff_client.get("/admin/")).links()


# --- The audit list --------------------------------------------------------------------------

def test_the_audit_list_is_newest_first_and_paginated(admin_client, app, shop, monkeypatch):
    monkeypatch.setitem(app.config, "ADMIN_PAGE_SIZE", 2)
    for name in ("ann", "bob", "cat"):
        add(admin_client, f"{name}@example.com")
    first = Page(admin_client.get(USERS))
    # The fixture's account came from the command line, before the three added here.
    assert [entry[2] for entry in audit(first)] == ["cat@example.com", "bob@example.com"]
    assert "Next" in first.links()
    second = Page(admin_client.get(first.links()["Next"]))
    assert [entry[2] for entry in audit(second)] == ["ann@example.com", "admin@example.com"]
    assert audit(second)[1][:2] == ["Command line", "Set from the command line: created as Admin, "
                                                    "with a password"]
    assert Page(admin_client.get(f"{USERS}?page=99")).table_rows("Changes to accounts") == [
        ["No changes yet."]]
    assert admin_client.get(f"{USERS}?page=abc").status_code == 200
