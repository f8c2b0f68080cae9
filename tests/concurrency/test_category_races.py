"""Two staff naming the same new category at the same moment both end up in it: one
category is made, nobody gets an error. On SQLite the writers queue (BEGIN IMMEDIATE);
on PostgreSQL the second insert waits for the first to commit and then does nothing
(ON CONFLICT DO NOTHING)."""
import threading
import time

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Category
from app.services import transaction
from app.services.catalog import find_product
from app.services.categories import set_product_categories
from tests.concurrency.test_races import JOIN_TIMEOUT, run_together
from tests.support.services import fresh, product


@pytest.mark.parametrize("first_names, second_names, categories, second_has", [
    # The same category by another spelling: shared.
    (["Tea", "Gifts"], ["tea", "Sale"], [("Gifts", "gifts"), ("Sale", "sale"), ("Tea", "tea")],
     ["Sale", "Tea"]),
    # Two categories whose names give the same slug: the second gets the next one.
    (["T shirts"], ["T-shirts"], [("T shirts", "t-shirts"), ("T-shirts", "t-shirts-2")],
     ["T-shirts"]),
])
def test_a_category_made_while_another_transaction_makes_it_is_shared(
        app, shop, first_names, second_names, categories, second_has):
    shop.product("TEA-1")
    shop.product("TEA-2")
    first_made, outcomes = threading.Event(), {}

    def first():
        with app.app_context():
            try:
                with transaction():
                    set_product_categories(find_product("TEA-1"), first_names)
                    first_made.set()
                    time.sleep(0.5)  # the second is waiting for us now
                outcomes["first"] = "saved"
            except BaseException as error:  # noqa: BLE001 - reported below
                outcomes["first"] = error

    def second():
        with app.app_context():
            first_made.wait(JOIN_TIMEOUT)
            try:
                with transaction():
                    set_product_categories(find_product("TEA-2"), second_names)
                outcomes["second"] = "saved"
            except BaseException as error:  # noqa: BLE001 - reported below
                outcomes["second"] = error

    threads = [threading.Thread(target=job, daemon=True) for job in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT)

    assert outcomes == {"first": "saved", "second": "saved"}
    with app.app_context():
        assert sorted(db.session.execute(select(Category.name, Category.slug))) == categories
        assert [c.name for c in product("TEA-2").categories] == second_has
        db.session.remove()


def test_many_products_put_in_the_same_new_categories_at_once(app, shop):
    skus = [shop.product(f"P-{i:02}") for i in range(12)]

    def put(sku):
        def job():
            with transaction():
                set_product_categories(find_product(sku), ["Tea", "Gifts"])
            return "saved"
        return job

    assert run_together(app, [put(sku) for sku in skus]) == ["saved"] * len(skus)
    with app.app_context():
        fresh()
        assert sorted(db.session.scalars(select(Category.name))) == ["Gifts", "Tea"]
        assert all([c.name for c in product(sku).categories] == ["Gifts", "Tea"] for sku in skus)
        db.session.remove()
