"""Checks that a seeded database keeps the shop's invariants: `python bench/check.py`.

Each check is one query that returns the rows breaking a rule; all must be empty.
Reads DATABASE_URL like the app.
"""
import sys
from pathlib import Path

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

OPEN = "('New', 'On Hold', 'New Backorder', 'Backorder Approved', 'Pick', 'Pack')"

CHECKS = {
    "committed and waiting are the open lines' allocated and unallocated units": f"""
        SELECT p.id FROM products p LEFT JOIN (
            SELECT l.product_id, SUM(l.allocated) AS allocated,
                   SUM(l.quantity - l.allocated) AS unallocated
            FROM order_lines l JOIN orders o ON o.id = l.order_id
            WHERE o.status IN {OPEN} GROUP BY l.product_id) t ON t.product_id = p.id
        WHERE p.committed <> COALESCE(t.allocated, 0) OR p.waiting <> COALESCE(t.unallocated, 0)""",
    "nothing is available where units wait": """
        SELECT id FROM products WHERE waiting > 0 AND on_hand <> committed""",
    "no open line has stock of a product that others wait for (FIFO)": f"""
        SELECT DISTINCT l.product_id FROM order_lines l JOIN orders o ON o.id = l.order_id
        JOIN products p ON p.id = l.product_id
        WHERE o.status IN {OPEN} AND p.waiting > 0 AND l.allocated > 0 AND o.placed_at > (
            SELECT MIN(o2.placed_at) FROM order_lines l2 JOIN orders o2 ON o2.id = l2.order_id
            WHERE l2.product_id = l.product_id AND o2.status IN {OPEN}
              AND l2.allocated < l2.quantity)""",
    "the ledger replays to today's figures": """
        SELECT p.id FROM products p LEFT JOIN (
            SELECT product_id, SUM(on_hand_delta) AS on_hand, SUM(committed_delta) AS committed,
                   SUM(waiting_delta) AS waiting FROM stock_movements GROUP BY product_id) m
            ON m.product_id = p.id
        WHERE p.on_hand <> COALESCE(m.on_hand, 0) OR p.committed <> COALESCE(m.committed, 0)
           OR p.waiting <> COALESCE(m.waiting, 0)""",
    "an order's total is its lines' subtotals": """
        SELECT o.id FROM orders o LEFT JOIN (
            SELECT order_id, SUM(unit_price * quantity) AS total FROM order_lines
            GROUP BY order_id) t ON t.order_id = o.id
        WHERE ABS(o.total - COALESCE(t.total, 0)) > 0.001""",  # SQLite keeps money as REAL
    "payments add up to the amount paid": """
        SELECT o.id FROM orders o LEFT JOIN (
            SELECT order_id, SUM(amount) AS paid FROM payments GROUP BY order_id) t
            ON t.order_id = o.id
        WHERE ABS(o.amount_paid - COALESCE(t.paid, 0)) > 0.001""",
    "every order number was handed out by order_numbers": """
        SELECT o.id FROM orders o LEFT JOIN order_numbers n ON n.id = o.number - 1000
        WHERE n.id IS NULL""",
    "a backorder's parent is an order placed at the same time": """
        SELECT o.id FROM orders o JOIN orders p ON p.id = o.parent_id
        WHERE o.placed_at <> p.placed_at""",
    "only backorders wait without stock while their order is open": f"""
        SELECT DISTINCT o.id FROM orders o JOIN order_lines l ON l.order_id = o.id
        WHERE o.status IN ('New', 'On Hold', 'Pick', 'Pack') AND l.allocated < l.quantity""",
    "shipped lines are fully allocated, cancelled ones hold nothing": """
        SELECT DISTINCT o.id FROM orders o JOIN order_lines l ON l.order_id = o.id
        WHERE (o.status = 'Dispatched' AND l.allocated <> l.quantity)
           OR (o.status = 'Cancelled' AND l.allocated <> 0)""",
}


def check(conn) -> list[str]:
    """The rules that some rows break, each with a few of those rows."""
    broken = []
    for rule, sql in CHECKS.items():
        rows = conn.execute(text(sql + " LIMIT 5")).scalars().all()
        if rows:
            broken.append(f"{rule}: {rows}")
    return broken


def main() -> int:
    from wsgi import app
    from app.extensions import db

    with app.app_context(), db.engine.connect() as conn:
        counts = {table: conn.scalar(text(f"SELECT COUNT(*) FROM {table}")) for table in
                  ("products", "orders", "order_lines", "order_events", "payments",
                   "stock_movements")}
        print(", ".join(f"{table} {count}" for table, count in counts.items()))
        broken = check(conn)
    for line in broken:
        print("BROKEN:", line)
    print("all invariants hold" if not broken else f"{len(broken)} invariants broken")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
