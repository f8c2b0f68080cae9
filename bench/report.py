"""The report: the figures as Markdown tables, on the screen and in bench/README.md."""
import os
import platform
import re
import subprocess
from pathlib import Path

from measure import UNLOADED_REQUESTS, WRK
from provision import BENCH, psql
from servers import WORKERS

GOALS = {"product page": 0.5, "catalogue": 0.4, "product page, rendered": 0.25}
# While the shop sells: (page kind, checkouts per second) -> goal on the ratio to the floor.
SELLING_GOALS = {("product pages", 1.0): 0.45, ("catalogue pages", 1.0): 0.40,
                 ("product pages", 5.0): 0.30, ("catalogue pages", 5.0): 0.30}
LATENCY_GOAL = 1.5
CONTENTION_GOAL = 0.7
README = BENCH / "README.md"
MARK_START, MARK_END = "<!-- figures:start -->", "<!-- figures:end -->"


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
    selling = report.get("selling", [])
    if selling:
        out.append("While the shop sells: wrk reads 200 product pages, or 40 catalogue pages, "
                   "of the small shop on the page cache's server while shoppers check out over "
                   "HTTP on the same server (bench/selling.py: product page, add to cart, "
                   "checkout page, place order; a new shopper each time, one unit of a random "
                   "one of the 200 products), paced to the rate asked. CPU ms/req counts the "
                   "checkouts' CPU too, over the pages read. Placed/s is what the shop "
                   "achieved; refused are checkouts that did not place an order.")
        out.append("")
        out.append("| database | page | checkouts/s asked | placed/s | refused | checkout ms "
                   "| req/s | floor req/s | ratio | CPU ms/req | floor CPU ms/req | CPU ratio "
                   "| goal |")
        out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        for run in selling:
            for page in run["pages"]:
                kind = page["name"].split(",")[0]
                asked = page["selling"]
                goal = SELLING_GOALS.get((kind, asked))
                verdict = ""
                if goal:
                    verdict = (f">= {goal}: req/s {'met' if page['ratio'] >= goal else 'MISSED'}"
                               f", CPU {'met' if page['cpu_ratio'] >= goal else 'MISSED'}")
                label = "as fast as 2 shoppers go" if asked == float("inf") else f"{asked:g}"
                out.append(f"| {run['database']} | {kind} | {label} | "
                           f"{page['placed_per_s']:.2f} | {page['refused']} | "
                           f"{page['checkout_ms']:.0f} | {page['rps']:.0f} | "
                           f"{page['floor_rps']:.0f} | {page['ratio']:.2f} | "
                           f"{page['cpu_ms']:.2f} | {page['floor_cpu_ms']:.2f} | "
                           f"{page['cpu_ratio']:.2f} | {verdict} |")
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
