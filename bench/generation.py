"""Figures 1 and 2: generating the full demo district into a fresh, migrated database."""

from __future__ import annotations

import argparse
import io
import time
from typing import Any

from django.core.management import call_command
from django.db import connection

from xinju.demo.generator import Generator

from .profiling import profiled


def generate(args: argparse.Namespace) -> dict[str, Any]:
    """Migrate, then time `Generator().run()` alone (it commits its one transaction)."""
    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    with profiled(args.profile):
        result = Generator().run()
    seconds = time.perf_counter() - started
    if args.accounts:
        # The page benchmark signs in as the demo accounts; not part of the timing.
        call_command("demo_setup", stdout=io.StringIO())
    return {"seconds": seconds, "vendor": connection.vendor, "counts": result.counts}
