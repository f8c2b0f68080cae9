"""How long an email that could not be sent waits before its next try."""
from datetime import timedelta

LONGEST_WAIT_SECONDS = 3600  # an hour: a mail server back up is used within the hour


def retry_delay(attempts: int, first_wait_seconds: float) -> timedelta:
    """The wait after the `attempts`-th failed try: the first wait, doubled after each
    further failure, never more than an hour."""
    doublings = max(attempts - 1, 0)
    return timedelta(seconds=min(first_wait_seconds * 2 ** doublings, LONGEST_WAIT_SECONDS))
