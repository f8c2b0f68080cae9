"""Domain errors, raised by name and shown to people as their message."""


class DomainError(Exception):
    """A rule said no. The message is written for the person who asked."""

    field: str | None = None
    # The order line the refusal concerns, when it concerns one: its field shows the message.
    line_id: int | None = None

    def __init__(self, message: str, field: str | None = None, line_id: int | None = None):
        super().__init__(message)
        self.message = message
        if field is not None:
            self.field = field
        self.line_id = line_id


class InsufficientStock(DomainError):
    field = "quantity"


class BackordersDisabled(DomainError):
    field = "bko"


class OrderNotEditable(DomainError):
    pass


class IllegalTransition(DomainError):
    field = "status"


class AlreadySubmitted(DomainError):
    """The same form came twice (a double click, a resend): it was applied once."""

    def __init__(self, message: str = "That was already done", order_id: int | None = None):
        super().__init__(message)
        self.order_id = order_id


class StaleOrder(DomainError):
    # The whole form is out of date, not one of its fields: the page says so above the form.
    field = "form"

    def __init__(self, message: str = "This order changed since you opened it"):
        super().__init__(message)


class InvalidQuantity(DomainError):
    field = "quantity"


class DispatchNotConfirmed(DomainError):
    """Dispatching with money still due needs staff to say they mean it."""

    field = "confirm_due"


class PaymentRefused(DomainError):
    field = "amount"


class StockAdjustmentRefused(DomainError):
    field = "quantity"
