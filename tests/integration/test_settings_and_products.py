"""Store settings and the product form, saved through their services and read back."""
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.domain.buttons import Policy
from app.domain.errors import StockAdjustmentRefused
from app.extensions import db
from app.models import Role, SettingChange
from app.services.catalog import DuplicateSku, ProductData, create_product, update_product
from app.services.settings import get_settings, update_settings

from tests.support.rows import snapshot
from tests.support.services import (assert_stock_invariants, figures, fresh, ledger, lines, place,
                                    product, user)

TEA = ProductData(sku="TEA-1", name="Assam tea", description="Strong.", price=Decimal("14.50"),
                  on_hand=10, backorder_policy=Policy.STORE, arrival_date=None,
                  backorder_limit=None)


def setting_changes() -> list[tuple]:
    fresh()
    return [tuple(row) for row in db.session.execute(
        select(SettingChange.user_id, SettingChange.setting, SettingChange.old_value,
               SettingChange.new_value).order_by(SettingChange.id))]


def test_update_settings_logs_each_changed_field_with_who_old_and_new(ctx, shop):
    admin = user(shop.user("admin@example.com", Role.ADMIN))

    logged = update_settings({"create_backorder": True, "order_prefix": "W",
                              "auto_release": False}, user=admin)

    fresh()
    settings = get_settings()
    assert (settings.create_backorder, settings.order_prefix, settings.auto_release) == \
        (True, "W", False)
    assert len(logged) == 2
    assert setting_changes() == [(admin.id, "create_backorder", "False", "True"),
                                 (admin.id, "order_prefix", "N", "W")]


def test_update_settings_logs_nothing_when_no_value_changes(ctx, shop):
    shop.settings(out_of_stock_checkout=True)
    unchanged = {"out_of_stock_checkout": True, "order_prefix": "N", "create_backorder": False}

    assert update_settings(unchanged, user=None) == []
    assert setting_changes() == [(None, "out_of_stock_checkout", "False", "True")]


def test_create_product_saves_every_field_and_the_opening_stock(ctx, shop):
    staff = user(shop.user("staff@example.com"))
    data = replace(TEA, backorder_policy=Policy.ALWAYS, arrival_date=date(2030, 1, 15),
                   backorder_limit=5)

    create_product(data, user=staff)

    saved = product("TEA-1")
    assert (saved.name, saved.description, saved.price, saved.backorder_policy,
            saved.arrival_date, saved.backorder_limit) == \
        ("Assam tea", "Strong.", Decimal("14.50"), Policy.ALWAYS, date(2030, 1, 15), 5)
    assert figures("TEA-1") == (10, 0, 0)
    assert ledger("TEA-1") == [("opening stock", 10, 0, 0)]
    assert_stock_invariants()


def test_update_product_saves_every_field_including_a_new_sku(ctx):
    create_product(TEA, user=None)
    changed = ProductData(sku="TEA-2", name="Assam tea, 500 g", description="Stronger.",
                          price=Decimal("24.00"), on_hand=10, backorder_policy=Policy.NEVER,
                          arrival_date=date(2030, 2, 1), backorder_limit=3)

    update_product("TEA-1", changed, user=None)

    saved = product("TEA-2")
    assert (saved.name, saved.description, saved.price, saved.backorder_policy,
            saved.arrival_date, saved.backorder_limit, saved.on_hand) == \
        ("Assam tea, 500 g", "Stronger.", Decimal("24.00"), Policy.NEVER, date(2030, 2, 1), 3, 10)
    assert ledger("TEA-2") == [("opening stock", 10, 0, 0)]
    assert_stock_invariants()


def test_raising_on_hand_on_the_product_form_serves_waiting_orders_first(ctx, shop):
    shop.settings(out_of_stock_checkout=True)
    create_product(replace(TEA, on_hand=0), user=None)
    first, second = place({"TEA-1": 2}).order.reference, place({"TEA-1": 3}).order.reference

    update_product("TEA-1", replace(TEA, on_hand=4), user=None)

    assert lines(first) == [("TEA-1", 2, 2)]
    assert lines(second) == [("TEA-1", 3, 2)]
    assert figures("TEA-1") == (4, 4, 1)
    assert product("TEA-1").available == 0
    assert ledger("TEA-1") == [("checkout", 0, 0, 2), ("checkout", 0, 0, 3),
                               ("adjustment", 4, 0, 0), ("allocate", 0, 2, -2),
                               ("allocate", 0, 2, -2)]
    assert_stock_invariants()


def test_lowering_on_hand_below_committed_is_refused_and_changes_nothing(ctx, shop):
    create_product(replace(TEA, on_hand=5), user=None)
    place({"TEA-1": 3})
    before = snapshot()

    with pytest.raises(StockAdjustmentRefused, match="3 units committed"):
        update_product("TEA-1", replace(TEA, name="Renamed tea", price=Decimal("99.00"),
                                        on_hand=2), user=None)

    assert snapshot() == before
    assert (product("TEA-1").name, product("TEA-1").price) == ("Assam tea", Decimal("14.50"))
    assert_stock_invariants()


def test_lowering_on_hand_down_to_committed_is_an_adjustment_in_the_ledger(ctx):
    create_product(replace(TEA, on_hand=5), user=None)
    place({"TEA-1": 3})

    update_product("TEA-1", replace(TEA, on_hand=3), user=None)

    assert figures("TEA-1") == (3, 3, 0)
    assert ledger("TEA-1")[-1] == ("adjustment", -2, 0, 0)
    assert_stock_invariants()


def test_creating_a_product_with_a_taken_sku_is_refused(ctx):
    create_product(TEA, user=None)
    before = snapshot()

    with pytest.raises(DuplicateSku, match="already a product TEA-1"):
        create_product(replace(TEA, name="Another tea", on_hand=3), user=None)

    assert snapshot() == before
    assert product("TEA-1").name == "Assam tea"


def test_renaming_a_product_to_a_taken_sku_is_refused(ctx):
    create_product(TEA, user=None)
    create_product(replace(TEA, sku="TEA-2", name="Sencha"), user=None)
    before = snapshot()

    with pytest.raises(DuplicateSku, match="already a product TEA-2"):
        update_product("TEA-1", replace(TEA, sku="TEA-2", name="Renamed"), user=None)

    assert snapshot() == before
    assert (product("TEA-1").name, product("TEA-2").name) == ("Assam tea", "Sencha")
