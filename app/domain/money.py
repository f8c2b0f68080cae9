"""How money reads to people: one format for pages, emails, flashes and refusals."""
from decimal import Decimal


def format_money(amount: Decimal) -> str:
    """$1,234.50; a negative amount reads -$14.50 (a credit moved away), never $-14.50."""
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"
