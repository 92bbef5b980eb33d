"""Generate the demo district once, make one account per role, and print them.

A second run reuses the district and the accounts that exist.
"""

from __future__ import annotations

import sys
import time
import unicodedata
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from xinju.accounts import services as accounts
from xinju.accounts.models import Role, ScopeKind, User
from xinju.areas.models import District
from xinju.core.progress import Progress
from xinju.demo import spec
from xinju.demo.generator import Generator, demo_accounts


def _width(text: str) -> int:
    """Columns a terminal gives the text: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


class Command(BaseCommand):
    help = "Generate the demo Qingyunpu district (once) and print the demo accounts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale", type=float, default=1.0, help="fraction of the full district (tests, trials)"
        )
        parser.add_argument("--seed", type=int, default=360104)

    def handle(self, *args: Any, **options: Any) -> None:
        district = District.objects.filter(code=spec.DISTRICT["code"]).first()
        if district is None:
            self.stdout.write(
                "==> generating the demo district (seeded; about a minute at full size)"
            )
            bars: dict[str, Progress] = {}

            def progress(phase: str, done: int, total: int) -> None:
                bar = bars.setdefault(phase, Progress(f"    {phase:<11}", total, stream=sys.stdout))
                bar.advance(done - bar.done)

            started = time.monotonic()
            result = Generator(
                seed=options["seed"], scale=options["scale"], progress=progress
            ).run()
            district = result.district
            c = result.counts
            self.stdout.write(
                f"    {c['estates']} compounds, {c['dwellings']:,} households "
                f"({c['programme_dwellings']:,} in the renewal programme), {c['residents']:,} residents, "
                f"{c['titles']:,} titles ({c['co_owned']} co-owned, {c['second_homes']} second homes) "
                f"in {time.monotonic() - started:.1f}s"
            )
        else:
            self.stdout.write("==> the demo district exists; reusing it")
        self._accounts(district)

    @transaction.atomic
    def _accounts(self, district: District) -> None:
        admin = User.objects.filter(username="admin").first()
        if admin is None:
            admin = accounts.create_user(
                actor=None,
                username="admin",
                password=spec.DEMO_PASSWORD,
                display_name="系统管理员",
                is_staff=True,
                is_superuser=True,
            )
        accounts.assign_role(
            actor=None,
            user=admin,
            role=Role.HQ,
            scope_kind=ScopeKind.DISTRICT,
            scope_id=district.pk,
        )
        lines = [("admin", Role.HQ.label + " + Django admin", district.name)]
        for account, scope_id, label in demo_accounts(district):
            user = User.objects.filter(username=account.username).first() or accounts.create_user(
                actor=None,
                username=account.username,
                password=spec.DEMO_PASSWORD,
                display_name=account.display_name,
            )
            accounts.assign_role(
                actor=None,
                user=user,
                role=account.role,
                scope_kind=account.scope_kind,
                scope_id=scope_id,
            )
            lines.append((account.username, str(Role(account.role).label), label))
        self.stdout.write("")
        self.stdout.write(f"Demo accounts (password for all: {spec.DEMO_PASSWORD})")
        user_width = max(_width(u) for u, _r, _s in lines)
        role_width = max(_width(r) for _u, r, _s in lines)
        for username, role, scope in lines:
            self.stdout.write(f"  {_pad(username, user_width)}  {_pad(role, role_width)}  {scope}")
        self.stdout.write("")
