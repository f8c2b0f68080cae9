"""The pace of an unsent email's tries (app/domain/outbox.py)."""
from datetime import timedelta

import pytest

from app.domain.outbox import retry_delay


@pytest.mark.parametrize("attempts, first_wait, wait", [
    (1, 30, 30),        # the first failure waits the first wait
    (2, 30, 60),        # then twice as long after each failure
    (3, 30, 120),
    (7, 30, 1920),
    (8, 30, 3600),      # 3840 s: capped at an hour
    (9, 30, 3600),
    (1, 3600, 3600),    # exactly the cap
    (1, 3601, 3600),    # a first wait beyond the cap is capped too
    (0, 30, 30),        # no failure counted yet (never negative doublings)
    (-1, 30, 30),
    (2, 0.5, 1),        # a fraction of a second, as the tests use
    (200, 30, 3600),    # however many failures
], ids=lambda value: str(value))
def test_each_failure_waits_twice_as_long_as_the_last_up_to_an_hour(attempts, first_wait,
                                                                     wait):
    assert retry_delay(attempts, first_wait) == timedelta(seconds=wait)
