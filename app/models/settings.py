"""Store settings (one row) and the log of their changes."""

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import Timestamp


class StoreSettings(db.Model):
    """The store's switches (docs/guide.md, Settings); every backorder switch starts off."""

    __tablename__ = "store_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    create_backorder: Mapped[bool] = mapped_column(default=False)
    disable_partial_backorder: Mapped[bool] = mapped_column(default=False)
    keep_empty_parent: Mapped[bool] = mapped_column(default=False)
    auto_release: Mapped[bool] = mapped_column(default=False)
    order_prefix: Mapped[str] = mapped_column(String(10), default="N")
    backorder_suffix: Mapped[bool] = mapped_column(default=False)
    out_of_stock_checkout: Mapped[bool] = mapped_column(default=False)
    show_arrival_date: Mapped[bool] = mapped_column(default=False)
    ask_delay_confirmation: Mapped[bool] = mapped_column(default=False)
    # New Backorders whose waiting units purchase orders cover move to Backorder Approved.
    approve_covered: Mapped[bool] = mapped_column(default=False)
    # The Payments tab: when a card pays for backordered items (a BackorderCharge value).
    charge_backorders: Mapped[str] = mapped_column(String(20), default="When they ship")
    # The Payments tab: checkout asks `Delivery` when a cart would split.
    offer_ship_together: Mapped[bool] = mapped_column(default=False)

    def __repr__(self) -> str:
        return f"<StoreSettings {self.id}>"


class SettingChange(db.Model):
    __tablename__ = "setting_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    setting: Mapped[str] = mapped_column(String(64))
    old_value: Mapped[str] = mapped_column(String(200))
    new_value: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[Timestamp]

    def __repr__(self) -> str:
        return f"<SettingChange {self.setting}: {self.old_value} -> {self.new_value}>"
