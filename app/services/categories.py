"""Categories: the ones a product is in, made by name when first used."""
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.domain.categories import CategoryNameError, category_names, name_key, unique_slug
from app.domain.errors import DomainError
from app.extensions import db
from app.models import Category, Product, product_categories


class BadCategory(DomainError):
    field = "category_names"  # the product form's Categories


def all_categories() -> list[Category]:
    """Every category, by name (the catalogue's links, the product form's choices)."""
    return list(db.session.scalars(select(Category).order_by(Category.name, Category.id)))


def categories_of(product_id: int) -> list[Category]:
    """The categories a product is in, by name."""
    return list(db.session.scalars(
        select(Category).join(product_categories, product_categories.c.category_id == Category.id)
        .where(product_categories.c.product_id == product_id).order_by(Category.name)))


def find_category(slug: str) -> Category | None:
    return db.session.scalar(select(Category).where(Category.slug == slug))


def set_product_categories(product: Product, names: Iterable[str]) -> list[Category]:
    """Put the product in exactly the categories named, inside the caller's transaction.

    A name matches an existing category whatever its case and spacing ("tea" is "Tea");
    a name that matches none makes a new category, with a slug of its own. Returns the
    product's categories, by name. Raises BadCategory for a name that cannot be saved.
    """
    try:
        wanted = category_names(names)
    except CategoryNameError as error:
        raise BadCategory(str(error)) from None
    existing = _by_key()
    for _ in range(ATTEMPTS):
        missing = [name for name in wanted if name_key(name) not in existing]
        if not missing:
            break
        _insert(missing, taken={c.slug for c in existing.values()})
        existing = _by_key()
    if any(name_key(name) not in existing for name in wanted):
        raise BadCategory("Categories were being added at the same time: please save again")
    chosen = sorted((existing[name_key(name)] for name in wanted), key=lambda c: c.name)
    product.categories = chosen
    db.session.flush()
    return chosen


# Another request may add a category of the same name or slug at the same moment: each
# attempt reads what was committed meanwhile and tries the slugs still free.
ATTEMPTS = 3


def _by_key() -> dict[str, Category]:
    return {name_key(c.name): c for c in all_categories()}


def _insert(names: list[str], taken: set[str]) -> None:
    """Add categories of these names. A name or slug that another request has just taken
    is skipped (ON CONFLICT DO NOTHING, which on PostgreSQL waits for that request to
    finish): the caller reads again and finds that request's category, or tries again."""
    bind = db.session.get_bind()
    insert = postgresql_insert if bind.dialect.name == "postgresql" else sqlite_insert
    for name in names:
        slug = unique_slug(name, taken)
        taken.add(slug)
        db.session.execute(insert(Category).values(name=name, slug=slug)
                           .on_conflict_do_nothing())
