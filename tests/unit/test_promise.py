"""The promise: waiting units matched to incoming units, and the rules around purchase orders."""
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.orders import OrderStatus
from app.domain.promise import (MAX_PO_QUANTITY, Backorder, Incoming, Promised, PoStatus,
                                PurchaseOrderRefused, Waiting, approval_moves, arrival_for,
                                check_line_quantity, check_receipt, match, moved_later,
                                order_date, promised_date, queued_dates, status_after_receipt)

MONDAY = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
DEC_10, DEC_20, DEC_30 = date(2026, 12, 10), date(2026, 12, 20), date(2026, 12, 30)


def waiting(line_id: int, hours: int, units: int, order_id: int | None = None) -> Waiting:
    return Waiting(line_id=line_id, order_id=order_id or line_id,
                   placed_at=MONDAY + timedelta(hours=hours), units=units)


# (waiting lines, incoming units, each line's promise, first unpromised date, uncovered, spare)
MATCHES = [
    pytest.param([waiting(1, 0, 3)], [], {1: Promised(0, None)}, None, 3, 0,
                 id="zero incoming: nothing is covered"),
    pytest.param([waiting(1, 0, 3)], [Incoming(1001, DEC_10, 3)], {1: Promised(3, DEC_10)},
                 None, 0, 0, id="exact cover: the line gets the date, nothing is left"),
    pytest.param([waiting(1, 0, 3)], [Incoming(1001, DEC_10, 2)], {1: Promised(2, None)},
                 None, 1, 0, id="the last unit not covered: no PO date"),
    pytest.param([waiting(1, 0, 3)], [Incoming(1001, DEC_10, 4)], {1: Promised(3, DEC_10)},
                 DEC_10, 0, 1, id="one unit spare: a new unit is expected on that date"),
    pytest.param([waiting(1, 0, 3)], [Incoming(1001, DEC_10, 2), Incoming(1002, DEC_20, 5)],
                 {1: Promised(3, DEC_20)}, DEC_20, 0, 4,
                 id="the PO covering the last unit gives the date"),
    pytest.param([waiting(1, 0, 2)], [Incoming(1002, DEC_20, 2), Incoming(1001, DEC_10, 2)],
                 {1: Promised(2, DEC_10)}, DEC_20, 0, 2,
                 id="the earliest expected date first, whatever the PO number"),
    pytest.param([waiting(1, 0, 2)], [Incoming(1002, DEC_10, 2), Incoming(1001, DEC_10, 1)],
                 {1: Promised(2, DEC_10)}, DEC_10, 0, 1,
                 id="same date: the lower PO number first"),
    pytest.param([waiting(2, 5, 2), waiting(1, 1, 2)],
                 [Incoming(1001, DEC_10, 2), Incoming(1002, DEC_30, 2)],
                 {1: Promised(2, DEC_10), 2: Promised(2, DEC_30)}, None, 0, 0,
                 id="the oldest order gets the earliest units"),
    pytest.param([waiting(7, 0, 1), waiting(3, 0, 1)], [Incoming(1001, DEC_10, 1)],
                 {3: Promised(1, DEC_10), 7: Promised(0, None)}, None, 1, 0,
                 id="orders placed at once: by line id"),
    pytest.param([], [Incoming(1001, DEC_10, 0), Incoming(1002, DEC_20, 1)], {}, DEC_20, 0, 1,
                 id="a PO line with nothing left to come is skipped"),
]


@pytest.mark.parametrize("lines, incoming, promised, next_free, uncovered, spare", MATCHES)
def test_waiting_units_are_matched_oldest_first_against_the_earliest_incoming_units(
        lines, incoming, promised, next_free, uncovered, spare):
    result = match(lines, incoming)
    assert result.lines == promised
    assert (result.next_free, result.uncovered, result.spare) == (next_free, uncovered, spare)


@pytest.mark.parametrize("promised, arrival, expected", [
    (Promised(3, DEC_10), DEC_30, DEC_10),
    (Promised(2, None), DEC_30, DEC_30),
    (Promised(0, None), None, None),
])
def test_a_line_not_covered_to_its_last_unit_is_promised_the_date_of_arrival_or_nothing(
        promised, arrival, expected):
    assert promised_date(promised, arrival) == expected


@pytest.mark.parametrize("dates, expected", [
    ([DEC_10, DEC_20], DEC_20),
    ([DEC_10, None], None),
    ([], None),
])
def test_an_order_is_promised_its_latest_line_and_no_date_if_any_line_has_none(dates, expected):
    assert order_date(dates) == expected


@pytest.mark.parametrize("before, after, moved", [
    ({1: DEC_10}, {1: DEC_20}, {1: (DEC_10, DEC_20)}),
    ({1: DEC_10}, {1: None}, {1: (DEC_10, None)}),
    ({1: DEC_20}, {1: DEC_10}, {}),
    ({1: DEC_10}, {1: DEC_10}, {}),
    ({1: None}, {1: DEC_20}, {}),
    ({1: DEC_10}, {}, {}),
])
def test_a_date_that_moves_later_or_is_lost_is_a_slip(before, after, moved):
    assert moved_later(before, after) == moved


@pytest.mark.parametrize("lines, status", [
    ([(5, 5, False)], PoStatus.RECEIVED),
    ([(5, 4, False)], PoStatus.PARTLY_RECEIVED),
    ([(5, 4, True)], PoStatus.RECEIVED),
    ([(5, 5, False), (2, 0, False)], PoStatus.PARTLY_RECEIVED),
    ([(5, 5, False), (2, 0, True)], PoStatus.RECEIVED),
])
def test_a_po_is_received_once_every_line_is_in_or_closed_short(lines, status):
    assert status_after_receipt(lines) == status


@pytest.mark.parametrize("units, outstanding", [(0, 0), (0, 3), (3, 3)])
def test_up_to_the_units_still_to_come_may_be_received(units, outstanding):
    check_receipt("CUP-1", units, outstanding)


@pytest.mark.parametrize("units, outstanding, message", [
    (4, 3, "Only 3 of CUP-1 are still to come on this purchase order"),
    (1, 0, "Every unit of CUP-1 on this purchase order is in"),
    (-1, 3, "Enter a whole number from 0 to 3"),
])
def test_more_than_is_still_to_come_is_refused(units, outstanding, message):
    with pytest.raises(PurchaseOrderRefused, match=message):
        check_receipt("CUP-1", units, outstanding)


@pytest.mark.parametrize("quantity, received", [(2, 2), (MAX_PO_QUANTITY, 0), (1, 0)])
def test_a_po_line_may_go_down_to_what_was_received(quantity, received):
    check_line_quantity("CUP-1", quantity, received)


@pytest.mark.parametrize("quantity, received, message", [
    (1, 2, "2 of CUP-1 were received: the quantity cannot be less"),
    (MAX_PO_QUANTITY + 1, 0, "Enter a whole number up to 1,000,000"),
    (0, 0, "Enter a whole number from 1 to 1,000,000"),
    (-1, 0, "Enter a whole number from 1 to 1,000,000"),
])
def test_a_po_line_below_what_was_received_or_above_the_limit_is_refused(
        quantity, received, message):
    with pytest.raises(PurchaseOrderRefused, match=message):
        check_line_quantity("CUP-1", quantity, received)


waiting_lines = st.lists(st.tuples(st.integers(0, 50), st.integers(1, 20)), max_size=12).map(
    lambda rows: [waiting(i + 1, hours, units) for i, (hours, units) in enumerate(rows)])
incoming_lines = st.lists(st.tuples(st.integers(0, 40), st.integers(0, 20)), max_size=8).map(
    lambda rows: [Incoming(1001 + i, DEC_10 + timedelta(days=d), units)
                  for i, (d, units) in enumerate(rows)])


@settings(max_examples=300, deadline=None)
@given(waiting_lines, incoming_lines)
def test_every_waiting_unit_is_promised_at_most_one_incoming_unit_and_units_are_conserved(
        lines, incoming):
    result = match(lines, incoming)
    waiting_units = sum(line.units for line in lines)
    incoming_units = sum(i.units for i in incoming)
    covered = sum(p.covered for p in result.lines.values())
    assert covered <= min(waiting_units, incoming_units)
    assert covered + result.uncovered == waiting_units
    assert covered + result.spare == incoming_units
    # Incoming units go to waiting units while both are left: never one uncovered and one spare.
    assert result.uncovered == 0 or result.spare == 0
    for line in lines:
        promised = result.lines[line.line_id]
        assert 0 <= promised.covered <= line.units
        assert (promised.date is not None) == (promised.covered == line.units)
    # An older order is never promised a later date than a newer one that is covered.
    fifo = sorted(lines, key=lambda w: (w.placed_at, w.line_id))
    dates = [result.lines[w.line_id].date for w in fifo]
    covered_dates = [d for d in dates if d is not None]
    assert covered_dates == sorted(covered_dates)
    assert None not in dates[:len(covered_dates)]


@settings(max_examples=300, deadline=None)
@given(waiting_lines, incoming_lines, st.integers(1, 30))
def test_units_bought_now_arrive_with_the_incoming_unit_after_every_waiting_one(
        lines, incoming, units):
    """arrival_for counts past the units waiting: the same as matching a newest line."""
    waiting_units = sum(line.units for line in lines)
    assert arrival_for(waiting_units, 1, incoming) == match(lines, incoming).next_free
    newest = waiting(999, 10_000, units)
    assert arrival_for(waiting_units, units, incoming) == \
        match([*lines, newest], incoming).lines[999].date


# (units waiting ahead, units bought now, incoming units, their date)
ARRIVALS = [
    pytest.param(0, 1, [], None, id="nothing-incoming"),
    pytest.param(0, 2, [Incoming(1001, DEC_10, 2)], DEC_10, id="exactly-covered"),
    pytest.param(0, 3, [Incoming(1001, DEC_10, 2)], None, id="one-unit-short"),
    pytest.param(2, 1, [Incoming(1001, DEC_10, 2)], None, id="every-unit-promised"),
    pytest.param(1, 1, [Incoming(1001, DEC_10, 2)], DEC_10, id="the-last-free-unit"),
    pytest.param(2, 1, [Incoming(1001, DEC_10, 2), Incoming(1002, DEC_20, 1)], DEC_20,
                 id="the-next-po"),
    pytest.param(1, 2, [Incoming(1001, DEC_10, 2), Incoming(1002, DEC_20, 1)], DEC_20,
                 id="spanning-two-pos-the-last-unit-decides"),
    pytest.param(0, 1, [Incoming(1002, DEC_20, 1), Incoming(1001, DEC_30, 1),
                        Incoming(1003, DEC_10, 0)], DEC_20, id="earliest-date-first-empty-skipped"),
    pytest.param(1, 1, [Incoming(1002, DEC_10, 1), Incoming(1001, DEC_10, 1)], DEC_10,
                 id="same-date"),
    pytest.param(0, 0, [Incoming(1001, DEC_10, 2)], None, id="no-units-no-date"),
]


@pytest.mark.parametrize("ahead, units, incoming, expected", ARRIVALS)
def test_units_bought_now_are_promised_the_po_covering_the_last_of_them(
        ahead, units, incoming, expected):
    assert arrival_for(ahead, units, incoming) == expected


def test_match_names_the_pos_covering_each_line_in_the_order_they_arrive():
    result = match([waiting(1, 0, 3), waiting(2, 1, 1)],
                   [Incoming(1002, DEC_20, 5), Incoming(1001, DEC_10, 2)])
    assert result.covering == {1: (1001, 1002), 2: (1002,)}
    assert match([waiting(1, 0, 1)], []).covering == {1: ()}


NB, BA = OrderStatus.NEW_BACKORDER, OrderStatus.BACKORDER_APPROVED

# (status, approved by the POs, (covered, waiting) per line, the move)
APPROVALS = [
    pytest.param(NB, False, ((2, 2),), BA, id="covered-whole"),
    pytest.param(NB, False, ((2, 2), (1, 1)), BA, id="every-line-covered"),
    pytest.param(NB, False, ((1, 2),), None, id="one-unit-short"),
    pytest.param(NB, False, ((2, 2), (0, 1)), None, id="another-line-uncovered"),
    pytest.param(NB, False, (), None, id="nothing-waiting-is-left-to-release"),
    pytest.param(BA, True, ((2, 2),), None, id="still-covered-stays"),
    pytest.param(BA, True, ((1, 2),), NB, id="one-unit-uncovered-goes-back"),
    pytest.param(BA, True, ((0, 1), (1, 1)), NB, id="a-line-uncovered-goes-back"),
    pytest.param(BA, False, ((0, 2),), None, id="staff-approved-stays"),
    pytest.param(BA, True, (), None, id="approved-with-nothing-waiting-stays"),
    pytest.param(OrderStatus.NEW, False, ((2, 2),), None, id="not-a-backorder"),
    pytest.param(OrderStatus.ON_HOLD, True, ((0, 2),), None, id="on-hold-not-a-backorder"),
]


@pytest.mark.parametrize("status, by_po, lines, expected", APPROVALS)
def test_a_backorder_is_approved_while_every_waiting_unit_is_covered(
        status, by_po, lines, expected):
    moves = approval_moves([Backorder(7, status, by_po, lines)])
    assert moves == ({} if expected is None else {7: expected})


def test_each_backorder_moves_on_its_own_coverage():
    # One with nothing waiting comes first: the others are still judged.
    assert approval_moves([Backorder(9, NB, False, ()), Backorder(1, NB, False, ((1, 1),)),
                           Backorder(2, NB, False, ((0, 1),)),
                           Backorder(3, BA, True, ((0, 1),))]) == {1: BA, 3: NB}


# -- queued_dates: new waiting lines joining the back of the queue ---------------------

ARRIVAL = date(2027, 1, 15)
POS = [Incoming(1001, DEC_10, 3), Incoming(1002, DEC_20, 2)]

# (units ahead, new lines (line id, units), incoming, Date of arrival, each line's date)
QUEUED = [
    pytest.param(0, [(7, 3)], POS, ARRIVAL, {7: DEC_10}, id="nobody ahead: the first PO"),
    pytest.param(2, [(7, 2)], POS, ARRIVAL, {7: DEC_20},
                 id="two ahead: the last unit falls on the second PO"),
    pytest.param(5, [(7, 1)], POS, ARRIVAL, {7: ARRIVAL},
                 id="every incoming unit promised ahead: the Date of arrival"),
    pytest.param(5, [(7, 1)], POS, None, {7: None},
                 id="every incoming unit promised ahead, no Date of arrival: no date"),
    pytest.param(4, [(7, 2)], POS, ARRIVAL, {7: ARRIVAL},
                 id="half covered: the Date of arrival, not the PO's"),
    pytest.param(0, [(9, 2), (7, 2)], POS, None, {7: DEC_10, 9: DEC_20},
                 id="two new lines queue by line id"),
    pytest.param(0, [(7, 1)], [], ARRIVAL, {7: ARRIVAL}, id="no PO: the Date of arrival"),
]


@pytest.mark.parametrize("ahead, lines, incoming, arrival, dates", QUEUED)
def test_a_new_waiting_line_gets_the_date_of_its_place_at_the_back(ahead, lines, incoming,
                                                                   arrival, dates):
    assert queued_dates(ahead, lines, incoming, arrival) == dates


@given(ahead=st.lists(st.integers(1, 4), max_size=5), units=st.integers(1, 5),
       incoming=st.lists(st.tuples(st.integers(0, 40), st.integers(1, 5)), max_size=4))
@settings(max_examples=200, deadline=None)
def test_the_units_ahead_alone_give_the_date_as_the_whole_queue_does(ahead, units, incoming):
    """Matching the whole queue, with the new line last, gives it the same date as
    matching the number of units ahead of it."""
    supply = [Incoming(1001 + i, DEC_10 + timedelta(days=d), n)
              for i, (d, n) in enumerate(incoming)]
    queue = [waiting(i + 1, i, n) for i, n in enumerate(ahead)]
    last = waiting(99, len(ahead) + 1, units)
    whole = promised_date(match([*queue, last], supply).lines[99], ARRIVAL)
    assert queued_dates(sum(ahead), [(99, units)], supply, ARRIVAL) == {99: whole}
