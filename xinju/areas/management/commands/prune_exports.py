import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xinju.areas.services import prune_exports


class Command(BaseCommand):
    help = "Delete the files of register exports finished more than --hours ago (run daily)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--hours", type=int, default=24)

    def handle(self, *args: Any, **options: Any) -> None:
        n = prune_exports(older_than=dt.timedelta(hours=options["hours"]))
        self.stdout.write(f"{n} export files deleted")
