"""Reading and changing the store settings."""
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from app.domain.orders import SplitRules
from app.extensions import db
from app.models import Product, SettingChange, StoreSettings, User
from app.services import transaction

SETTINGS_ID = 1


def get_settings() -> StoreSettings:
    """The store's settings; the row is made by the migrations (`flask init-db`)."""
    settings = db.session.get(StoreSettings, SETTINGS_ID)
    if settings is None:
        raise RuntimeError("The store settings are missing: run `flask --app wsgi init-db`")
    return settings


def split_rules(settings: StoreSettings) -> SplitRules:
    return SplitRules(create_backorder=settings.create_backorder,
                      disable_partial=settings.disable_partial_backorder,
                      keep_empty_parent=settings.keep_empty_parent)


def update_settings(changes: Mapping[str, Any], user: User | None) -> list[SettingChange]:
    """Save the changed settings and log each change: who, when, old, new."""
    with transaction():
        settings = db.session.get(StoreSettings, SETTINGS_ID, with_for_update=True)
        logged = []
        for name, new in changes.items():
            old = getattr(settings, name)
            if old == new:
                continue
            setattr(settings, name, new)
            logged.append(SettingChange(user_id=user.id if user else None, setting=name,
                                        old_value=str(old), new_value=str(new)))
        db.session.add_all(logged)
        if changes.get("approve_covered") and any(
                change.setting == "approve_covered" for change in logged):
            _approve_what_is_covered_now()
    return logged


def _approve_what_is_covered_now() -> None:
    """The setting was just turned on: the backorders waiting now follow it too, in this
    transaction (every product with units waiting, locked by id as any stock change)."""
    from app.services import approvals  # it reads the settings: imported when needed
    from app.services.records import lock_products
    waiting = db.session.scalars(select(Product.id).where(Product.waiting > 0)).all()
    approvals.note(lock_products(waiting).values())
