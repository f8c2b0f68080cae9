"""Product pictures: adding, describing, ordering and removing them with the product form.

The files are written before the transaction that adds their rows (their names come from
their content, so writing one twice is harmless) and deleted after a transaction that
removes the last row using them commits, or after a transaction that added them fails.
Every change bumps the product's `pictures_version`, part of what the storefront shows
of it, so the kept pages showing the product are dropped (app/page_cache/).
"""
import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.domain.errors import DomainError
from app.extensions import db
from app.models import Product, ProductPicture, User
from app.pictures import files
from app.pictures.images import Prepared
from app.services import transaction
from app.services.records import lock_products

log = logging.getLogger(__name__)

MAX_PICTURES = 12  # per product
MAX_ALT_TEXT = 300


class PictureNotFound(DomainError):
    field = "pictures"


class TooManyPictures(DomainError):
    field = "pictures"


@contextmanager
def stored(new: Sequence[Prepared]) -> Iterator[set[str]]:
    """Write the files of `new` pictures around the transaction run inside.

    Yields a set for the keys of pictures the transaction removes: their files are
    deleted once it has committed, when no row uses them any more. If the transaction
    fails, the files written for it that no row uses are deleted."""
    removed: set[str] = set()
    try:
        for picture in new:
            files.save(picture)
        yield removed
    except BaseException:
        _discard_quietly({picture.key for picture in new})
        raise
    _discard_quietly(removed)
    # Another process may have removed the last other product showing the same picture
    # and deleted its files while ours were uncommitted: write any that went missing.
    for picture in new:
        try:
            files.save_missing(picture)
        except OSError:  # the change stands; the files can be uploaded again
            log.warning("Could not write the files of picture %s", picture.key, exc_info=True)


def discard_unused(keys: Iterable[str]) -> None:
    """Delete the files of the pictures no row uses (another product may share one)."""
    keys = set(keys)
    if not keys:
        return
    # After a commit or a rollback there is nothing to flush.
    with db.session.no_autoflush:
        used = set(db.session.scalars(
            select(ProductPicture.key).where(ProductPicture.key.in_(keys)).distinct()))
    db.session.rollback()  # a read; nothing to keep open
    files.delete(keys - used)


def _discard_quietly(keys: set[str]) -> None:
    """Files left behind are only disk space: the change (or its failure) stands, and the
    person is not told otherwise because of them."""
    try:
        discard_unused(keys)
    except Exception:  # noqa: BLE001 - a database or disk error: logged, nothing lost
        log.warning("Could not delete the files of pictures %s", sorted(keys), exc_info=True)


def prune(older_than: timedelta) -> int:
    """Delete the files no picture row uses, written at least `older_than` ago (younger
    ones may belong to an upload whose transaction has not committed yet). Returns how
    many pictures' files went. Files are left behind only when a process stops between
    writing them and its commit, or their deletion failed (it is logged)."""
    keys = sorted(files.stored_keys(older_than.total_seconds()))
    gone = 0
    for start in range(0, len(keys), 500):
        chunk = set(keys[start:start + 500])
        used = set(db.session.scalars(
            select(ProductPicture.key).where(ProductPicture.key.in_(chunk)).distinct()))
        files.delete(chunk - used)
        gone += len(chunk - used)
    db.session.rollback()
    return gone


def add(product: Product, new: Sequence[Prepared], alt_text: str) -> None:
    """Add pictures after the product's others (the first of a product is its main one).
    In the caller's transaction, with the product's row locked."""
    if not new:
        return
    count = len(product.pictures)
    if count + len(new) > MAX_PICTURES:
        raise TooManyPictures(f"A product has at most {MAX_PICTURES} pictures: remove one "
                              f"first, or upload {max(MAX_PICTURES - count, 0)} or fewer")
    for position, picture in enumerate(new, start=count):
        thumb, large = picture.sizes["thumb"], picture.sizes["large"]
        product.pictures.append(ProductPicture(
            position=position, key=picture.key, alt_text=alt_text[:MAX_ALT_TEXT],
            thumb_width=thumb.width, thumb_height=thumb.height,
            large_width=large.width, large_height=large.height))
    product.pictures_version += 1


def describe(product: Product, alt_texts: Mapping[int, str]) -> None:
    """Set the `Alt text` of the product's pictures, by picture id (others are kept)."""
    changed = False
    for picture in product.pictures:
        text = alt_texts.get(picture.id)
        if text is not None and text != picture.alt_text:
            picture.alt_text, changed = text, True
    if changed:
        product.pictures_version += 1


def remove(sku: str, picture_id: int, user: User | None) -> str:
    """`Remove picture`: the picture goes and the next moves up; its files are deleted
    after the commit unless another product shows the same picture. Returns the SKU."""
    with stored(()) as removed, transaction():
        product = locked(sku)
        picture = _picture(product, picture_id, "That picture was already removed")
        product.pictures.remove(picture)  # delete-orphan: the row goes at the flush
        _renumber(product)
        product.pictures_version += 1
        removed.add(picture.key)
        sku = product.sku  # read before the commit expires it
    return sku


def make_main(sku: str, picture_id: int, user: User | None) -> str:
    """`Make main picture`: the picture moves first; the others keep their order."""
    with transaction():
        product = locked(sku)
        picture = _picture(product, picture_id, "That picture was removed")
        if picture.position != 0:
            product.pictures[:] = [picture, *(p for p in product.pictures if p is not picture)]
            _renumber(product)
            product.pictures_version += 1
        sku = product.sku
    return sku


def locked(sku: str) -> Product:
    """The product, its row locked (products by id, as everywhere), with its pictures."""
    product_id = db.session.scalar(select(Product.id).where(Product.sku == sku))
    if product_id is None:
        raise DomainError(f"There is no product {sku}")
    lock_products([product_id])
    return db.session.scalars(select(Product).where(Product.id == product_id)
                              .options(selectinload(Product.pictures))).one()


def _picture(product: Product, picture_id: int, gone: str) -> ProductPicture:
    picture = next((p for p in product.pictures if p.id == picture_id), None)
    if picture is None:
        raise PictureNotFound(gone)
    return picture


def _renumber(product: Product) -> None:
    for position, picture in enumerate(product.pictures):
        picture.position = position
