"""Categories: the ones a product is in, made by name when first used."""
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.domain.categories import CategoryNameError, category_names, name_key, unique_slug
from app.domain.errors import DomainError
from app.extensions import db
from app.models import Category, Product


class BadCategory(DomainError):
    field = "categories"


def all_categories() -> list[Category]:
    """Every category, by name (the catalogue's links, the product form's choices)."""
    return list(db.session.scalars(select(Category).order_by(Category.name, Category.id)))


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
    existing = {name_key(c.name): c for c in all_categories()}
    missing = [name for name in wanted if name_key(name) not in existing]
    if missing:
        existing |= _made(missing, taken={c.slug for c in existing.values()})
    chosen = sorted((existing[name_key(name)] for name in wanted), key=lambda c: c.name)
    product.categories = chosen
    db.session.flush()
    return chosen


def _made(names: list[str], taken: set[str]) -> dict[str, Category]:
    """Add categories of these names. Another request adding the same name at the same
    time wins quietly (ON CONFLICT DO NOTHING): its category is the one used."""
    bind = db.session.get_bind()
    insert = postgresql_insert if bind.dialect.name == "postgresql" else sqlite_insert
    for name in names:
        slug = unique_slug(name, taken)
        taken.add(slug)
        db.session.execute(insert(Category).values(name=name, slug=slug)
                           .on_conflict_do_nothing())
    made = {name_key(c.name): c for c in db.session.scalars(
        select(Category).where(Category.name.in_(names)))}
    for name in names:
        if name_key(name) not in made:
            raise BadCategory(f"Another category was just given the link of {name}: "
                              "please save again")
    return made
