"""Products as CSV: preview a file, import it in one transaction, export every product.

The rules (which columns, how a row reads, what a row does) are in
app/domain/product_csv.py; this module loads the products a file names, a thousand at
a time, and writes the plan in a fixed number of statements per thousand rows.
"""
import hashlib
import secrets
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import bindparam, delete, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from app.domain import product_csv
from app.domain.categories import name_key, unique_slug
from app.domain.errors import DomainError
from app.domain.product_csv import BadFile, Existing, Plan
from app.extensions import db, page_cache
from app.models import Category, Order, Product, ProductImport, User, product_categories
from app.models.types import utcnow
from app.services import ledger, transaction
from app.services.inventory import serve_arrivals_many
from app.services.records import lock_product_rows

BATCH = 1000  # rows per statement: far inside SQLite's and PostgreSQL's parameter limits
NOTE = "CSV import"  # the ledger's note on the stock an import sets
PREVIEW_OPEN = timedelta(hours=2)  # how long a preview may wait for its Import
# The fields an import writes on a product it updates: all of them on every row, so
# the thousand rows of a batch are one UPDATE statement (executemany), whatever changed.
WRITTEN = ("name", "description", "price", "on_hand", "backorder_policy", "arrival_date",
           "backorder_limit", "supplier_sku", "cost_price")
# What the plan compares, read as plain rows: loading 10,000 products into the session
# would cost more than the import itself.
COMPARED = (Product.sku, *(getattr(Product, name) for name in WRITTEN), Product.committed,
            Product.waiting)
_products = Product.__table__
UPDATE = update(_products).where(_products.c.id == bindparam("product_id")).values(
    {name: bindparam(f"new_{name}") for name in WRITTEN})


class StaleImport(DomainError):
    field = "csv_file"


@dataclass(frozen=True)
class Preview:
    plan: Plan
    encoding: str
    filename: str
    token: str | None  # the Import form's reference; None when there is nothing to import


@dataclass(frozen=True)
class Imported:
    added: int
    updated: int
    unchanged: int
    skipped: int  # bad rows left out (the command line's --skip-bad-rows)
    ready: list[Order]  # backorders the stock made ready, as a receipt's


def chunks(items: Sequence, size: int = BATCH) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def as_existing(product, categories: tuple[str, ...] = ()) -> Existing:
    """A Product, or a row of COMPARED with its id, as the plan compares it."""
    return Existing(sku=product.sku, name=product.name, description=product.description,
                    price=product.price, on_hand=product.on_hand,
                    backorder_policy=product.backorder_policy,
                    arrival_date=product.arrival_date, backorder_limit=product.backorder_limit,
                    supplier_sku=product.supplier_sku, cost_price=product.cost_price,
                    committed=product.committed, categories=categories)


def categories_of(product_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    """The category names of these products, by name: one statement per thousand."""
    found: dict[int, tuple[str, ...]] = {}
    for chunk in chunks(sorted(product_ids)):
        for product_id, name in db.session.execute(
                select(product_categories.c.product_id, Category.name)
                .join(Category, Category.id == product_categories.c.category_id)
                .where(product_categories.c.product_id.in_(chunk))
                .order_by(product_categories.c.product_id, Category.name)):
            found[product_id] = (*found.get(product_id, ()), name)
    return found


def products_named(skus: Iterable[str], *, lock: bool = False) -> dict:
    """The products with these SKUs, as rows of COMPARED, by SKU: one statement per
    thousand, two when locking (the ids first, then the rows locked in id order, the
    order every stock writer takes)."""
    skus = sorted(skus)
    if not lock:
        return {row.sku: row for chunk in chunks(skus) for row in db.session.execute(
            select(Product.id, *COMPARED).where(Product.sku.in_(chunk)))}
    ids = sorted(product_id for chunk in chunks(skus) for product_id in db.session.scalars(
        select(Product.id).where(Product.sku.in_(chunk))))
    return {row.sku: row for chunk in chunks(ids)
            for row in lock_product_rows(chunk, *COMPARED)}


def read_plan(data: bytes, *, lock: bool = False) -> tuple[Plan, str, dict]:
    """The plan for a file against the products as they are (locked, to apply it), and
    the products' rows by SKU."""
    loaded: dict = {}

    def existing_for(skus: set[str], with_categories: bool) -> dict[str, Existing]:
        loaded.update(products_named(skus, lock=lock))
        categories = categories_of([p.id for p in loaded.values()]) if with_categories else {}
        return {sku: as_existing(product, categories.get(product.id, ()))
                for sku, product in loaded.items()}

    plan, encoding = product_csv.read_file(data, existing_for)
    return plan, encoding, loaded


def digest(plan: Plan) -> str:
    return hashlib.sha256(repr(plan.digest()).encode()).hexdigest()


def preview_file(data: bytes, filename: str, user: User) -> Preview:
    """What importing the file would do. A file with something to import and no bad row
    is kept for its Import, under a random token bound to `user` and to this preview."""
    plan, encoding, _ = read_plan(data)
    token = None
    if not plan.bad and (plan.additions or plan.updates):
        token = secrets.token_urlsafe(32)
        with transaction():
            # Each person has one preview open at a time; previews left open expire.
            db.session.execute(delete(ProductImport).where(or_(
                ProductImport.user_id == user.id,
                ProductImport.created_at < utcnow() - PREVIEW_OPEN)))
            db.session.add(ProductImport(token=token, user_id=user.id, content=data,
                                         filename=filename[:255], plan_digest=digest(plan)))
    return Preview(plan, encoding, filename, token)


def _staged(token: str, user: User, *, lock: bool = False) -> ProductImport | None:
    """The file kept under `token` for `user`, while its preview is open. Locked, two
    Imports of one preview (a double click) queue, and the second finds it gone."""
    query = select(ProductImport).where(ProductImport.token == token[:64])
    staged = db.session.scalar(query.with_for_update() if lock else query) if token else None
    if staged is None or staged.user_id != user.id \
            or staged.created_at < utcnow() - PREVIEW_OPEN:
        return None
    return staged


CLOSED = ("This preview is no longer open (it was imported, replaced by a newer preview, or "
          "it expired): upload the file again")
CHANGED = ("The products changed since this preview: check the new preview below, then "
           "import again")


def import_staged(token: str, user: User) -> Imported:
    """Import the file previewed under `token`, all of it in one transaction or nothing.

    Refused (StaleImport) when the preview is not open for `user`, or when the file
    would now do anything else than its preview showed.
    """
    try:
        with transaction():
            staged = _staged(token, user, lock=True)
            if staged is None:
                raise StaleImport(CLOSED)
            plan, _, products = read_plan(staged.content, lock=True)
            if plan.bad or digest(plan) != staged.plan_digest:
                raise StaleImport(CHANGED)
            db.session.delete(staged)
            return apply_plan(plan, products, user)
    except IntegrityError:  # a product of the file's was added meanwhile, by someone else
        raise StaleImport(CHANGED) from None


def preview_again(token: str, user: User) -> Preview | None:
    """The preview of a kept file, as the products are now (after StaleImport)."""
    staged = _staged(token, user)
    if staged is None:
        return None
    data, filename = staged.content, staged.filename
    db.session.rollback()
    return preview_file(data, filename, user)


def import_file(data: bytes, user: User | None, *, skip_bad_rows: bool = False,
                progress: Callable[[int], None] | None = None) -> Imported:
    """The command line's import: the same rules as the preview, in one transaction.

    Any bad row refuses the whole file (BadFile naming the first) unless skip_bad_rows.
    """
    try:
        with transaction():
            plan, _, products = read_plan(data, lock=True)
            if plan.bad and not skip_bad_rows:
                first = plan.bad[0]
                raise BadFile(f"{len(plan.bad):,} bad rows, nothing imported; the first, "
                              f"line {first.line:,}: {first.reason}")
            return apply_plan(plan, products, user, progress)
    except IntegrityError:  # a product of the file's was added meanwhile, by someone else
        raise StaleImport("A product with a SKU of the file's was added while it was "
                          "imported: nothing imported, import again") from None


def apply_plan(plan: Plan, products: dict, user: User | None,
               progress: Callable[[int], None] | None = None) -> Imported:
    """Write the plan inside the caller's transaction, with `products` (rows by SKU)
    locked.

    Per thousand rows: one UPDATE or INSERT of the products and one INSERT of their
    ledger rows. The products whose on hand went up while orders wait for them then
    serve those orders oldest first, as a receipt does, in a few statements for all.
    """
    user_id = user.id if user else None
    if plan.updates or plan.additions:
        page_cache.bulk_changed(db.session)
    for batch in chunks(plan.updates):
        db.session.execute(UPDATE, [
            {"product_id": products[change.sku].id,
             **{f"new_{name}": getattr(change.product, name) for name in WRITTEN}}
            for change in batch])
        ledger.record_many([ledger.movement(products[change.sku].id, "adjustment",
                                            on_hand=change.on_hand_delta, user_id=user_id,
                                            note=NOTE)
                            for change in batch if change.on_hand_delta])
        if plan.has_categories:
            _set_categories({products[c.sku].id: c.product.categories for c in batch
                             if "categories" in c.changed})
        if progress:
            progress(len(batch))
    for batch in chunks(plan.additions):
        # One executemany INSERT, then the new ids by SKU: two statements on every
        # database (an ORM flush inserts row by row where RETURNING cannot be batched).
        db.session.execute(insert(Product.__table__), [_new_product(c.product) for c in batch])
        ids = dict(db.session.execute(select(Product.sku, Product.id).where(
            Product.sku.in_([change.sku for change in batch]))).all())
        ledger.record_many([ledger.movement(ids[change.sku], "opening stock",
                                            on_hand=change.product.on_hand, user_id=user_id,
                                            note=NOTE) for change in batch])
        if plan.has_categories:
            _set_categories({ids[change.sku]: change.product.categories for change in batch
                             if change.product.categories})
        if progress:
            progress(len(batch))
    # Stock that went up serves the orders waiting for it, oldest first, as a receipt's.
    ready = serve_arrivals_many([products[change.sku].id for change in plan.updates
                                 if change.on_hand_delta > 0 and products[change.sku].waiting],
                                user, note=NOTE)
    return Imported(added=len(plan.additions), updated=len(plan.updates),
                    unchanged=plan.unchanged, skipped=len(plan.bad), ready=ready)


def _new_product(new: Existing) -> dict:
    return {"sku": new.sku, "name": new.name, "description": new.description,
            "price": new.price, "on_hand": new.on_hand, "committed": 0, "waiting": 0,
            "backorder_policy": new.backorder_policy, "arrival_date": new.arrival_date,
            "backorder_limit": new.backorder_limit, "supplier_id": None,
            "supplier_sku": new.supplier_sku, "cost_price": new.cost_price}


def _set_categories(wanted: dict[int, tuple[str, ...]]) -> None:
    """Put each product (by id) in exactly the categories named, making the missing ones:
    the same few statements for a thousand products as for one.

    A name matches a category whatever its case and spacing, as on the product form;
    a new category gets a slug of its own (app/domain/categories.py).
    """
    if not wanted:
        return
    keys = {name: name_key(name) for names in wanted.values() for name in names}
    known = {name_key(name): category_id for category_id, name in db.session.execute(
        select(Category.id, Category.name))}
    missing = {keys[name]: name for name in keys if keys[name] not in known}
    if missing:
        taken = set(db.session.scalars(select(Category.slug)))
        rows = []
        for name in missing.values():
            rows.append({"name": name, "slug": unique_slug(name, taken)})
            taken.add(rows[-1]["slug"])
        dialect = db.session.get_bind().dialect.name
        upsert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        # Another request making the same category at once (in any spelling: "tea" for
        # "Tea") wins quietly; its row is the one used.
        db.session.execute(upsert(Category).on_conflict_do_nothing(), rows)
        known = {name_key(name): category_id for category_id, name in db.session.execute(
            select(Category.id, Category.name))}
        if any(key not in known for key in missing):
            raise StaleImport("Another category was just made with the same link as one in "
                              "the file: import again")
    db.session.execute(delete(product_categories).where(
        product_categories.c.product_id.in_(list(wanted))))
    links = {(product_id, known[keys[name]])
             for product_id, names in wanted.items() for name in names}
    if links:
        db.session.execute(insert(product_categories), [
            {"product_id": product_id, "category_id": category_id}
            for product_id, category_id in sorted(links)])


def export_rows() -> Iterator[list[str]]:
    """Every product as the export's rows, by SKU, header first: a thousand products
    and their categories in two statements, so a large catalogue never sits in memory."""
    yield list(product_csv.EXPORT_HEADER)
    after = None
    while True:
        query = select(Product.id, *COMPARED).order_by(Product.sku).limit(BATCH)
        if after is not None:
            query = query.where(Product.sku > after)
        products = db.session.execute(query).all()
        if not products:
            return
        categories = categories_of([p.id for p in products])
        for product in products:
            yield product_csv.export_row(as_existing(product, categories.get(product.id, ())))
        after = products[-1].sku
