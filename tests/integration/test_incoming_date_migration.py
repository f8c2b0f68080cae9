"""The migration that adds the approval setting and each product's incoming date fills
the date for the purchase orders already on their way, and leaves the page cache's
triggers in place both ways. On a database of its own, from an empty schema."""
from datetime import date

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from app.extensions import db
from tests.integration.test_ledger_note_migration import empty_database, migrating  # noqa: F401

BEFORE = "e5c3a7f19b2d"  # the revision before this one
ADDED = "e5c3a7b9d1f2"
FIRST, SECOND = date(2031, 1, 10), date(2031, 2, 10)


def triggers() -> set[str]:
    if db.engine.dialect.name == "sqlite":
        return set(db.session.scalars(text(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'")))
    return set(db.session.scalars(text(
        "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")))


def test_the_incoming_date_is_filled_past_the_units_waiting_and_the_triggers_stay(
        migrating):  # noqa: F811
    upgrade(revision=BEFORE)
    kept = triggers()
    assert kept  # the page cache's
    db.session.execute(text(
        "INSERT INTO suppliers (id, name, email, lead_time_days) "
        "VALUES (1, 'Tea Co', 'orders@teaco.example', 7)"))
    for product_id, sku, waiting in ((1, "TEA-1", 2), (2, "POT-1", 5), (3, "CUP-1", 0)):
        db.session.execute(text(
            "INSERT INTO products (id, sku, name, description, price, on_hand, committed, "
            "waiting, backorder_policy, supplier_sku) "
            "VALUES (:id, :sku, :sku, '', 10, 0, 0, :waiting, 'ALWAYS', '')"),
            {"id": product_id, "sku": sku, "waiting": waiting})
    # Two POs on their way (the first with both products), and a Draft that is not.
    for po_id, status, expected in ((1, "Ordered", FIRST), (2, "Partly received", SECOND),
                                    (3, "Draft", FIRST)):
        db.session.execute(text(
            "INSERT INTO purchase_orders (id, supplier_id, status, expected_date, version, "
            "created_at) VALUES (:id, 1, :status, :expected, 1, CURRENT_TIMESTAMP)"),
            {"id": po_id, "status": status, "expected": expected})
    for po_id, product_id, quantity, received in ((1, 1, 2, 0), (2, 1, 4, 1), (1, 2, 5, 0),
                                                   (3, 3, 9, 0)):
        db.session.execute(text(
            "INSERT INTO purchase_order_lines (purchase_order_id, product_id, sku, quantity, "
            "received, unit_cost, closed) VALUES (:po, :product, 'X', :quantity, :received, "
            "1, :closed)"),
            {"po": po_id, "product": product_id, "quantity": quantity, "received": received,
             "closed": False})
    db.session.commit()

    upgrade(revision=ADDED)
    dates = dict(db.session.execute(text("SELECT sku, incoming_date FROM products")).all())
    as_dates = {sku: value if value is None or isinstance(value, date)
                else date.fromisoformat(value) for sku, value in dates.items()}
    # TEA-1: its 2 waiting take PO1001's 2, so a unit bought now comes on PO1002.
    # POT-1: PO1001's 5 all promised. CUP-1: only a Draft, not on its way.
    assert as_dates == {"TEA-1": SECOND, "POT-1": None, "CUP-1": None}
    assert db.session.scalar(text("SELECT approve_covered FROM store_settings")) in (False, 0)
    assert triggers() == kept
    db.session.commit()

    downgrade(revision=BEFORE)
    columns = {c["name"] for c in inspect(db.engine).get_columns("products")}
    assert "incoming_date" not in columns
    assert triggers() == kept
