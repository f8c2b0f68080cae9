"""Commands: flask --app wsgi init-db | seed-demo | create-user | send-mail | seed-bench |
prune-pictures | import-products."""
import secrets
from datetime import date, timedelta
from decimal import Decimal

import click
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import select

from app.domain.buttons import Policy
from app.domain.errors import DomainError
from app.domain.orders import OrderStatus
from app.domain.product_csv import MAX_BYTES, BadFile
from app.domain.staff import check_new_password
from app.extensions import db
from app.models import Product, Role
from app.pictures.demo import drawing
from app.pictures.images import prepare
from app.services import notifications, pictures, product_csv, staff, transaction
from app.services.catalog import ProductData, create_product, find_product
from app.services.categories import set_product_categories

DEMO_PRODUCTS = [
    ("TEA-001", "Assam breakfast tea, 250 g", "14.50", 40, Policy.STORE, None, None),
    ("TEA-002", "Sencha green tea, 100 g", "18.00", 3, Policy.STORE, None, None),
    ("POT-001", "Cast iron teapot, 1 L", "89.00", 0, Policy.STORE, 21, None),
    ("CUP-001", "Stoneware cup, set of 2", "32.00", 0, Policy.ALWAYS, 10, None),
    ("KET-001", "Gooseneck kettle", "129.00", 0, Policy.STORE, 35, 5),
    ("INF-001", "Glass infuser", "12.00", 0, Policy.NEVER, None, None),
    ("TIN-001", "Tea caddy, tin", "9.50", 12, Policy.STORE, None, None),
    ("MAT-001", "Bamboo tea mat", "7.00", 0, Policy.STORE, 14, None),
]
# The demo's categories, by SKU: the catalogue links each and filters by it.
DEMO_CATEGORIES = {
    "TEA-001": ("Tea",), "TEA-002": ("Tea", "Green tea"), "POT-001": ("Teaware",),
    "CUP-001": ("Teaware", "Gifts"), "KET-001": ("Teaware",), "INF-001": ("Teaware",),
    "TIN-001": ("Gifts",), "MAT-001": ("Teaware", "Gifts"),
}

# Drawn by app/pictures/demo.py; the other products show the placeholder.
DEMO_PICTURES = {
    "TEA-001": [("packet", (176, 58, 46))],
    "TEA-002": [("packet", (88, 140, 70))],
    "POT-001": [("teapot", (70, 78, 90))],
    "CUP-001": [("cups", (214, 200, 170)), ("cups", (60, 110, 150))],
    "KET-001": [("kettle", (190, 190, 196))],
    "TIN-001": [("caddy", (200, 150, 60))],
}


def register(app: Flask) -> None:
    @app.cli.command("init-db")
    def init_db() -> None:
        """Create or upgrade the database schema (migrations)."""
        upgrade()
        click.echo("Database is up to date.")

    @app.cli.command("seed-demo")
    def seed_demo() -> None:
        """Load a small demo shop once, with an admin whose password is printed."""
        if db.session.scalar(select(Product.id).limit(1)) is not None:
            click.echo("The demo shop is already loaded (the data is kept). To set a new "
                       "admin password: flask --app wsgi create-user EMAIL --role admin")
            return
        for sku, name, price, on_hand, policy, arrives_in, limit in DEMO_PRODUCTS:
            arrival = date.today() + timedelta(days=arrives_in) if arrives_in else None
            drawn = [prepare(drawing(subject, colour))
                     for subject, colour in DEMO_PICTURES.get(sku, [])]
            create_product(ProductData(sku=sku, name=name, description=f"{name}.",
                                       price=Decimal(price), on_hand=on_hand,
                                       backorder_policy=policy, arrival_date=arrival,
                                       backorder_limit=limit), user=None,
                           new_pictures=drawn)
        with transaction():
            for sku, names in DEMO_CATEGORIES.items():
                set_product_categories(find_product(sku), names)
        password = secrets.token_urlsafe(12)
        save_user("admin@example.com", Role.ADMIN, password)
        click.echo("Demo shop loaded: 8 products.")
        # From SHOP_URL, like the links in emails: `make run PORT=8000` sets it to match.
        click.echo(f"Sign in at {notifications.public_url('auth.login')} as admin@example.com "
                   f"with password {password}")

    @app.cli.command("create-user")
    @click.argument("email")
    @click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
                  help="Asked for when not given.")
    def create_user(email: str, role: str, password: str) -> None:
        """Create a staff user, or set the role and password of an existing one (and make
        it active again, ending its sessions): the way in when no Admin can sign in."""
        try:
            check_new_password(password, password)
        except DomainError as error:
            raise click.BadParameter(error.message.lower(), param_hint="--password") from None
        created = save_user(email, Role(role), password)
        click.echo(f"{'Created' if created else 'Updated'} {role} {email}.")

    @app.cli.command("seed-bench")
    @click.option("--products", type=click.IntRange(1), default=100_000, show_default=True)
    @click.option("--orders", type=click.IntRange(0), default=300_000, show_default=True,
                  help="Orders placed by shoppers; a quarter get a backorder on top.")
    @click.option("--seed", type=int, default=1, show_default=True,
                  help="The same seed gives the same shop.")
    def seed_bench(products: int, orders: int, seed: int) -> None:
        """Fill the database in bulk with a large shop, for benchmarks."""
        # Imported here, from the repository's bench/ folder: no serving process needs it.
        try:
            from bench import seeding
        except ImportError as error:
            raise click.ClickException("seed-bench runs from a checkout of the repository, "
                                       "which has the bench/ folder") from error
        if products < seeding.MIN_PRODUCTS:
            raise click.BadParameter(f"seed at least {seeding.MIN_PRODUCTS} products",
                                     param_hint="--products")
        with click.progressbar(length=seeding.work(products, orders),
                               label="Seeding") as bar:
            report = seeding.seed_bench(products, orders, seed=seed, progress=bar.update)
        click.echo(f"Added {report.products} products, {report.orders} orders and "
                   f"{report.backorders} backorders ({report.lines} lines) "
                   f"in {report.seconds:.1f} s.")

    @app.cli.command("prune-pictures")
    @click.option("--older-than", type=click.IntRange(0), default=60, show_default=True,
                  help="Minutes: younger files may belong to an upload still being saved.")
    def prune_pictures(older_than: int) -> None:
        """Delete picture files that no product shows (left by a process that stopped
        mid-upload, say)."""
        gone = pictures.prune(timedelta(minutes=older_than))
        click.echo(f"Deleted the files of {gone} picture{'' if gone == 1 else 's'} "
                   "no product shows.")

    @app.cli.command("import-products")
    @click.argument("file", type=click.File("rb"))
    @click.option("--skip-bad-rows", is_flag=True,
                  help="Import the good rows when some are bad (listed, and left out).")
    def import_products(file, skip_bad_rows: bool) -> None:
        """Import products from a CSV file, by the rules of the import page's preview."""
        data = file.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise click.ClickException(f"{file.name} is larger than {MAX_BYTES // 2**20} MB: "
                                       "split it into smaller files")
        try:
            plan, encoding, _ = product_csv.read_plan(data)
        except BadFile as error:
            raise click.ClickException(error.message) from None
        finally:
            db.session.rollback()
        click.echo(f"{file.name} ({encoding}): {len(plan.additions):,} to add, "
                   f"{len(plan.updates):,} to update, {plan.unchanged:,} unchanged, "
                   f"{len(plan.bad):,} bad.")
        for row in plan.bad:
            click.echo(f"  line {row.line:,}{f' ({row.sku})' if row.sku else ''}: {row.reason}",
                       err=True)
        if plan.bad and not skip_bad_rows:
            raise click.ClickException("Nothing imported: fix the bad rows, or import the "
                                       "others with --skip-bad-rows")
        with click.progressbar(length=len(plan.additions) + len(plan.updates),
                               label="Importing") as bar:
            try:
                imported = product_csv.import_file(data, None, skip_bad_rows=skip_bad_rows,
                                                   progress=bar.update)
            except DomainError as error:  # the products changed since the preview above
                raise click.ClickException(f"Nothing imported: {error.message}") from None
        click.echo(f"Imported: {imported.added:,} added, {imported.updated:,} updated, "
                   f"{imported.unchanged:,} unchanged"
                   + (f", {imported.skipped:,} bad rows left out" if imported.skipped else "")
                   + ".")
        for order in imported.ready:
            click.echo(f"Backorder {order.reference} has all its stock"
                       + (" and is released to New" if order.status is OrderStatus.NEW else ""))

    @app.cli.command("send-mail")
    def send_mail() -> None:
        """Send the emails waiting in the outbox now (the worker sends them by itself)."""
        sent, failed = notifications.send_due()
        click.echo(f"Sent {sent}, failed {failed} (the worker tries failed ones again).")


def save_user(email: str, role: Role, password: str) -> bool:
    """Create the account, or give it this role and password and make it active again."""
    return staff.save_from_command_line(email, role, password)
