"""Run the background jobs in this process (the embedded mode's worker)."""

from __future__ import annotations

import os
import signal
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from ecity.core.jobs import Scheduler, registered_jobs


class Command(BaseCommand):
    help = "Run every registered background job when it is due (embedded mode worker)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="run every job once and exit")

    def handle(self, *args: Any, **options: Any) -> None:
        scheduler = Scheduler()
        if options["once"]:
            ran = scheduler.run_due()
            self.stdout.write(f"ran {len(ran)} jobs: {', '.join(ran)}")
            return
        stopping = False

        def stop(signum: int, frame: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        parent = os.getppid()
        self.stdout.write(f"ecity worker: {len(registered_jobs())} jobs", ending="\n")
        self.stdout.flush()
        while not stopping and os.getppid() == parent:
            close_old_connections()
            scheduler.run_due()
            close_old_connections()
            deadline = time.monotonic() + min(1.0, scheduler.seconds_until_next())
            while not stopping and time.monotonic() < deadline:
                time.sleep(0.1)
