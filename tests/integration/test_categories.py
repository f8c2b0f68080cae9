"""A product's categories, set by name: missing categories are made, with unique slugs."""
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Category
from app.services import transaction
from app.services.categories import BadCategory, set_product_categories

from tests.support.services import fresh, product


def categories_of(sku: str) -> list[str]:
    return [c.name for c in product(sku).categories]


def every_category() -> list[tuple[str, str]]:
    fresh()
    return [tuple(row) for row in db.session.execute(
        select(Category.name, Category.slug).order_by(Category.id))]


def put(sku: str, names: list[str]) -> None:
    with transaction():
        set_product_categories(product(sku), names)


def test_naming_categories_makes_the_missing_ones_and_puts_the_product_in_them(ctx, shop):
    shop.product("TEA-1")

    put("TEA-1", ["Tea", "Thé & Café"])

    assert categories_of("TEA-1") == ["Tea", "Thé & Café"]
    assert every_category() == [("Tea", "tea"), ("Thé & Café", "thé-café")]


def test_an_existing_category_is_reused_whatever_the_case_of_its_name(ctx, shop):
    shop.product("TEA-1")
    shop.product("TEA-2")
    put("TEA-1", ["Green tea"])

    put("TEA-2", ["green  TEA"])

    assert every_category() == [("Green tea", "green-tea")]
    assert categories_of("TEA-2") == ["Green tea"]


def test_setting_categories_replaces_the_ones_before(ctx, shop):
    shop.product("TEA-1")
    put("TEA-1", ["Tea", "Gifts"])

    put("TEA-1", ["Gifts", "Sale"])
    assert categories_of("TEA-1") == ["Gifts", "Sale"]

    put("TEA-1", [])
    assert categories_of("TEA-1") == []
    assert [name for name, _ in every_category()] == ["Tea", "Gifts", "Sale"]


def test_two_names_with_the_same_slug_get_slugs_of_their_own(ctx, shop):
    shop.product("TEA-1")

    put("TEA-1", ["T-shirts", "T shirts", "!!!"])

    assert every_category() == [("T-shirts", "t-shirts"), ("T shirts", "t-shirts-2"),
                                ("!!!", "category")]


def test_a_name_too_long_is_refused_and_changes_nothing(ctx, shop):
    shop.product("TEA-1")
    put("TEA-1", ["Tea"])

    with pytest.raises(BadCategory, match="at most 100 characters"):
        put("TEA-1", ["Gifts", "x" * 101])

    assert every_category() == [("Tea", "tea")]
    assert categories_of("TEA-1") == ["Tea"]
