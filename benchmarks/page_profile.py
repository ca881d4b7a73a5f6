"""Profile pages in-process: time, statements and the slowest statements of each page.

Uses a PostgreSQL benchmark database of ``cases_scale.py`` (``--database-url``), production
settings and Django's test client in this process (no gunicorn, no network), logged in as
``--user`` (default: the demo reviewer ``reviewer_scj``). For each path: median and p95 of
``--requests`` sequential GETs after two warm-ups, the number of statements, and the
``--slowest`` statements of one request with their time.

    .venv/bin/python benchmarks/page_profile.py --database-url postgres://…/ecity_bench_1m \\
        /cases/workbench/?queue=to_review /cases/workbench/?queue=overdue

Without paths it profiles every page of the staff loop (the workbench's seven queues, a case of
the reviewer's queue, supervision) and the applicant's pages (my cases, one case).
See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cases_scale_fill import citizens_ensure, city_prepare, database_prepare, django_setup

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/ecity_bench"
QUEUES = (
    "to_accept",
    "to_review",
    "to_decide",
    "awaiting_correction",
    "due_soon",
    "overdue",
    "done",
)


def loop_paths(username: str) -> list[tuple[str, str]]:
    """(user, path) of every page of the loop, for ``username`` and a benchmark citizen."""
    from ecity.cases.models import Case, CaseTask
    from ecity.identity.models import User

    reviewer = User.objects.get(username=username)
    paths = [(username, "/cases/workbench/")]
    paths += [(username, f"/cases/workbench/?queue={name}") for name in QUEUES]
    task = (
        CaseTask.objects.filter(
            department__staff_roles__user=reviewer,
            status__in=["open", "claimed"],
            case__status=Case.Status.IN_PROGRESS,
        )
        .select_related("case")
        .order_by("case__committed_due_on")
        .first()
    )
    if task is not None:
        paths.append((username, f"/cases/workbench/{task.case.number}/"))
    paths.append((username, "/cases/supervision/"))
    citizen = citizens_ensure(1)[0]
    paths.append((citizen.username, "/cases/"))
    own = Case.objects.filter(applicant=citizen).order_by("-submitted_at").first()
    if own is not None:
        paths.append((citizen.username, f"/cases/{own.number}/"))
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", help="paths to GET (default: the loop's pages)")
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--user", default="reviewer_scj")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--slowest", type=int, default=3)
    args = parser.parse_args()

    database_prepare(args.database_url, fresh=False)
    data_dir = Path(tempfile.mkdtemp(prefix="ecity-pages-"))
    secret = os.environ.get("ECITY_BENCH_SECRET_KEY") or secrets.token_urlsafe(50)
    os.environ["ECITY_SECURE_COOKIES"] = "false"
    django_setup(args.database_url, data_dir, secret)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from ecity.identity.models import User

    city_prepare()  # migrate (a new release may have migrations) and load the demo city once
    call_command("collectstatic", "--no-input", "-v", "0")  # pages link the hashed static files
    pairs = [(args.user, p) for p in args.paths] if args.paths else loop_paths(args.user)
    clients: dict[str, Client] = {}
    print(f"# {args.requests} sequential GETs per page after 2 warm-ups, in-process")
    print(f"{'page':<48} {'user':<18} {'p50 ms':>8} {'p95 ms':>8} {'stmts':>6}")
    for username, path in pairs:
        if username not in clients:
            clients[username] = Client(HTTP_HOST="127.0.0.1")
            clients[username].force_login(User.objects.get(username=username))
        client = clients[username]
        for _ in range(2):
            answer = client.get(path)
            if answer.status_code != 200:
                raise SystemExit(f"{path}: {answer.status_code}")
        spent = []
        for _ in range(args.requests):
            started = time.perf_counter()
            client.get(path)
            spent.append(1000 * (time.perf_counter() - started))
        spent.sort()
        with CaptureQueriesContext(connection) as ctx:
            client.get(path)
        p50, p95 = spent[len(spent) // 2], spent[min(len(spent) - 1, int(len(spent) * 0.95))]
        print(f"{path:<48} {username:<18} {p50:8.1f} {p95:8.1f} {len(ctx.captured_queries):6d}")
        slow = sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[: args.slowest]
        for q in slow:
            print(f"    {1000 * float(q['time']):7.1f} ms  {q['sql'][:150]}")


if __name__ == "__main__":
    main()
