"""The categories and search migrations on a database of their own: products already
there are found once the search index is made, and both migrations go down and up again."""
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from app.extensions import db
from app.services.search import search_page
from tests.integration.test_ledger_note_migration import empty_database, migrating  # noqa: F401

BEFORE = "d4b2e1c9a8f6"
SEARCH = "f1b7d3a9c2e6"


def tables() -> set[str]:
    return set(inspect(db.engine).get_table_names())


def test_products_made_before_the_search_index_are_found_and_both_migrations_undo(migrating):
    upgrade(revision=BEFORE)
    db.session.execute(text(
        "INSERT INTO products (id, sku, name, description, price, on_hand, committed, waiting, "
        "backorder_policy, supplier_sku) "
        "VALUES (1, 'TEA-1', 'Assam tea', 'Malty', 10, 5, 0, 0, 'STORE', '')"))
    db.session.commit()

    upgrade(revision=SEARCH)
    assert [p.sku for p in search_page("malt", 10).items] == ["TEA-1"]
    assert {"categories", "product_categories"} <= tables()
    db.session.rollback()

    downgrade(revision=BEFORE)
    assert not {"categories", "product_categories", "products_fts"} & tables()
    db.session.execute(text("UPDATE products SET name = 'Darjeeling' WHERE id = 1"))
    db.session.commit()  # no trigger is left behind to write to a table that is gone

    upgrade(revision=SEARCH)
    assert [p.sku for p in search_page("darjeeling", 10).items] == ["TEA-1"]
    db.session.rollback()
