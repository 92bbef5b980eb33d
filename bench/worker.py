"""One measurement in a fresh process: `python -m bench.worker TASK --out result.json …`.

bench/run.py starts one worker per measurement with the environment that picks its database
(DATABASE_URL, or XINJU_SQLITE_PATH for SQLite), so each gets its own Django setup. The
worker writes its result as JSON to --out; a failure exits non-zero with the traceback.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from pathlib import Path
from typing import Any

# task -> (module, function); imported after django.setup()
TASKS: dict[str, tuple[str, str]] = {
    "generate": ("bench.generation", "generate"),
    "import-prepare": ("bench.register_import", "prepare"),
    "import-run": ("bench.register_import", "run"),
    "raw-copy": ("bench.register_import", "raw_copy"),
    "pages": ("bench.pages", "pages"),
    "cockpit-generate": ("bench.cockpit", "generate"),
    "cockpit": ("bench.cockpit", "cockpit_figures"),
}


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.worker")
    parser.add_argument("task", choices=sorted(TASKS))
    parser.add_argument("--out", required=True, help="where to write the JSON result")
    parser.add_argument("--profile", default="", help="cProfile the timed part into this file")
    parser.add_argument("--source", default="", help="URL of a database to read from")
    parser.add_argument("--file", default="", help="the register workbook")
    parser.add_argument("--accounts", action="store_true", help="also create the demo accounts")
    parser.add_argument("--repeat", type=int, default=3, help="repeats inside the worker")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    parser.add_argument(
        "--compounds", type=int, default=1, help="the generator's compounds multiplier"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.test.utils import override_settings

    django.setup()
    module, name = TASKS[args.task]
    task = getattr(importlib.import_module(module), name)
    # DEBUG stays off as in production: with it on, every query is also logged in memory.
    with override_settings(DEBUG=False):
        result: dict[str, Any] = task(args)
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
