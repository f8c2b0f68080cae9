"""Writing the stock ledger (DESIGN section 3)."""
from app.extensions import db
from app.models import StockMovement


def record(product_id: int, reason: str, *, on_hand: int = 0, committed: int = 0,
           waiting: int = 0, order_id: int | None = None, user_id: int | None = None,
           reference: str = "") -> None:
    """Add one movement to the session; the caller's transaction writes it."""
    if on_hand or committed or waiting:
        db.session.add(StockMovement(
            product_id=product_id, reason=reason, on_hand_delta=on_hand,
            committed_delta=committed, waiting_delta=waiting, order_id=order_id,
            user_id=user_id, reference=reference))
