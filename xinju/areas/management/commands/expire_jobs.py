from typing import Any

from django.core.management.base import BaseCommand

from xinju.areas.services import expire_stale_jobs


class Command(BaseCommand):
    help = "Fail imports and exports that never finished (their worker stopped). Run daily."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{expire_stale_jobs()} unfinished jobs failed")
