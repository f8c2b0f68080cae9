"""Catalogue search through its one service function, on the database the suite runs on
(SQLite FTS5, or PostgreSQL full-text search): what matches, in which order, by pages,
and that nothing typed is taken as search syntax."""
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, select, text

from app.domain.buttons import Policy
from app.extensions import db
from app.models import Category, Product
from app.services import transaction
from app.services.catalog import ProductData, create_product, update_product
from app.services.categories import set_product_categories
from app.domain.search import search_terms
from app.services.search import search_page

from tests.support.services import fresh, product


def add(sku: str, name: str, description: str = "", categories: tuple[str, ...] = ()) -> None:
    create_product(ProductData(sku=sku, name=name, description=description,
                               price=Decimal("5.00"), on_hand=1, backorder_policy=Policy.STORE,
                               arrival_date=None, backorder_limit=None), user=None)
    if categories:
        with transaction():
            set_product_categories(product(sku), categories)


def found(typed: str, size: int = 50, **kwargs) -> list[str]:
    fresh()
    return [p.sku for p in search_page(typed, size, **kwargs).items]


def category_id(name: str) -> int:
    return db.session.scalar(select(Category.id).where(Category.name == name))


@pytest.fixture
def teas(ctx):
    add("DESC-1", "Blue mug", "For green tea and black tea")
    add("GREEN-TEA", "Mug", "Plain")
    add("TEA-2", "Green tea, sencha", "Japanese", categories=("Tea",))
    add("TEA-1", "Green tea, gunpowder", "Chinese", categories=("Tea", "Sale"))
    add("POT-1", "Teapot", "Cast iron", categories=("Teaware",))
    add("CUP-1", "Cup", "Stoneware")


def test_name_matches_come_first_then_sku_then_description_each_by_name(teas):
    assert found("green tea") == ["TEA-1", "TEA-2", "GREEN-TEA", "DESC-1"]


def test_a_word_matches_the_start_of_a_longer_word_in_any_case(teas):
    assert found("TEA") == ["TEA-1", "TEA-2", "POT-1", "GREEN-TEA", "DESC-1"]
    assert found("stone") == ["CUP-1"]
    assert found("cups") == []


def test_every_word_must_match_somewhere(teas):
    assert found("green japanese") == ["TEA-2"]
    assert found("green coffee") == []


def test_a_sku_is_found_whole_or_by_its_parts(teas):
    assert found("TEA-1") == ["TEA-1"]
    assert found("pot-1") == ["POT-1"]


def test_search_within_a_category(teas):
    assert found("green", category_id=category_id("Tea")) == ["TEA-1", "TEA-2"]
    assert found("green", category_id=category_id("Sale")) == ["TEA-1"]
    assert found("mug", category_id=category_id("Tea")) == []


@pytest.mark.parametrize("typed", [
    '"', '"green', 'green"', '""', "'", "*", "tea*", "-tea", "NOT tea", "tea OR cup",
    "tea AND", "NEAR(tea cup)", "NEAR", "name:tea", "{name}:tea", "tea^", "(tea", "tea)",
    "tea & cup", "tea | cup", "!tea", "tea <-> cup", "tea:*", "\\", "%", "_", ";--",
    "tea\x00", "\u200b", "🍵", "a" * 5000, " ".join(["tea"] * 500),
])
def test_search_syntax_is_only_words_and_never_an_error(teas, typed):
    found(typed)  # no exception, on either database


@pytest.mark.parametrize("typed, skus", [
    ('"green tea"', ["TEA-1", "TEA-2", "GREEN-TEA", "DESC-1"]),  # quotes are not a phrase
    ("tea*", ["TEA-1", "TEA-2", "POT-1", "GREEN-TEA", "DESC-1"]),
    ("-japanese", ["TEA-2"]),                # a minus is a space, not "not"
    ("green OR cup", []),                    # OR is a word to find
    ("NEAR(green sencha)", []),              # and so is NEAR
    ("sencha, green!", ["TEA-2"]),
    ("", []),
    ("  ***  ", []),
])
def test_what_search_syntax_finds(teas, typed, skus):
    assert found(typed) == skus


def test_pages_of_results_keep_their_order_both_ways(ctx):
    for i in range(12):
        add(f"S-{i:02}", f"Tea {i % 4}" if i % 2 else f"Cup {i}", "tea" if i % 2 == 0 else "")
    everything = found("tea")
    assert len(everything) == 12
    pages, after = [], None
    while True:
        fresh()
        window = search_page("tea", 5, after=after)
        pages.append([p.sku for p in window.items])
        if window.after is None:
            break
        after = window.after
    assert [len(p) for p in pages] == [5, 5, 2]
    assert sum(pages, []) == everything
    fresh()
    last = search_page("tea", 5, after=pages[1] and search_page("tea", 5, after=None).after)
    back = search_page("tea", 5, before=last.before)
    assert [p.sku for p in back.items] == pages[0]


def test_renamed_and_removed_products_are_found_by_their_new_words_only(ctx):
    add("OLD-1", "Kettle", "Steel")
    fresh()
    data = ProductData(sku="NEW-1", name="Samovar", description="Brass",
                       price=Decimal("5.00"), on_hand=1, backorder_policy=Policy.STORE,
                       arrival_date=None, backorder_limit=None)
    update_product("OLD-1", data, user=None)
    assert found("kettle") == [] and found("OLD") == [] and found("steel") == []
    assert found("samovar") == ["NEW-1"] and found("new-1") == ["NEW-1"]
    assert found("brass") == ["NEW-1"]
    gone = product("NEW-1")
    with transaction():
        db.session.execute(text("DELETE FROM stock_movements"))
        db.session.delete(gone)
    assert found("samovar") == []


def test_letters_of_any_script_are_words(ctx):
    add("TH-1", "Thé vert", "Чай из Китая")
    add("JP-1", "お茶", "")
    assert found("thé") == ["TH-1"]
    assert found("чай") == ["TH-1"]
    assert found("ЧАЙ") == ["TH-1"]
    assert found("お茶") == ["JP-1"]


def plans_of_searches(typed: str, **kwargs) -> list[str]:
    """EXPLAIN of every statement search_page runs, with sequential scans discouraged
    (a table this small would be scanned whatever its indexes)."""
    captured = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            captured.append((statement, parameters))

    fresh()
    engine = db.engine
    event.listen(engine, "before_cursor_execute", capture)
    try:
        search_page(typed, 24, **kwargs)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    plans = []
    with engine.connect() as conn:
        explain = "EXPLAIN QUERY PLAN" if conn.dialect.name == "sqlite" else "EXPLAIN"
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SET enable_seqscan = off")
        for statement, parameters in captured:
            rows = conn.exec_driver_sql(f"{explain} {statement}", parameters)
            plans.append("\n".join(str(tuple(row)) for row in rows))
    return plans


@pytest.mark.postgres_only
def test_postgresql_finds_the_words_through_the_gin_index(teas):
    (plan,) = plans_of_searches("green tea")
    assert "ix_products_search" in plan, plan


def test_sqlite_finds_the_words_through_fts5(teas):
    if db.engine.dialect.name != "sqlite":
        return  # the test above, on PostgreSQL
    (plan,) = plans_of_searches("green tea")
    assert "VIRTUAL TABLE INDEX" in plan and "SCAN products_fts" in plan, plan


@settings(deadline=None, max_examples=150,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed=st.text(alphabet=st.characters(blacklist_categories=["Cs"],
                                            blacklist_characters="\x00"), max_size=60)
       | st.lists(st.sampled_from(['"', "*", "-", "OR", "NEAR", "(", ")", ":", "^", "tea",
                                   "&", "|", "!", "<->", "'", "{name}", "²", "١٢", " "]),
                  max_size=12).map("".join))
def test_any_text_typed_gives_results_and_never_an_error(teas, typed):
    """Whatever is typed, search answers, and only its words count: the same words
    typed plainly (terms joined by dashes, spaces between) find the same products."""
    plainly = " ".join("-".join(term) for term in search_terms(typed))
    assert found(typed) == found(plainly)
