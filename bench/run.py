"""`make bench`: load and scale benchmarks on this machine (see bench/README.md).

For each database (PostgreSQL, SQLite) and each size (small: 1,000 products and
3,000 orders; large: 100,000 and 300,000), it seeds a database once (`seed-bench`,
kept for the next run), starts the app under gunicorn (2 sync workers) on 127.0.0.1
twice, as served (page cache on) and with PAGE_CACHE_SIZE=0, and measures with wrk the
catalogue and a product page both ways, the catalogue's last page (keyset) rendered, a
cart page and the staff orders list filtered by New Backorder. The floor is a bare
Flask app (bench/floor.py) under the same gunicorn serving a page of the same size.
Then checkout under contention on PostgreSQL (bench/contention.py). The figures go
to the screen and into bench/README.md.

    .venv/bin/python bench/run.py [--quick] [--databases postgresql,sqlite]
                                  [--duration 10] [--reseed] [--no-readme]

--quick (or BENCH_QUICK=1): large is 10,000 products / 30,000 orders, 5 s per page.
Needs wrk (apt-get install wrk) and a PostgreSQL server (BENCH_PG, default
postgresql://postgres@127.0.0.1:5432) where it may create databases bench_*.
Exits non-zero when a check fails (a page not 200, a wrong count of checkouts).
"""
import argparse
import http.client
import json
import os
import platform
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
BIN = Path(sys.executable).parent
PG_SERVER = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
HOST = "127.0.0.1"
APP_PORT, FLOOR_PORT, RENDER_PORT = 8801, 8802, 8803
STAFF_EMAIL, STAFF_PASSWORD = "bench-staff@example.com", "bench-staff-password"
USER_AGENT = "bench"  # the same for sign-in and wrk: Flask-Login's strong session protection
WORKERS = 2
WRK = ["wrk", "-t2", "-c16", "--latency"]
UNLOADED_REQUESTS = 100
WARM_UP, WARM_UP_MANY = 2, 10  # seconds of wrk before a page is measured
GOALS = {"product page": 0.5, "catalogue": 0.4}
LATENCY_GOAL = 1.5
CONTENTION_GOAL = 0.7
README = BENCH / "README.md"
MARK_START, MARK_END = "<!-- figures:start -->", "<!-- figures:end -->"


@dataclass(frozen=True)
class Scale:
    name: str
    products: int
    orders: int

    @property
    def label(self) -> str:
        return f"{self.products:,} products / {self.orders:,} orders"


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

    @property
    def ratio(self) -> float:
        return self.rps / self.floor_rps if self.floor_rps else 0.0

    @property
    def cpu_ratio(self) -> float:
        """What the ratio would be on a machine doing nothing else: floor CPU / page CPU."""
        return self.floor_cpu_ms / self.cpu_ms if self.cpu_ms else 0.0


def log(message: str) -> None:
    print(message, flush=True)


# Databases -------------------------------------------------------------------

def pg_url(name: str) -> str:
    return f"{PG_SERVER.rstrip('/')}/{name}"


def psql(sql: str, database: str = "postgres") -> str:
    url = urllib.parse.urlsplit(PG_SERVER)
    out = subprocess.run(["psql", "-h", url.hostname or HOST, "-p", str(url.port or 5432),
                          "-U", url.username or "postgres", "-d", database, "-tAc", sql],
                         check=True, capture_output=True, text=True)
    return out.stdout.strip()


def flask(args: list[str], database_url: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT,
                          env={**os.environ, "DATABASE_URL": database_url}, check=True,
                          text=True, **kwargs)


def seeded_counts(kind: str, target: str) -> tuple[int, int] | None:
    """(products, shoppers' orders) in a bench database, or None if it is not there."""
    sql = ("SELECT (SELECT COUNT(*) FROM products), "
           "(SELECT COUNT(*) FROM orders WHERE parent_id IS NULL)")
    try:
        if kind == "postgresql":
            if psql(f"SELECT 1 FROM pg_database WHERE datname = '{target}'") != "1":
                return None
            products, orders = psql(sql, target).split("|")
        else:
            if not Path(target).exists():
                return None
            import sqlite3
            with sqlite3.connect(target) as conn:
                products, orders = conn.execute(sql).fetchone()
        return int(products), int(orders)
    except (subprocess.CalledProcessError, Exception):  # noqa: BLE001 - half-made: seed anew
        return None


def database(kind: str, scale: Scale, reseed: bool, report: dict) -> str:
    """The URL of a seeded database of this size: kept from an earlier run, or made now."""
    name = f"bench_{scale.products}_{scale.orders}"
    target = name if kind == "postgresql" else str(ROOT / "instance" / f"{name}.sqlite3")
    url = pg_url(name) if kind == "postgresql" else f"sqlite:///{target}"
    if not reseed and seeded_counts(kind, target) == (scale.products, scale.orders):
        log(f"  {kind} {scale.name}: reusing {name} (seeded earlier; --reseed to seed anew)")
        flask(["init-db"], url, capture_output=True)  # migrations added since
        return url
    log(f"  {kind} {scale.name}: seeding {scale.label} ...")
    if kind == "postgresql":
        psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        psql(f'CREATE DATABASE "{name}"')
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(target + suffix).unlink(missing_ok=True)
    flask(["init-db"], url, capture_output=True)
    started = time.perf_counter()
    out = flask(["seed-bench", "--products", str(scale.products), "--orders", str(scale.orders)],
                url, capture_output=True)
    seconds = time.perf_counter() - started
    log(f"    {out.stdout.strip().splitlines()[-1]} (command: {seconds:.0f} s)")
    report.setdefault("seed", {})[f"{kind} {scale.name}"] = round(seconds, 1)
    check = subprocess.run([sys.executable, str(BENCH / "check.py")], cwd=ROOT, text=True,
                           env={**os.environ, "DATABASE_URL": url}, capture_output=True)
    log("    " + check.stdout.strip().replace("\n", "\n    "))
    if check.returncode:
        raise SystemExit(f"the seeded {kind} database breaks the shop's invariants")
    return url


# Servers -----------------------------------------------------------------------

class Server:
    """A gunicorn we started, stopped by its own pid."""

    def __init__(self, name: str, app: str, port: int, cwd: Path, env: dict[str, str]):
        self.name, self.port = name, port
        self.log = tempfile.NamedTemporaryFile(prefix=f"bench-{name}-", suffix=".log",
                                               delete=False)
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", str(WORKERS), "-b", f"{HOST}:{port}",
             "--log-level", "warning", app],
            cwd=cwd, env={**os.environ, **env}, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{name} did not start: see {self.log.name}")
            try:
                get(port, "/", timeout=2)
                return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise SystemExit(f"{name} did not answer within 60 s: see {self.log.name}")

    def pids(self) -> list[int]:
        """The master and its workers."""
        return [self.process.pid, *children(self.process.pid)]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def get(port: int, path: str, cookie: str = "", timeout: float = 30):
    """GET without following redirects: (status, headers, body)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    headers = {"User-Agent": USER_AGENT}
    if cookie:
        headers["Cookie"] = cookie
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, response.headers, body


def post(port: int, path: str, form: dict[str, str], cookie: str):
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    conn.request("POST", path, body=urllib.parse.urlencode(form),
                 headers={"User-Agent": USER_AGENT, "Cookie": cookie,
                          "Content-Type": "application/x-www-form-urlencoded"})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status, response.headers


CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def session_cookie(headers, cookie: str) -> str:
    """The session cookie a response set (Secure in production: we keep it by hand)."""
    for value in headers.get_all("Set-Cookie") or []:
        if value.startswith("session="):
            return value.split(";", 1)[0]
    return cookie


def csrf_and_cookie(port: int, path: str, cookie: str = "") -> tuple[str, str]:
    status, headers, body = get(port, path, cookie)
    match = CSRF.search(body.decode())
    if status != 200 or not match:
        raise SystemExit(f"no CSRF token on {path} (status {status})")
    return match.group(1) or match.group(2), session_cookie(headers, cookie)


def cart_cookie(port: int, skus: list[str]) -> str:
    """A session whose cart holds one unit of each SKU, added as a shopper would."""
    cookie = ""
    for sku in skus:
        token, cookie = csrf_and_cookie(port, f"/products/{sku}", cookie)
        status, headers = post(port, f"/cart/add/{sku}", {"csrf_token": token, "quantity": "1"},
                               cookie)
        if status != 302:
            raise SystemExit(f"could not add {sku} to the cart (status {status})")
        cookie = session_cookie(headers, cookie)
    return cookie


def staff_cookie(port: int) -> str:
    token, cookie = csrf_and_cookie(port, "/admin/login")
    status, headers = post(port, "/admin/login", {"csrf_token": token, "email": STAFF_EMAIL,
                                                  "password": STAFF_PASSWORD}, cookie)
    if status != 302:
        raise SystemExit(f"staff sign-in failed (status {status})")
    return session_cookie(headers, cookie)


# Measuring ---------------------------------------------------------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def proc_stat(pid: int | str) -> list[str]:
    """/proc/<pid>/stat from field 3 (state) on: [1] is the parent, [11] + [12] the CPU."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def children(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int(proc_stat(entry.name)[1]) == parent:
                    found.append(int(entry.name))
            except (OSError, IndexError):
                continue
    return found


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = proc_stat(pid)
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError):
            continue
    return total / CLOCK_TICKS


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
    wrk(port, page.paths, page.cookie, WARM_UP_MANY if len(page.paths) > 1 else WARM_UP)
    page.unloaded_ms = unloaded_ms(port, page.paths, page.cookie)
    result, page.cpu_ms = loaded(port, page.paths, page.cookie, seconds, pids, warm_up=False)
    if result["bad"]:
        raise SystemExit(f"{page.name}: {result['bad']} responses were not 2xx/3xx")
    if result["errors"]:
        page.notes.append(f"wrk socket errors: {result['errors']}")
    status, _, body = get(port, page.paths[-1], page.cookie)
    if status != 200 or page.expect.encode() not in body:
        raise SystemExit(f"{page.name}: after the run {page.paths[-1]} gave {status}")
    page.rps, page.p50_ms, page.p99_ms = result["rps"], result["p50"], result["p99"]


def app_env(url: str, page_cache: bool = True) -> dict[str, str]:
    return {"DATABASE_URL": url, "FLASK_ENV": "", "SECRET_KEY": secrets.token_hex(32),
            "RATELIMIT_STORAGE_URI": "memory://", "MAIL_SERVER": "",
            "PAGE_CACHE_SIZE": "4096" if page_cache else "0"}


def pick_skus(kind: str, url: str) -> dict:
    """Products for the pages: a spread for the product page, three buyable for the cart,
    and the id the catalogue's last page comes after."""
    code = ("import json\nfrom sqlalchemy import select, func\nfrom wsgi import app\n"
            "from app.extensions import db\nfrom app.models import Product\n"
            "with app.app_context():\n"
            "    spread = db.session.scalars(select(Product.sku).order_by(func.random()).limit(500)).all()\n"
            "    stocked = db.session.scalars(select(Product.sku).where(Product.on_hand - Product.committed > 5, Product.waiting == 0).order_by(Product.id).limit(2)).all()\n"
            "    waiting = db.session.scalars(select(Product.sku).where(Product.waiting > 0, Product.backorder_limit.is_(None)).order_by(Product.id).limit(1)).all()\n"
            "    count = db.session.scalar(select(func.count()).select_from(Product))\n"
            "    deep = db.session.scalar(select(Product.id).order_by(Product.name, Product.id).offset(max(0, count - 25)).limit(1))\n"
            "    print(json.dumps({'spread': spread, 'cart': stocked + waiting, 'deep': deep}))\n")
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
            measure(page.port, page, seconds, lambda: server.pids() + backends(database_name))
            # The floor right after the page, so both see the same machine.
            result, page.floor_cpu_ms = loaded(FLOOR_PORT, [f"/page/{page.size}"], "", seconds,
                                               floor.pids)
            page.floor_rps = result["rps"]
            log(f"    {page.name:<32} {page.rps:7.1f} req/s (floor {page.floor_rps:6.1f}, "
                f"ratio {page.ratio:.2f}; CPU {page.cpu_ms:.2f} / {page.floor_cpu_ms:.2f} ms, "
                f"{page.cpu_ratio:.2f})  p50 {page.p50_ms:6.1f} ms  single "
                f"{page.unloaded_ms:5.1f} ms  {page.size:>6} B")
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

def machine() -> dict[str, str]:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
               platform.processor())
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    versions = {}
    for label, cmd in (("PostgreSQL", ["psql", "--version"]), ("wrk", ["wrk", "--version"])):
        try:
            text = subprocess.run(cmd, capture_output=True, text=True).stdout
            versions[label] = (re.search(r"[\d]+\.[\d.]+", text) or [""])[0]
        except OSError:
            versions[label] = "?"
    import sqlite3
    try:
        versions["PostgreSQL"] = psql("SHOW server_version").split()[0]
    except subprocess.CalledProcessError:
        pass
    return {"cpu": f"{os.cpu_count()} cores, {cpu}", "memory": f"{mem_kb / 1024 / 1024:.0f} GiB",
            "software": (f"Python {platform.python_version()}, PostgreSQL {versions['PostgreSQL']}, "
                         f"SQLite {sqlite3.sqlite_version}, wrk {versions['wrk']}, gunicorn "
                         f"{WORKERS} sync workers"),
            "load": "{:.1f} {:.1f} {:.1f}".format(*os.getloadavg())}


def render(report: dict, args) -> str:
    out = []
    m = report["machine"]
    out.append(f"Run {report['when']} with `{report['command']}` "
               f"({report['minutes']:.1f} min).  ")
    out.append(f"Machine: {m['cpu']}, {m['memory']}; {m['software']}. Load average at the "
               f"start {m['load']}, at the end {report['load_end']} (wrk, gunicorn and the "
               f"database share the 2 cores).")
    out.append("")
    out.append(f"wrk {' '.join(WRK[1:])} -d{args.duration}s per page after a "
               f"{max(1, args.duration // 5)} s warm-up; `single` is the median of "
               f"{UNLOADED_REQUESTS} requests one at a time. Floor: bench/floor.py serving a page "
               f"of the same size under the same gunicorn, measured right after the page.")
    out.append("")
    out.append("CPU ms/req: CPU time of the gunicorn processes and, on PostgreSQL, of the "
               "server processes serving them, per request during the wrk run; the floor's "
               "likewise. CPU ratio = floor CPU / page CPU: the ratio a machine doing nothing "
               "else would show, read from figures that other load barely moves.")
    out.append("")
    out.append("| database | size | page | req/s | floor req/s | ratio | CPU ms/req | floor CPU "
               "ms/req | CPU ratio | goal | p50 ms | p99 ms | single ms | bytes |")
    out.append("|---|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|")
    for run in report["runs"]:
        for page in run["pages"]:
            goal = GOALS.get(page["name"])
            verdict = ""
            if goal:
                verdict = (f">= {goal}: req/s {'met' if page['ratio'] >= goal else 'MISSED'}, "
                           f"CPU {'met' if page['cpu_ratio'] >= goal else 'MISSED'}")
            out.append(f"| {run['database']} | {run['scale']} | {page['name']} | "
                       f"{page['rps']:.0f} | {page['floor_rps']:.0f} | {page['ratio']:.2f} | "
                       f"{page['cpu_ms']:.2f} | {page['floor_cpu_ms']:.2f} | "
                       f"{page['cpu_ratio']:.2f} | {verdict} | {page['p50_ms']:.1f} | "
                       f"{page['p99_ms']:.1f} | {page['unloaded_ms']:.1f} | {page['size']} |")
    out.append("")
    scaling = report.get("scaling", [])
    if scaling:
        out.append(f"Large vs small (goal: latency at the large size within {LATENCY_GOAL}x):")
        out.append("")
        out.append("| database | page | p50 small / large ms | x | single small / large ms | x "
                   "| CPU small / large ms | x | goal (single and CPU) |")
        out.append("|---|---|---|---:|---|---:|---|---:|---|")
        for row in scaling:
            out.append(f"| {row['database']} | {row['page']} | {row['p50_small']:.1f} / "
                       f"{row['p50_large']:.1f} | {row['p50_x']:.2f} | "
                       f"{row['single_small']:.1f} / {row['single_large']:.1f} | "
                       f"{row['single_x']:.2f} | {row['cpu_small']:.2f} / {row['cpu_large']:.2f} | "
                       f"{row['cpu_x']:.2f} | {'met' if row['met'] else 'MISSED'} |")
        out.append("")
    c = report.get("contention")
    if c:
        runs = c["runs"]
        out.append(f"Checkout under contention (PostgreSQL; bench/contention.py calls place_order "
                   f"directly from {c['checkouts']} threads released together, "
                   f"{c['processes']} processes of {c['threads']}, each thread its own app "
                   f"context; {c['pool']} connections per process; median of {c['rounds']} "
                   f"rounds; lock = time from the stock row lock to place_order returning):")
        out.append("")
        out.append("| case | checkouts/s | ratio to spread | placed per round | refused per round "
                   "| lock ms (median) | checkout ms (median) |")
        out.append("|---|---:|---:|---|---|---:|---:|")
        labels = {"spread": f"{c['checkouts']} products, 1 unit each",
                  "hot": f"1 product, {c['stock']} units, no backorders",
                  "hot_backorders": f"1 product, {c['stock']} units, backorders allowed"}
        spread = c["per_s"]["spread"] or 1
        for case, label in labels.items():
            out.append(f"| {label} | {c['per_s'][case]} | {c['per_s'][case] / spread:.2f} | "
                       f"{[r['placed'] for r in runs[case]]} | "
                       f"{[r['refused'] for r in runs[case]]} | {c['lock_ms'][case]:.1f} | "
                       f"{c['checkout_ms'][case]:.1f} |")
        out.append("")
        for key, label in (("ratio", "refused beyond stock"),
                           ("ratio_backorders", "every checkout placed")):
            verdict = "met" if c[key] >= CONTENTION_GOAL and not c["failures"] else "MISSED"
            out.append(f"- one product vs spread, {label}: {c[key]} (goal >= {CONTENTION_GOAL}: "
                       f"{verdict})")
        out.append(f"- exactly {c['stock']} committed in every round: "
                   f"{'yes' if not c['failures'] else 'NO'}")
        for failure in c["failures"]:
            out.append(f"- FAILED: {failure[:400]}")
        out.append("")
    if report.get("seed"):
        out.append("Seeding (`flask --app wsgi seed-bench`, whole command) in this run: " + ", ".join(
            f"{k} {v:.0f} s" for k, v in report["seed"].items()) + ".")
        out.append("")
    return "\n".join(out)


def write_readme(text: str) -> None:
    readme = README.read_text() if README.exists() else f"# Benchmarks\n\n{MARK_START}\n{MARK_END}\n"
    if MARK_START not in readme:
        readme += f"\n{MARK_START}\n{MARK_END}\n"
    head, rest = readme.split(MARK_START, 1)
    tail = rest.split(MARK_END, 1)[1] if MARK_END in rest else ""
    README.write_text(f"{head}{MARK_START}\n{text}\n{MARK_END}{tail}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", default=bool(os.environ.get("BENCH_QUICK")))
    parser.add_argument("--databases", default=os.environ.get("BENCH_DATABASES",
                                                               "postgresql,sqlite"))
    parser.add_argument("--duration", type=int, default=None, help="seconds of wrk per page")
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--no-readme", action="store_true")
    parser.add_argument("--no-contention", action="store_true")
    args = parser.parse_args()
    args.duration = args.duration or (5 if args.quick else 10)
    scales = [Scale("small", 1_000, 3_000),
              Scale("large", 10_000, 30_000) if args.quick else Scale("large", 100_000, 300_000)]
    kinds = [k.strip() for k in args.databases.split(",") if k.strip()]
    if subprocess.run(["which", "wrk"], capture_output=True).returncode:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    started = time.perf_counter()
    report = {"machine": machine(), "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
              "command": ("make bench" if len(sys.argv) == 1
                          else "python bench/run.py " + " ".join(sys.argv[1:])), "runs": []}
    log(f"Machine: {report['machine']}")
    urls = {(kind, scale): database(kind, scale, args.reseed, report)
            for kind in kinds for scale in scales}
    with Server("floor", "floor:app", FLOOR_PORT, BENCH, {}) as floor:
        for (kind, scale), url in urls.items():
            log(f"  {kind} {scale.name} ({scale.label}):")
            pages = bench_app(kind, scale, url, args.duration, floor)
            report["runs"].append({"database": kind, "scale": scale.name,
                                   "pages": [{**page.__dict__, "ratio": page.ratio,
                                              "cpu_ratio": page.cpu_ratio} for page in pages]})
    report["scaling"] = []
    for kind in kinds:
        small, large = (next(r for r in report["runs"] if r["database"] == kind
                             and r["scale"] == s.name) for s in scales)
        for a, b in zip(small["pages"], large["pages"]):
            row = {"database": kind, "page": a["name"].split(" (")[0],
                   "p50_small": a["p50_ms"], "p50_large": b["p50_ms"],
                   "p50_x": b["p50_ms"] / a["p50_ms"] if a["p50_ms"] else 0.0,
                   "single_small": a["unloaded_ms"], "single_large": b["unloaded_ms"],
                   "single_x": b["unloaded_ms"] / a["unloaded_ms"] if a["unloaded_ms"] else 0.0,
                   "cpu_small": a["cpu_ms"], "cpu_large": b["cpu_ms"],
                   "cpu_x": b["cpu_ms"] / a["cpu_ms"] if a["cpu_ms"] else 0.0}
            # wrk's p50 under load moves with whatever else runs: the goal is read from the
            # single requests and the CPU per request.
            row["met"] = row["single_x"] <= LATENCY_GOAL and row["cpu_x"] <= LATENCY_GOAL
            report["scaling"].append(row)
    failed = False
    if "postgresql" in kinds and not args.no_contention:
        log("  checkout under contention (PostgreSQL):")
        report["contention"] = bench_contention()
        c = report["contention"]
        log(f"    {c['per_s']} checkouts/s, ratio {c['ratio']}, with backorders "
            f"{c['ratio_backorders']}, lock ms {c['lock_ms']}")
        for failure in c["failures"]:
            log(f"    FAILED: {failure[:400]}")
        failed = bool(c["failures"])
    report["minutes"] = (time.perf_counter() - started) / 60
    report["load_end"] = "{:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
    text = render(report, args)
    print("\n" + text)
    if not args.no_readme:
        write_readme(text)
        log(f"Figures written to {README.relative_to(ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
