"""Measuring a page: wrk under load, single requests one at a time, CPU per request,
and the floor (bench/floor.py) right after it; checkout under contention."""
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

from provision import BENCH, HOST, ROOT, Scale, flask, log, pg_url, psql, scratch_copy
from selling import Shoppers
from servers import (APP_PORT, FLOOR_PORT, RENDER_PORT, STAFF_EMAIL, STAFF_PASSWORD,
                     USER_AGENT, Server, app_env, cart_cookie, cpu_seconds, get, staff_cookie)

WRK = ["wrk", "-t2", "-c16", "--latency"]
UNLOADED_REQUESTS = 100
WARM_UP, WARM_UP_MANY = 2, 10  # seconds of wrk before a page is measured
SELL_MAX = float("inf")
SELLING_RATES = (0.0, 0.2, 1.0, 5.0)  # checkouts per second while pages are read


@dataclass
class Page:
    name: str
    paths: list[str]
    cookie: str = ""
    expect: str = ""  # text the page must hold, so a redirect or an error page is caught
    port: int = APP_PORT  # APP_PORT: as served (page cache on); RENDER_PORT: cache off
    size: int = 0
    rps: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    unloaded_ms: float = 0.0
    cpu_ms: float = 0.0         # CPU per request: gunicorn workers + database backends
    floor_rps: float = 0.0
    floor_cpu_ms: float = 0.0
    notes: list[str] = field(default_factory=list)
    # While the shop sells: checkouts asked per second (SELL_MAX: one after another,
    # from `shoppers` threads), the products they buy, and what they achieved.
    selling: float | None = None
    buy: list[str] = field(default_factory=list)
    shoppers: int = 1
    placed_per_s: float = 0.0
    refused: int = 0
    checkout_ms: float = 0.0

    @property
    def ratio(self) -> float:
        return self.rps / self.floor_rps if self.floor_rps else 0.0

    @property
    def cpu_ratio(self) -> float:
        """What the ratio would be on a machine doing nothing else: floor CPU / page CPU."""
        return self.floor_cpu_ms / self.cpu_ms if self.cpu_ms else 0.0


def backends(database_name: str | None) -> list[int]:
    """PostgreSQL server processes serving the app's connections (none for SQLite)."""
    if not database_name:
        return []
    out = psql(f"SELECT pid FROM pg_stat_activity WHERE datname = '{database_name}' "
               f"AND pid <> pg_backend_pid()")
    return [int(pid) for pid in out.split()]

def wrk(port: int, paths: list[str], cookie: str, seconds: int) -> dict:
    """Run wrk against the paths in turn; requests per second and latency percentiles."""
    lines = [f'wrk.headers["User-Agent"] = "{USER_AGENT}"']
    if cookie:
        lines.append(f'wrk.headers["Cookie"] = "{cookie}"')
    lines += ["local paths = {" + ",".join(json.dumps(p) for p in paths) + "}",
              "local i = 0",
              "request = function()",
              "  i = i + 1",
              "  return wrk.format('GET', paths[(i % #paths) + 1])",
              "end"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write("\n".join(lines) + "\n")
    try:
        out = subprocess.run([*WRK, f"-d{seconds}s", "-s", script.name,
                              f"http://{HOST}:{port}/"], capture_output=True, text=True,
                             check=True, timeout=seconds + 60).stdout
    finally:
        os.unlink(script.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    percentiles = {int(p): duration_ms(v) for p, v in
                   re.findall(r"^\s+(\d+)%\s+([\d.]+\w+)", out, re.MULTILINE)}
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "requests": requests, "p50": percentiles.get(50, 0.0), "p99": percentiles.get(99, 0.0),
            "bad": int(bad.group(1)) if bad else 0, "errors": errors.group(1) if errors else ""}


def duration_ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def unloaded_ms(port: int, paths: list[str], cookie: str) -> float:
    """Median time of single requests one after another, on an otherwise idle server."""
    times = []
    for i in range(UNLOADED_REQUESTS + 5):
        started = time.perf_counter()
        get(port, paths[i % len(paths)], cookie)
        if i >= 5:
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def loaded(port: int, paths: list[str], cookie: str, seconds: int, pids,
           warm_up: bool = True) -> tuple[dict, float]:
    """A warm-up, then the wrk run; with the CPU per request of the processes `pids()`."""
    if warm_up:
        wrk(port, paths, cookie, max(1, seconds // 5))
    watched = pids()
    before = cpu_seconds(watched)
    result = wrk(port, paths, cookie, seconds)
    cpu_ms = (cpu_seconds(watched) - before) * 1000 / max(1, result["requests"])
    return result, cpu_ms


def measure(port: int, page: Page, seconds: int, pids) -> None:
    """Fill in the page's size, single-request time and wrk figures."""
    status, _, body = get(port, page.paths[0], page.cookie)
    if status != 200 or page.expect.encode() not in body:
        raise SystemExit(f"{page.name}: {page.paths[0]} gave {status} without {page.expect!r}")
    page.size = len(body)
    # Warm up before both measures: each worker keeps its own pages, and the product
    # page goes through 500 of them (10 s of wrk passes over them ~6 times).
    # Each worker renders each page once before it keeps it: on a loaded machine 10 s
    # of wrk leave some of 500 pages unkept, so the warm-up grows with the pages.
    wrk(port, page.paths, page.cookie,
        max(WARM_UP_MANY, len(page.paths) // 25) if len(page.paths) > 1 else WARM_UP)
    shoppers = None
    if page.selling:
        shoppers = Shoppers(port, page.buy, None if page.selling == SELL_MAX else page.selling,
                            threads=page.shoppers).start()
    try:
        page.unloaded_ms = unloaded_ms(port, page.paths, page.cookie)
        result, page.cpu_ms = loaded(port, page.paths, page.cookie, seconds, pids,
                                     warm_up=False)
    finally:
        if shoppers is not None:
            shoppers.stop()
    if shoppers is not None:
        page.placed_per_s, page.refused = shoppers.per_second, shoppers.refused
        page.checkout_ms = statistics.median(shoppers.seconds) * 1000 if shoppers.seconds \
            else 0.0
        if not shoppers.placed:
            raise SystemExit(f"{page.name}: no checkout was placed while it ran")
    if result["bad"]:
        raise SystemExit(f"{page.name}: {result['bad']} responses were not 2xx/3xx")
    if result["errors"]:
        page.notes.append(f"wrk socket errors: {result['errors']}")
    status, _, body = get(port, page.paths[-1], page.cookie)
    if status != 200 or page.expect.encode() not in body:
        raise SystemExit(f"{page.name}: after the run {page.paths[-1]} gave {status}")
    page.rps, page.p50_ms, page.p99_ms = result["rps"], result["p50"], result["p99"]


SELLING_PAGES = 200   # product pages read while the shop sells
CATALOGUE_PAGES = 40  # catalogue pages read while the shop sells (24 products each)


def pick_skus(kind: str, url: str) -> dict:
    """Products for the pages: a spread for the product page, three buyable for the cart,
    and the id the catalogue's last page comes after."""
    code = ("import json\nfrom sqlalchemy import select, func\nfrom wsgi import app\n"
            "from app.extensions import db\nfrom app.models import Product\n"
            "with app.app_context():\n"
            "    spread = db.session.scalars(select(Product.sku).order_by(func.random()).limit(500)).all()\n"
            "    buy = db.session.scalars(select(Product.sku).where(Product.sku.in_(spread[:SELLING_PAGES]), (Product.on_hand > Product.committed) | (Product.backorder_limit.is_(None))).order_by(Product.id)).all()\n"
            "    names = db.session.scalars(select(Product.id).order_by(Product.name, Product.id).limit(CATALOGUE_PAGES * 24)).all()\n"
            "    windows = [None] + names[23::24][:CATALOGUE_PAGES - 1]\n"
            "    stocked = db.session.scalars(select(Product.sku).where(Product.on_hand - Product.committed > 5, Product.waiting == 0).order_by(Product.id).limit(2)).all()\n"
            "    waiting = db.session.scalars(select(Product.sku).where(Product.waiting > 0, Product.backorder_limit.is_(None)).order_by(Product.id).limit(1)).all()\n"
            "    count = db.session.scalar(select(func.count()).select_from(Product))\n"
            "    deep = db.session.scalar(select(Product.id).order_by(Product.name, Product.id).offset(max(0, count - 25)).limit(1))\n"
            "    print(json.dumps({'spread': spread, 'cart': stocked + waiting, 'deep': deep, 'buy': buy, 'windows': windows}))\n")
    code = code.replace("SELLING_PAGES", str(SELLING_PAGES)).replace("CATALOGUE_PAGES",
                                                                       str(CATALOGUE_PAGES))
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         env={**os.environ, "DATABASE_URL": url}, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_app(kind: str, scale: Scale, url: str, seconds: int, floor: "Server") -> list[Page]:
    flask(["create-user", STAFF_EMAIL, "--role", "staff", "--password", STAFF_PASSWORD], url,
          capture_output=True)
    skus = pick_skus(kind, url)
    database_name = url.rsplit("/", 1)[1] if kind == "postgresql" else None
    products = [f"/products/{sku}" for sku in skus["spread"]]
    with Server(f"app-{kind}-{scale.name}", "wsgi:app", APP_PORT, ROOT, app_env(url)) as app, \
            Server(f"render-{kind}-{scale.name}", "wsgi:app", RENDER_PORT, ROOT,
                   app_env(url, page_cache=False)) as render:
        servers = {APP_PORT: app, RENDER_PORT: render}
        cart = cart_cookie(APP_PORT, skus["cart"])
        staff = staff_cookie(APP_PORT)
        pages = [
            Page("catalogue", ["/"], expect="/products/"),
            Page("product page", products, expect="Quantity"),
            Page("catalogue, rendered", ["/"], expect="/products/", port=RENDER_PORT),
            Page("product page, rendered", products, expect="Quantity", port=RENDER_PORT),
            Page("catalogue, last page, rendered", [f"/?after={skus['deep']}"],
                 expect="/products/", port=RENDER_PORT),
            Page("cart", ["/cart"], cookie=cart, expect="on backorder"),
            Page("orders: New Backorder", ["/admin/orders?status=New+Backorder"], cookie=staff,
                 expect="New Backorder"),
        ]
        for page in pages:
            server = servers[page.port]
            measure_against_floor(page, seconds, floor,
                                  lambda: server.pids() + backends(database_name))
    return pages


def measure_against_floor(page: Page, seconds: int, floor: Server, pids) -> None:
    measure(page.port, page, seconds, pids)
    # The floor right after the page, so both see the same machine.
    result, page.floor_cpu_ms = loaded(FLOOR_PORT, [f"/page/{page.size}"], "", seconds,
                                       floor.pids)
    page.floor_rps = result["rps"]
    selling = ""
    if page.selling is not None:
        selling = (f"  selling {page.selling:g}/s: placed {page.placed_per_s:.2f}/s, "
                   f"refused {page.refused}, checkout {page.checkout_ms:.0f} ms")
    log(f"    {page.name:<32} {page.rps:7.1f} req/s (floor {page.floor_rps:6.1f}, "
        f"ratio {page.ratio:.2f}; CPU {page.cpu_ms:.2f} / {page.floor_cpu_ms:.2f} ms, "
        f"{page.cpu_ratio:.2f})  p50 {page.p50_ms:6.1f} ms  single "
        f"{page.unloaded_ms:5.1f} ms  {page.size:>6} B{selling}")


def bench_selling(kind: str, scale: Scale, url: str, seconds: int, floor: Server) -> list[Page]:
    """Product and catalogue pages read while checkouts come in over HTTP, at each rate
    of SELLING_RATES and as fast as two shoppers go; on a scratch copy of the database."""
    skus = pick_skus(kind, url)
    url = scratch_copy(kind, url)
    database_name = url.rsplit("/", 1)[1] if kind == "postgresql" else None
    products = [f"/products/{sku}" for sku in skus["spread"][:SELLING_PAGES]]
    catalogue = ["/" if after is None else f"/?after={after}" for after in skus["windows"]]
    pages = []
    for rate in SELLING_RATES:
        # Each checkout waits in the workers' queue behind wrk's requests: more than
        # one a second needs shoppers side by side to keep the pace.
        shoppers = 1 if rate <= 1 else 4
        pages.append(Page(f"product pages, {rate:g} checkouts/s", products, expect="Quantity",
                          selling=rate, buy=skus["buy"], shoppers=shoppers))
        pages.append(Page(f"catalogue pages, {rate:g} checkouts/s", catalogue,
                          expect="/products/", selling=rate, buy=skus["buy"],
                          shoppers=shoppers))
    pages.append(Page("product pages, checkouts as fast as 2 shoppers go", products,
                      expect="Quantity", selling=SELL_MAX, shoppers=2, buy=skus["buy"]))
    with Server(f"selling-{kind}-{scale.name}", "wsgi:app", APP_PORT, ROOT,
                app_env(url)) as app:
        for page in pages:
            measure_against_floor(page, seconds, floor,
                                  lambda: app.pids() + backends(database_name))
    return pages


def bench_contention() -> dict:
    name = "bench_checkout"
    psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    psql(f'CREATE DATABASE "{name}"')
    flask(["init-db"], pg_url(name), capture_output=True)
    out = subprocess.run([sys.executable, str(BENCH / "contention.py")], cwd=ROOT, text=True,
                         env={**os.environ, "DATABASE_URL": pg_url(name)}, capture_output=True,
                         timeout=1200)
    lines = out.stdout.strip().splitlines()
    if not lines:
        raise SystemExit(f"contention.py printed nothing:\n{out.stderr[-3000:]}")
    return json.loads(lines[-1])


# Report ------------------------------------------------------------------------
