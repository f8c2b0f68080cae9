"""Models, one module per aggregate."""
from app.models.catalog import BackorderPolicy, Category, Product, ProductPicture, product_categories
from app.models.imports import ProductImport
from app.models.orders import Order, OrderEvent, OrderLine, OrderNumber, OrderStatus, Payment
from app.models.outbox import OutboxEmail
from app.models.purchasing import PurchaseOrder, PurchaseOrderLine, Supplier
from app.models.settings import SettingChange, StoreSettings
from app.models.stock import StockMovement
from app.models.stripe_events import StripeEvent
from app.models.submissions import Submission
from app.models.users import Role, StaffAudit, User

__all__ = [
    "BackorderPolicy", "Category", "Product", "ProductPicture", "product_categories", "Order", "OrderEvent", "OrderLine", "OrderNumber",
    "OrderStatus", "Payment", "OutboxEmail", "SettingChange", "StoreSettings",
    "StockMovement", "StripeEvent", "Submission", "Role", "StaffAudit", "User", "PurchaseOrder",
    "PurchaseOrderLine", "Supplier", "ProductImport",
]
