"""Run the benchmarks and print each figure beside its budget (`make bench`).

    .venv/bin/python bench/run.py                     # every figure
    .venv/bin/python bench/run.py --only import       # one figure (or several, comma-separated)
    .venv/bin/python bench/run.py --profile           # also cProfile the timed parts
    .venv/bin/python bench/run.py --only cockpit,cockpit-20x   # the cockpit, demo and 20×

Each measurement runs in its own process (bench/worker.py) with its own database, so each
gets a fresh Django setup. This process only creates and drops the databases, starts the
workers, and prints the table. The exit status is 1 when a budget is missed or a
measurement fails. See bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# Started as a script (bench/ first on sys.path); the bench package lives in the project root.
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

from bench import pg  # noqa: E402
from bench.stats import summary  # noqa: E402

RESULTS = ROOT / "bench" / "results"
FIGURES = ("generate-sqlite", "generate-postgres", "import", "pages", "cockpit", "cockpit-20x")
ALIASES = {"generate": ("generate-sqlite", "generate-postgres")}
NEEDS_DEMO = ("import", "pages", "cockpit")

GENERATION_BUDGET_S = 60.0
IMPORT_BUDGET_S = 30.0
RAW_RATIO_BUDGET = 0.3
PAGE_P95_BUDGET_MS = 100.0
COCKPIT_P95_BUDGET_MS = 150.0
LARGER = 20  # the larger district: this many times the compounds and households
LARGER_P95_BUDGET_MS = 1000.0


@dataclass
class Row:
    figure: str
    measured: str
    spread: str = ""
    budget: str = ""
    ok: bool | None = None  # None: shown for information, no budget

    @property
    def result(self) -> str:
        return {True: "ok", False: "MISSED", None: ""}[self.ok]


class WorkerFailed(RuntimeError):
    pass


class Bench:
    """One run: its databases, its temporary directory, and the worker it is waiting for."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.dbs = pg.Databases(str(os.getpid()))
        self.tmp = Path(tempfile.mkdtemp(prefix="xinju-bench-"))
        self.child: subprocess.Popen[bytes] | None = None
        self.rows: list[Row] = []
        self.details: dict[str, Any] = {}
        self.notes: list[str] = []
        self.loads: dict[str, float] = {}
        self.failures: list[str] = []

    def figure(self, label: str, fn: Callable[[], Any]) -> Any:
        """Run one figure; a failing worker is reported and the other figures still run."""
        self.loads[label] = os.getloadavg()[0]
        try:
            return fn()
        except (WorkerFailed, psycopg.Error, OSError, KeyError, ValueError) as exc:
            self.failures.append(f"{label}: {exc}")
            return None

    # -- workers --

    def env(self, **extra: str) -> dict[str, str]:
        env = dict(os.environ)
        for key in ("DATABASE_URL", "XINJU_SQLITE_PATH"):
            env.pop(key, None)  # each worker is given its own database below
        env.update(
            {
                # Development settings (no secret key needed); the workers turn DEBUG off.
                "XINJU_DEBUG": "1",
                "XINJU_VAR_DIR": str(self.tmp / "var"),
                "XINJU_MEDIA_ROOT": str(self.tmp / "media"),
                "XINJU_LOG_LEVEL": "WARNING",
                # WhiteNoise warns that collectstatic has not run; the pages do not need it.
                "PYTHONWARNINGS": "ignore:No directory at:UserWarning",
            }
        )
        env.update(extra)
        return env

    def work(self, task: str, env: dict[str, str], *args: str) -> dict[str, Any]:
        """Run one worker to its end and return its JSON result."""
        out = self.tmp / f"{task}-{time.monotonic_ns()}.json"
        command = [sys.executable, "-m", "bench.worker", task, "--out", str(out), *args]
        self.child = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603
        code = self.child.wait()
        self.child = None
        if code != 0:
            raise WorkerFailed(f"worker {task} exited with status {code}")
        return json.loads(out.read_text())

    def profile_args(self, name: str) -> list[str]:
        return ["--profile", str(RESULTS / f"profile-{name}.prof")] if self.args.profile else []

    def stop_child(self) -> None:
        if self.child is not None and self.child.poll() is None:
            self.child.terminate()
            try:
                self.child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.child.kill()
                self.child.wait()

    def cleanup(self) -> None:
        self.stop_child()
        failed = self.dbs.drop_all() if self.dbs.created else []
        for name in failed:
            print(f"!! could not drop database {name}; drop it by hand", file=sys.stderr)
        shutil.rmtree(self.tmp, ignore_errors=True)

    # -- figures --

    def generate_sqlite(self) -> None:
        samples = []
        counts: dict[str, Any] = {}
        for i in range(self.args.repeat):
            step(f"demo generation on SQLite, run {i + 1} of {self.args.repeat}")
            path = self.tmp / f"generate-{i}.sqlite3"
            env = self.env(XINJU_SQLITE_PATH=str(path))
            prof = self.profile_args("generate-sqlite") if i == 0 else []
            result = self.work("generate", env, *prof)
            samples.append(result["seconds"])
            counts = result["counts"]
            for leftover in self.tmp.glob(f"generate-{i}.sqlite3*"):
                leftover.unlink()
        self.details["generate-sqlite"] = {"seconds": samples, "counts": counts}
        self.rows.append(seconds_row("1  demo generation, SQLite", samples, GENERATION_BUDGET_S))

    def generate_postgres(self, keep_demo: bool) -> str | None:
        """Time the generation; with keep_demo, the first run's database (with the demo
        accounts added after the clock stopped) is kept for the figures that need the demo."""
        samples = []
        demo = None
        for i in range(self.args.repeat):
            step(f"demo generation on PostgreSQL, run {i + 1} of {self.args.repeat}")
            keep = keep_demo and i == 0
            name = self.dbs.create("demo" if keep else f"generate{i}")
            extra = ["--accounts"] if keep else []
            prof = self.profile_args("generate-postgres") if i == 0 else []
            result = self.work("generate", self.env(DATABASE_URL=pg.url_for(name)), *extra, *prof)
            samples.append(result["seconds"])
            if keep:
                demo = name
            else:
                self.dbs.drop(name)
        self.details["generate-postgres"] = {"seconds": samples}
        self.rows.append(
            seconds_row("2  demo generation, PostgreSQL", samples, GENERATION_BUDGET_S)
        )
        return demo

    def prepare_demo(self) -> str:
        step("the demo district in PostgreSQL (for the import, the pages, the cockpit; not timed)")
        name = self.dbs.create("demo")
        self.work("generate", self.env(DATABASE_URL=pg.url_for(name)), "--accounts")
        return name

    def register_import(self, demo: str) -> None:
        workbook = self.tmp / "register.xlsx"
        step("import: skeleton database and the register workbook from the demo")
        skeleton = self.dbs.create("skeleton")
        prepared = self.work(
            "import-prepare",
            self.env(DATABASE_URL=pg.url_for(skeleton)),
            "--source",
            pg.url_for(demo),
            "--file",
            str(workbook),
        )
        # Each import is followed at once by its raw COPY, so a busy moment of the shared
        # machine weighs on both sides of a ratio alike; the median ratio is reported.
        raw_db = self.dbs.create("raw", template=skeleton)
        runs: list[dict[str, Any]] = []
        raws: list[dict[str, Any]] = []
        for i in range(self.args.repeat):
            step(f"import through start_import + run_import, run {i + 1} of {self.args.repeat}")
            name = self.dbs.create(f"import{i}", template=skeleton)
            # The "db" task backend only queues the job, so run_import is timed on its own.
            env = self.env(DATABASE_URL=pg.url_for(name), XINJU_TASKS_BACKEND="db")
            prof = self.profile_args("import") if i == 0 else []
            runs.append(self.work("import-run", env, "--file", str(workbook), *prof))
            step(f"raw COPY of the rows that import wrote, run {i + 1} of {self.args.repeat}")
            raws.append(
                self.work(
                    "raw-copy",
                    self.env(DATABASE_URL=pg.url_for(raw_db)),
                    "--source",
                    pg.url_for(name),
                    "--repeat",
                    "1",
                )
            )
            self.dbs.drop(name)
        self.details["import"] = {"prepared": prepared, "runs": runs, "raw": raws}

        seconds = [r["seconds"] for r in runs]
        imp = summary(seconds)
        sheets = prepared["sheets"]
        phases = median_of([r["phases"] for r in runs])
        self.rows.append(
            Row(
                f"3  register import, {sheets['dwellings']:,} dwellings + "
                f"{sheets['owners']:,} owners, PostgreSQL",
                f"{imp['median']:.1f} s",
                spread(imp, "s"),
                f"≤ {IMPORT_BUDGET_S:.0f} s",
                imp["median"] <= IMPORT_BUDGET_S,
            )
        )
        self.notes.append(
            f"register workbook: {prepared['file_bytes'] / 2**20:.1f} MB, "
            + ", ".join(f"{k} {v:,}" for k, v in sheets.items())
            + f" rows (built from the demo in {prepared['build_seconds']:.0f} s, not timed)"
        )
        self.notes.append(
            "import phases (median s): " + " · ".join(f"{k} {v:.1f}" for k, v in phases.items())
        )
        writes = median_of([r["insert_seconds"] for r in runs])
        raw_writes = median_of([r["insert_seconds"] for r in raws])
        self.notes.append(
            "COPY per table, import's write vs raw (median s): "
            + " · ".join(
                f"{k.split('.')[1]} {v:.2f}/{raw_writes[k]:.2f}"
                for k, v in writes.items()
                if v >= 0.01
            )
        )
        raw_seconds = summary([s for r in raws for s in r["samples"]])
        ratios = summary(
            [r["samples"][0] / run["seconds"] for r, run in zip(raws, runs, strict=True)]
        )
        self.rows.append(
            Row(
                "3  raw COPY ÷ import (same rows, same run)",
                f"{ratios['median']:.3f}",
                f"ratios {ratios['min']:.2f}–{ratios['max']:.2f} · raw COPY median "
                f"{raw_seconds['median']:.1f} s ({spread(raw_seconds, 's')})",
                f"≥ {RAW_RATIO_BUDGET}",
                ratios["median"] >= RAW_RATIO_BUDGET,
            )
        )
        same = all(r["same_counts"] for r in raws)
        total = sum(raws[-1]["copied"].values())
        self.rows.append(
            Row(
                "3  row counts, import = raw COPY",
                "equal" if same else "DIFFER",
                f"{total:,} rows in {len(raws[-1]['copied'])} tables, every run",
                "equal",
                same,
            )
        )

    def pages(self, demo: str) -> None:
        step(f"pages: {self.args.requests} timed requests per page and user (in-process)")
        prof = ["--profile", str(RESULTS / "profile-pages")] if self.args.profile else []
        result = self.work(
            "pages",
            self.env(DATABASE_URL=pg.url_for(demo)),
            "--requests",
            str(self.args.requests),
            *prof,
        )
        self.details["pages"] = result
        self.notes.append(
            f"pages: search for {result['search_name']}, the most frequent full name among the "
            f"residents of 洪科社区 ({result['search_name_residents']} people); the mid-sized "
            f"compound is the one of 洪科社区 nearest the district's median compound "
            f"({result['median_compound']} households); SQL time is the median of 5 requests"
        )
        for username, user in result["users"].items():
            pages = {p["key"]: p for p in user["pages"]}
            base = pages["baseline"]["ms"]["p95"]
            for page in user["pages"]:
                ms = page["ms"]
                who = f"4  {username} · {page['label']}"
                if page["key"] == "baseline":
                    self.rows.append(Row(who, f"p95 {ms['p95']:.1f} ms", f"p50 {ms['p50']:.2f} ms"))
                    continue
                self.rows.append(
                    Row(
                        who,
                        f"p95 {ms['p95']:.0f} ms",
                        f"p50 {ms['p50']:.0f} ms · ×{ms['p95'] / base:.0f} baseline"
                        f" · {page['queries']} queries, {page['sql_ms']:.0f} ms SQL",
                        f"p95 ≤ {PAGE_P95_BUDGET_MS:.0f} ms",
                        ms["p95"] <= PAGE_P95_BUDGET_MS,
                    )
                )

    def cockpit(self, demo: str) -> None:
        step(
            f"cockpit: {self.args.cockpit_requests} timed requests per area and its raw SQL "
            "(in-process)"
        )
        self.cockpit_figure("cockpit", "5", demo, COCKPIT_P95_BUDGET_MS)

    def cockpit_larger(self) -> None:
        step(
            f"cockpit-20x: a district {LARGER} times larger, generated once into its own database "
            "(tens of minutes)"
        )
        name = self.dbs.create(f"cockpit{LARGER}x")
        made = self.work(
            "cockpit-generate", self.env(DATABASE_URL=pg.url_for(name)), "--compounds", str(LARGER)
        )
        self.details["cockpit-20x-generate"] = made
        c = made["counts"]
        self.rows.append(
            Row(
                f"6  the {LARGER}× district generated, PostgreSQL",
                f"{made['seconds'] / 60:.1f} min",
                f"{c['estates']:,} compounds, {c['dwellings']:,} dwellings, "
                f"{c['residents']:,} residents, {c['renewal_projects']:,} projects; "
                f"{made['database_bytes'] / 2**30:.1f} GB; one run",
            )
        )
        self.notes.append(
            "cockpit-20x generation, seconds when each phase last reported: "
            + " · ".join(f"{k} {v:.0f}" for k, v in made["phases"].items())
        )
        step(
            f"cockpit-20x: {self.args.cockpit_requests} timed requests per area and its raw SQL "
            "(in-process)"
        )
        self.cockpit_figure("cockpit-20x", "6", name, LARGER_P95_BUDGET_MS)
        self.dbs.drop(name)

    def cockpit_figure(self, figure: str, number: str, database: str, budget: float) -> None:
        prof = ["--profile", str(RESULTS / f"profile-{figure}")] if self.args.profile else []
        result = self.work(
            "cockpit",
            self.env(DATABASE_URL=pg.url_for(database)),
            "--requests",
            str(self.args.cockpit_requests),
            *prof,
        )
        self.details[figure] = result
        user = result["user"]
        base = result["baseline"]
        self.rows.append(
            Row(
                f"{number}  {user} · trivial view (baseline)",
                f"p95 {base['p95']:.1f} ms",
                f"p50 {base['p50']:.2f} ms",
            )
        )
        for area in result["areas"]:
            ms, raw = area["ms"], area["raw_ms"]
            self.rows.append(
                Row(
                    f"{number}  {user} · cockpit, {area['kind']} {area['name']} "
                    f"({area['projects']:,} projects)",
                    f"p95 {ms['p95']:.0f} ms",
                    f"p50 {ms['p50']:.0f} ms · ×{ms['p95'] / base['p95']:.0f} baseline"
                    f" · {area['queries']} queries, {area['sql_ms']:.0f} ms SQL",
                    f"p95 ≤ {budget:.0f} ms",
                    ms["p95"] <= budget,
                )
            )
            self.rows.append(
                Row(
                    f"{number}  raw SQL of its aggregates, {area['kind']}",
                    f"p95 {raw['p95']:.1f} ms",
                    f"p50 {raw['p50']:.1f} ms · {area['raw_statements']} statements",
                )
            )
            self.rows.append(
                Row(f"{number}  cockpit ÷ raw SQL, {area['kind']} (p95s)", f"×{area['ratio']:.1f}")
            )
        self.notes.append(
            f"{figure}: {result['estates']:,} compounds, {result['dwellings']:,} dwellings, "
            f"{result['projects']:,} projects; SQL time is the median of "
            f"{result['sql_samples']} requests; their slowest query (median): "
            + " · ".join(f"{a['kind']} {a['slowest']['ms']:.1f} ms" for a in result["areas"])
        )


# --- helpers ---------------------------------------------------------------------------------


def step(text: str) -> None:
    print(f"==> {text}", flush=True)


def spread(s: dict[str, Any], unit: str) -> str:
    return f"min {s['min']:.1f}, max {s['max']:.1f} {unit}, n={s['n']}"


def seconds_row(figure: str, samples: list[float], budget: float) -> Row:
    s = summary(samples)
    return Row(
        figure, f"{s['median']:.1f} s", spread(s, "s"), f"≤ {budget:.0f} s", s["median"] <= budget
    )


def median_of(dicts: list[dict[str, float]]) -> dict[str, float]:
    return {k: summary([d[k] for d in dicts])["median"] for k in dicts[0]}


def width(text: str) -> int:
    """Columns a string takes in a terminal (Chinese characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, size: int) -> str:
    return text + " " * (size - width(text))


def table(rows: list[Row]) -> str:
    cells = [("Figure", "Measured", "Budget", "Result", "Spread / detail")]
    cells += [(r.figure, r.measured, r.budget, r.result, r.spread) for r in rows]
    sizes = [max(width(c[i]) for c in cells) for i in range(4)]
    lines = []
    for n, c in enumerate(cells):
        lines.append("  ".join(pad(c[i], sizes[i]) for i in range(4)) + "  " + c[4])
        if n == 0:
            lines.append("-" * (sum(sizes) + 8 + width(c[4])))
    return "\n".join(lines)


def machine(load_start: tuple[float, float, float]) -> str:
    cpus = os.cpu_count() or 1
    busy = load_start[0] / cpus
    verdict = "looked loaded" if busy >= 0.5 else "looked idle"
    end = os.getloadavg()
    return (
        f"Machine: {cpus} CPUs; load average at start {load_start[0]:.2f} / {load_start[1]:.2f}"
        f" / {load_start[2]:.2f} (1/5/15 min: {verdict}), at the end {end[0]:.2f} (this run included)"
    )


@contextmanager
def terminated_as_exit() -> Iterator[None]:
    """SIGTERM unwinds like Ctrl-C, so the databases are dropped on the way out."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated figures: " + ", ".join(FIGURES) + " (or generate for both)",
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each generation and of the import"
    )
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    parser.add_argument(
        "--cockpit-requests",
        type=int,
        default=60,
        help="timed requests per cockpit area (and as many runs of its raw SQL)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="cProfile the timed parts into bench/results/profile-* (inflates the timings)",
    )
    args = parser.parse_args(argv)
    chosen: list[str] = []
    for name in filter(None, (n.strip() for n in args.only.split(","))):
        if name not in FIGURES and name not in ALIASES:
            parser.error(f"unknown figure {name!r}; choose from {', '.join(FIGURES)}")
        chosen.extend(ALIASES.get(name, (name,)))
    args.figures = [f for f in FIGURES if f in chosen] if chosen else list(FIGURES)
    if args.repeat < 1 or args.requests < 1 or args.cockpit_requests < 1:
        parser.error("--repeat, --requests and --cockpit-requests must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    started = time.monotonic()
    load_start = os.getloadavg()
    RESULTS.mkdir(parents=True, exist_ok=True)
    bench = Bench(args)
    figures = args.figures
    server = ""
    with terminated_as_exit():
        try:
            if any(f != "generate-sqlite" for f in figures):
                try:
                    server = pg.check()
                except psycopg.Error as exc:
                    bench.failures.append(
                        f"PostgreSQL at {pg.server_address()} unreachable, its figures "
                        f"skipped (set BENCH_DATABASE_URL): {exc}"
                    )
                    figures = [f for f in figures if f == "generate-sqlite"]
                else:
                    for name in pg.leftovers():
                        print(f"==> dropping {name}, left by a run that was killed")
                        bench.dbs.drop(name)
            if "generate-sqlite" in figures:
                bench.figure("generate-sqlite", bench.generate_sqlite)
            need_demo = any(f in figures for f in NEEDS_DEMO)
            demo: str | None = None
            if "generate-postgres" in figures:
                demo = bench.figure("generate-postgres", lambda: bench.generate_postgres(need_demo))
            if need_demo and demo is None:
                demo = bench.figure("demo", bench.prepare_demo)
            for figure, method in (
                ("import", bench.register_import),
                ("pages", bench.pages),
                ("cockpit", bench.cockpit),
            ):
                if figure not in figures:
                    continue
                if demo is None:
                    bench.failures.append(f"{figure}: skipped, the demo database could not be made")
                    continue
                bench.figure(figure, lambda m=method, d=demo: m(d))
            if "cockpit-20x" in figures:
                bench.figure("cockpit-20x", bench.cockpit_larger)
        finally:
            bench.cleanup()
    elapsed = time.monotonic() - started

    print()
    print(machine(load_start))
    if server:
        print(f"PostgreSQL {server} at {pg.server_address()}")
    if args.profile:
        print("Profiled run: timings are inflated by cProfile; profiles in bench/results/")
    print()
    print(table(bench.rows))
    for failure in bench.failures:
        print(f"ERROR  {failure}")
    if bench.notes or bench.loads:
        print()
        for note in bench.notes:
            print(f"- {note}")
        loads = ", ".join(f"{k} {v:.1f}" for k, v in bench.loads.items())
        print(f"- load average (1 min) as each figure started: {loads}")
    missed = [r for r in bench.rows if r.ok is False]
    print()
    print(
        f"{len(bench.rows) - len(missed)} of {len(bench.rows)} rows within budget or informative, "
        f"{len(missed)} missed, {len(bench.failures)} failed; "
        f"the whole run took {elapsed / 60:.1f} min"
    )
    (RESULTS / "last-run.json").write_text(
        json.dumps(
            {
                "figures": figures,
                "rows": [asdict(r) for r in bench.rows],
                "failures": bench.failures,
                "loads": bench.loads,
                "details": bench.details,
                "seconds": elapsed,
                "load_start": load_start,
                "cpus": os.cpu_count(),
            },
            ensure_ascii=False,
            indent=1,
        )
    )
    return 1 if missed or bench.failures else 0


if __name__ == "__main__":
    sys.exit(main())
