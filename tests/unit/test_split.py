"""How an order splits into what ships now and a backorder (app.domain.orders.plan_split)."""
from collections import Counter
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from app.domain.errors import BackordersDisabled, InvalidQuantity
from app.domain.orders import Line, SplitRules, fill_bko_with_unallocated, plan_split

SPLIT = SplitRules(create_backorder=True, disable_partial=False, keep_empty_parent=False)
KEEP_PARENT = SplitRules(create_backorder=True, disable_partial=False, keep_empty_parent=True)
WHOLE = SplitRules(create_backorder=True, disable_partial=True, keep_empty_parent=False)
WHOLE_KEEP_PARENT = SplitRules(create_backorder=True, disable_partial=True, keep_empty_parent=True)
NO_BACKORDERS = SplitRules(create_backorder=False, disable_partial=False, keep_empty_parent=False)
ZERO = Decimal("0.00")


def line(id: int, quantity: int, allocated: int = 0, price: str = "10.00", sku: str = "") -> Line:
    return Line(id=id, sku=sku or f"SKU-{id}", quantity=quantity, allocated=allocated,
                unit_price=Decimal(price))


def by_id(lines) -> dict[int, tuple[int, int]]:
    return {part.id: (part.quantity, part.allocated) for part in lines}


ORDER = (line(1, 3, allocated=1), line(2, 2, allocated=2, price="5.00"))  # total 40.00


# -- examples, one per setting ----------------------------------------------------------

def test_nothing_on_bko_needs_no_split():
    assert plan_split(ORDER, {}, ZERO, SPLIT) is None
    assert plan_split(ORDER, {1: 0, 2: 0}, ZERO, NO_BACKORDERS) is None


def test_bko_is_refused_while_create_backorder_is_off():
    with pytest.raises(BackordersDisabled, match="Create backorder when backorder items") as refused:
        plan_split(ORDER, {1: 2}, ZERO, NO_BACKORDERS)
    assert refused.value.message == ("Turn on 'Create backorder when backorder items' "
                                     "to put order lines on backorder")


def test_a_line_left_out_of_bko_is_a_line_with_zero_bko():
    """The BKO column left blank for a line means the same as 0: the line stays whole."""
    assert plan_split(ORDER, {1: 2}, ZERO, SPLIT) == plan_split(ORDER, {1: 2, 2: 0}, ZERO, SPLIT)
    assert by_id(plan_split(ORDER, {1: 2}, ZERO, SPLIT).parent)[2] == (2, 2)
    assert plan_split(ORDER, {2: 0}, ZERO, SPLIT) is None


@pytest.mark.parametrize("units", [-1, 4, 100])
def test_bko_outside_zero_to_qty_is_refused(units):
    with pytest.raises(InvalidQuantity, match="BKO for SKU-1 must be a whole number from 0 to 3"):
        plan_split(ORDER, {1: units}, ZERO, SPLIT)


def test_bko_is_taken_out_of_the_line_and_given_to_the_backorder():
    """A line of 3 with BKO 2 becomes 1, and the backorder gets 2 (docs/rules.md, Split)."""
    plan = plan_split(ORDER, {1: 2}, ZERO, SPLIT)
    assert by_id(plan.parent) == {1: (1, 1), 2: (2, 2)}
    assert by_id(plan.backorder) == {1: (2, 0)}
    assert (plan.parent_total, plan.backorder_total) == (Decimal("20.00"), Decimal("20.00"))
    assert not plan.order_becomes_backorder


def test_unallocated_units_go_to_the_backorder_before_allocated_ones():
    plan = plan_split([line(1, 5, allocated=3)], {1: 3}, ZERO, SPLIT)
    assert by_id(plan.parent) == {1: (2, 2)}
    assert by_id(plan.backorder) == {1: (3, 1)}


def test_allocated_units_move_with_the_units_a_shopper_asked_to_wait_for():
    plan = plan_split([line(1, 4, allocated=4), line(2, 1)], {1: 4}, ZERO, SPLIT)
    assert by_id(plan.parent) == {2: (1, 0)}
    assert by_id(plan.backorder) == {1: (4, 4)}


def test_disable_partial_backorder_puts_every_line_on_the_backorder():
    plan = plan_split(ORDER, {1: 1}, Decimal("15.00"), WHOLE_KEEP_PARENT)
    assert plan.parent == ()
    assert by_id(plan.backorder) == {1: (3, 1), 2: (2, 2)}
    assert (plan.parent_paid, plan.backorder_paid) == (ZERO, Decimal("15.00"))


def test_disable_partial_backorder_without_keeping_the_parent_makes_the_order_the_backorder():
    plan = plan_split(ORDER, {2: 1}, Decimal("15.00"), WHOLE)
    assert plan.order_becomes_backorder
    assert plan.parent == ORDER and plan.backorder == ()
    assert (plan.parent_paid, plan.backorder_paid) == (Decimal("15.00"), ZERO)


def test_everything_on_bko_keeps_an_empty_parent_carrying_the_payment_when_asked():
    plan = plan_split(ORDER, {1: 3, 2: 2}, Decimal("40.00"), KEEP_PARENT)
    assert not plan.order_becomes_backorder
    assert plan.parent == () and plan.parent_total == ZERO
    assert by_id(plan.backorder) == {1: (3, 1), 2: (2, 2)}
    assert (plan.parent_paid, plan.backorder_paid) == (ZERO, Decimal("40.00"))


def test_an_empty_parent_keeps_a_payment_of_zero_dollars_and_zero_cents():
    """Amounts stay in dollars and cents, as the pages and emails print them: 0.00, not 0."""
    plan = plan_split(ORDER, {1: 3, 2: 2}, Decimal("40.00"), KEEP_PARENT)
    assert [str(plan.parent_total), str(plan.parent_paid), str(plan.backorder_paid)] == [
        "0.00", "0.00", "40.00"]


def test_everything_on_bko_makes_the_order_itself_the_backorder_otherwise():
    plan = plan_split(ORDER, {1: 3, 2: 2}, Decimal("40.00"), SPLIT)
    assert plan.order_becomes_backorder
    assert plan.parent == ORDER and plan.backorder == ()
    assert (plan.parent_paid, plan.backorder_paid) == (Decimal("40.00"), ZERO)


@pytest.mark.parametrize(("paid", "parent_paid", "backorder_paid"), [
    ("0.00", "0.00", "0.00"),
    ("12.34", "12.34", "0.00"),
    ("20.00", "20.00", "0.00"),
    ("20.01", "20.00", "0.01"),
    ("40.00", "20.00", "20.00"),
])
def test_payment_stays_with_the_parent_up_to_its_new_total_and_the_rest_credits_the_backorder(
        paid, parent_paid, backorder_paid):
    plan = plan_split(ORDER, {1: 2}, Decimal(paid), SPLIT)  # parent keeps 20.00
    assert (plan.parent_paid, plan.backorder_paid) == (Decimal(parent_paid),
                                                        Decimal(backorder_paid))


def test_backorder_out_of_stock_products_fills_bko_with_each_lines_unallocated_units():
    assert fill_bko_with_unallocated(ORDER) == {1: 2, 2: 0}
    plan = plan_split(ORDER, fill_bko_with_unallocated(ORDER), ZERO, SPLIT)
    assert by_id(plan.parent) == {1: (1, 1), 2: (2, 2)}
    assert by_id(plan.backorder) == {1: (2, 0)}


# -- properties over any order, any BKO, any payment and any rules ----------------------

@st.composite
def orders(draw):
    """An order of 1-10 lines, a valid BKO per line, and an amount paid up to its total."""
    count = draw(st.integers(1, 10))
    lines = []
    for number in range(1, count + 1):
        quantity = draw(st.integers(1, 50))
        lines.append(Line(id=number * 10, sku=f"SKU-{draw(st.integers(1, 4))}",  # SKUs repeat
                          quantity=quantity, allocated=draw(st.integers(0, quantity)),
                          unit_price=Decimal(draw(st.integers(0, 100_000))).scaleb(-2)))
    bko = {part.id: draw(st.integers(0, part.quantity)) for part in lines}
    total_cents = sum(int(part.subtotal * 100) for part in lines)
    paid = Decimal(draw(st.integers(0, total_cents))).scaleb(-2)
    return lines, bko, paid


rules = st.builds(SplitRules, create_backorder=st.booleans(), disable_partial=st.booleans(),
                  keep_empty_parent=st.booleans())
backorder_rules = st.builds(SplitRules, create_backorder=st.just(True),
                            disable_partial=st.booleans(), keep_empty_parent=st.booleans())


def units_per_sku(lines) -> Counter:
    counts: Counter = Counter()
    for part in lines:
        counts[part.sku] += part.quantity
    return counts


@settings(max_examples=300, deadline=None)
@given(orders(), rules)
def test_a_split_conserves_units_allocation_and_money(order, rules):
    lines, bko, paid = order
    total = sum((part.subtotal for part in lines), ZERO)
    wants_bko = any(bko.values())
    if wants_bko and not rules.create_backorder:
        with pytest.raises(BackordersDisabled):
            plan_split(lines, bko, paid, rules)
        return
    plan = plan_split(lines, bko, paid, rules)
    if not wants_bko:
        assert plan is None
        return

    # Units per SKU and allocation per line are conserved.
    assert units_per_sku(plan.parent) + units_per_sku(plan.backorder) == units_per_sku(lines)
    for original in lines:
        parts = [p for p in (*plan.parent, *plan.backorder) if p.id == original.id]
        assert sum(p.quantity for p in parts) == original.quantity
        assert sum(p.allocated for p in parts) == original.allocated
        assert all(p.sku == original.sku and p.unit_price == original.unit_price for p in parts)
    for part in (*plan.parent, *plan.backorder):
        assert part.quantity > 0
        assert 0 <= part.allocated <= part.quantity
    assert len({p.id for p in plan.parent}) == len(plan.parent)
    assert len({p.id for p in plan.backorder}) == len(plan.backorder)

    # Money is conserved and never more than an order's total is paid on it.
    assert plan.parent_total + plan.backorder_total == total
    assert plan.parent_paid + plan.backorder_paid == paid
    assert ZERO <= plan.parent_paid <= plan.parent_total
    assert ZERO <= plan.backorder_paid <= plan.backorder_total
    # Payment stays with the parent up to its new total.
    assert plan.parent_paid == min(paid, plan.parent_total)


@settings(max_examples=300, deadline=None)
@given(orders(), backorder_rules)
def test_a_split_obeys_the_three_order_processing_rules(order, rules):
    lines, bko, paid = order
    assume(any(bko.values()))
    plan = plan_split(lines, bko, paid, rules)
    everything = rules.disable_partial or all(bko[p.id] == p.quantity for p in lines)

    if everything and not rules.keep_empty_parent:
        assert plan.order_becomes_backorder
        assert plan.parent == tuple(lines) and plan.backorder == ()
        assert (plan.parent_paid, plan.backorder_paid) == (paid, ZERO)
        return
    assert not plan.order_becomes_backorder
    if everything:  # Keep original empty order: the parent only carries the payment.
        assert plan.parent == ()
        assert by_id(plan.backorder) == by_id(lines)
        assert plan.backorder_paid == paid
        return
    # Partial: each line gives exactly its BKO, unallocated units first.
    moved = by_id(plan.backorder)
    kept = by_id(plan.parent)
    for original in lines:
        units = bko[original.id]
        assert moved.get(original.id, (0, 0))[0] == units
        kept_qty, kept_allocated = kept.get(original.id, (0, 0))
        moved_allocated = moved.get(original.id, (0, 0))[1]
        # The backorder takes allocated units only once the kept part is fully allocated.
        assert moved_allocated == 0 or kept_allocated == kept_qty
