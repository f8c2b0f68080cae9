"""Benchmark databases: one per database kind and size, seeded once and kept.

PostgreSQL `bench_<products>_<orders>` on BENCH_PG (default
postgresql://postgres@127.0.0.1:5432); SQLite `instance/bench_<products>_<orders>.sqlite3`.
A new one is seeded with `flask --app wsgi seed-bench` and checked with bench/check.py.
"""
import os
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
BIN = Path(sys.executable).parent
PG_SERVER = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
HOST = "127.0.0.1"  # the only host the bench talks to


@dataclass(frozen=True)
class Scale:
    name: str
    products: int
    orders: int

    @property
    def label(self) -> str:
        return f"{self.products:,} products / {self.orders:,} orders"


def log(message: str) -> None:
    print(message, flush=True)


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


def scratch_copy(kind: str, url: str) -> str:
    """A copy of a bench database for runs that change it (checkouts), so the seeded
    one stays as seeded and is reused by the next run."""
    name = url.rsplit("/", 1)[1]
    if kind == "postgresql":
        copy = f"{name}_scratch"
        psql(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
        psql(f'CREATE DATABASE "{copy}" TEMPLATE "{name}"')
        return pg_url(copy)
    import sqlite3
    source = url.removeprefix("sqlite:///")
    target = source.replace(".sqlite3", "_scratch.sqlite3")
    for suffix in ("", "-wal", "-shm"):
        Path(target + suffix).unlink(missing_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return f"sqlite:///{target}"
