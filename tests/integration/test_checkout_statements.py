"""A checkout's statements grow per line by no more than the stock statements themselves."""
from app.services.checkout import Customer, place_order

CUSTOMER = Customer(name="Sam", email="sam@example.com", address="1 Main St",
                    payment_method="Bank deposit")


def checkout_statements(shop, count_queries, lines: int) -> list[str]:
    skus = [shop.product(f"L{lines}-{n:02}", on_hand=5) for n in range(lines)]
    with count_queries() as counter:
        shop.read(lambda: place_order({sku: 1 for sku in skus}, CUSTOMER))
    return counter.statements


def test_a_checkout_adds_only_its_stock_updates_per_line(shop, count_queries, capsys):
    one = checkout_statements(shop, count_queries, 1)
    twenty = checkout_statements(shop, count_queries, 20)
    with capsys.disabled():
        print(f"\ncheckout statements: 1 line {len(one)}, 20 lines {len(twenty)}")

    def not_stock(statements):
        return [s.split("(")[0] for s in statements if not s.startswith("UPDATE products")]

    # Only the stock writes (one per product; PostgreSQL batches them) grow with the lines.
    assert not_stock(twenty) == not_stock(one)
    assert len(twenty) - len(one) <= 19
