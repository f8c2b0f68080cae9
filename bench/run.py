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
import os
import subprocess
import sys
import time

from measure import bench_app, bench_contention, bench_selling
from provision import ROOT, BENCH, Scale, database, log
from report import LATENCY_GOAL, README, machine, render, write_readme
from servers import FLOOR_PORT, Server


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", default=bool(os.environ.get("BENCH_QUICK")))
    parser.add_argument("--databases", default=os.environ.get("BENCH_DATABASES",
                                                               "postgresql,sqlite"))
    parser.add_argument("--duration", type=int, default=None, help="seconds of wrk per page")
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--no-readme", action="store_true")
    parser.add_argument("--no-contention", action="store_true")
    parser.add_argument("--no-selling", action="store_true",
                        help="skip the pages read while checkouts come in")
    parser.add_argument("--small-only", action="store_true",
                        help="the small data set only (no large vs small comparison)")
    args = parser.parse_args()
    args.duration = args.duration or (5 if args.quick else 10)
    scales = [Scale("small", 1_000, 3_000),
              Scale("large", 10_000, 30_000) if args.quick else Scale("large", 100_000, 300_000)]
    if args.small_only:
        scales = scales[:1]
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
            if scale.name == "small" and not args.no_selling:
                log(f"  {kind} {scale.name}, while the shop sells:")
                pages = bench_selling(kind, scale, url, args.duration, floor)
                report.setdefault("selling", []).append(
                    {"database": kind, "scale": scale.name,
                     "pages": [{**page.__dict__, "ratio": page.ratio,
                                "cpu_ratio": page.cpu_ratio} for page in pages]})
    report["scaling"] = []
    for kind in kinds if len(scales) > 1 else ():
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
