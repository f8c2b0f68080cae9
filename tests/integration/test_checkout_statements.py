"""A checkout's statements grow per line by no more than the stock statements themselves,
and the stock rows are locked last: after the statement that locks them, only the stock
figures and the order's place in the queue are written before the commit."""
from app.domain.buttons import Policy
from app.services.checkout import Customer, place_order
from tests.support.databases import test_database_url

CUSTOMER = Customer(name="Sam", email="sam@example.com", address="1 Main St",
                    payment_method="Bank deposit")


def checkout_statements(shop, count_queries, lines: int, prefix: str = "L",
                        **product) -> list[str]:
    skus = [shop.product(f"{prefix}{lines}-{n:02}", **{"on_hand": 5, **product})
            for n in range(lines)]
    with count_queries() as counter:
        shop.read(lambda: place_order({sku: 1 for sku in skus}, CUSTOMER))
    return counter.statements


def locks_or_writes_stock(statement: str) -> bool:
    """The stock statements: the products' UPDATEs (on PostgreSQL, one product's in a
    WITH that also stamps the order), and the SELECT that locks them (by id; the
    checkout's first read, by SKU, takes no lock)."""
    return "UPDATE products" in statement or (
        statement.startswith("SELECT products.") and "WHERE products.id IN" in statement)


def after_the_lock(statements: list[str]) -> list[str]:
    """The statements from the first that locks a stock row, named by their first words
    ("lock" for the SELECT ... FOR NO KEY UPDATE)."""
    first = next(i for i, s in enumerate(statements) if locks_or_writes_stock(s))
    return ["lock" if s.startswith("SELECT products.") else " ".join(s.split()[:3])
            for s in statements[first:]]


LOCK_THEN_WRITE = ["lock", "UPDATE products SET", "UPDATE orders SET"]


def test_a_checkout_adds_only_its_stock_updates_per_line(shop, count_queries, capsys):
    one = checkout_statements(shop, count_queries, 1)
    twenty = checkout_statements(shop, count_queries, 20)
    with capsys.disabled():
        print(f"\ncheckout statements: 1 line {len(one)}, 20 lines {len(twenty)}")

    def not_stock(statements):
        return [s.split("(")[0] for s in statements
                if not locks_or_writes_stock(s) and not s.startswith("UPDATE orders")]

    # Only the stock statements (one per product; PostgreSQL batches them) grow with the lines.
    assert not_stock(twenty) == not_stock(one)
    assert len(twenty) - len(one) <= 20


def test_the_stock_rows_are_locked_last(shop, count_queries):
    in_stock = checkout_statements(shop, count_queries, 1)
    waits = checkout_statements(shop, count_queries, 1, "W", on_hand=0,
                                policy=Policy.ALWAYS)
    several = checkout_statements(shop, count_queries, 3)

    # After the lock, only the stock figures and the orders' place in the queue.
    assert after_the_lock(several) == LOCK_THEN_WRITE
    # Units that wait also settle the product's incoming date (and, with the setting on,
    # the approvals) from its purchase orders: one read, under the lock, since a PO change
    # takes the same lock first and the date must count the POs as they are now.
    settles = ["SELECT purchase_order_lines.product_id, purchase_orders.id,"]
    if test_database_url():
        # One product: one statement locks and writes the row and stamps the order.
        assert after_the_lock(in_stock) == ["WITH stock AS"]
        assert after_the_lock(waits) == ["WITH stock AS", *settles]
    else:
        assert after_the_lock(in_stock) == LOCK_THEN_WRITE
        assert after_the_lock(waits) == [*LOCK_THEN_WRITE, *settles]
