"""Two Admins changing each other's accounts at the same moment never leave the shop
without an active Admin: each change locks the active Admins' rows (and the two accounts)
before it counts them (app/services/staff.py)."""
import time

import pytest

from app.domain.staff import StaffChangeRefused
from app.models import Role
from app.services import staff
from tests.concurrency.test_races import run_together
from tests.support import services


@pytest.fixture
def slow_rules(monkeypatch):
    """Hold each change between counting the Admins and writing: without the locks, both
    would count two Admins and both go ahead."""
    judge = staff.check_staff_change

    def slowly(*args, **kwargs):
        judge(*args, **kwargs)
        time.sleep(0.3)
    monkeypatch.setattr(staff, "check_staff_change", slowly)


def admins(shop) -> tuple[dict, dict]:
    shop.user("ann@example.com", Role.ADMIN)
    shop.user("bob@example.com", Role.ADMIN)
    return tuple(shop.read(lambda e=e: {"id": services.user(e).id,
                                        "version": services.user(e).version})
                 for e in ("ann@example.com", "bob@example.com"))


def active_admins(shop) -> list[str]:
    return shop.read(lambda: [u.email for u in staff.accounts()
                              if u.is_active and u.role is Role.ADMIN])


@pytest.mark.parametrize("change", ["change_role", "deactivate"])
def test_two_admins_removing_each_other_at_once_leave_one(app, shop, slow_rules, change):
    ann, bob = admins(shop)

    def remove(target: dict, actor: dict):
        def job():
            if change == "change_role":
                return staff.change_role(target["id"], target["version"], Role.STAFF,
                                         actor["id"])
            return staff.deactivate(target["id"], target["version"], actor["id"])
        return job

    outcomes = run_together(app, [remove(bob, ann), remove(ann, bob)])
    refused = [o for o in outcomes if isinstance(o, StaffChangeRefused)]
    assert len(refused) == 1, outcomes
    assert refused[0].message == "Only an active Admin can change staff accounts"
    assert len(active_admins(shop)) == 1
