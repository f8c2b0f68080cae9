"""Writing the stock ledger: every change of on hand, committed or waiting is one row, so
replaying the ledger gives today's figures (docs/rules.md, Stock words)."""
from sqlalchemy import insert

from app.extensions import db
from app.models import StockMovement


def record(product_id: int, reason: str, *, on_hand: int = 0, committed: int = 0,
           waiting: int = 0, order_id: int | None = None, user_id: int | None = None,
           reference: str = "", note: str = "") -> None:
    """Add one movement to the session; the caller's transaction writes it."""
    if on_hand or committed or waiting:
        db.session.add(StockMovement(
            product_id=product_id, reason=reason, on_hand_delta=on_hand,
            committed_delta=committed, waiting_delta=waiting, order_id=order_id,
            user_id=user_id, reference=reference, note=note))


def movement(product_id: int, reason: str, *, on_hand: int = 0, committed: int = 0,
             waiting: int = 0, order_id: int | None = None, user_id: int | None = None,
             reference: str = "", note: str = "") -> dict:
    """One ledger row as plain values, for record_many."""
    return {"product_id": product_id, "reason": reason, "on_hand_delta": on_hand,
            "committed_delta": committed, "waiting_delta": waiting, "order_id": order_id,
            "user_id": user_id, "reference": reference, "note": note}


def record_many(movements: list[dict]) -> None:
    """Write many ledger rows in one batched INSERT, leaving out those that move nothing."""
    rows = [row for row in movements
            if row["on_hand_delta"] or row["committed_delta"] or row["waiting_delta"]]
    if rows:
        db.session.execute(insert(StockMovement), rows)
