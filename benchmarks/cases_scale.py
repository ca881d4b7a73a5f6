"""Benchmark: the case system at scale (100,000 or 1,000,000 cases) on PostgreSQL.

Fills a PostgreSQL database with synthetic cases on top of the demo city (bulk COPY), starts the
production server (``ecity run``: gunicorn, production settings) on a scratch data directory and
measures over loopback:

* submissions per second: concurrent clients, each logged in as a citizen, POST multipart
  applications (form JSON + one small PDF per mandatory material, an Idempotency-Key each) to
  ``/api/v1/cases/applications/`` for a fixed time; only 201 answers count;
* the workbench queue of a reviewer with many open review tasks: p50/p95 of the HTML page and of
  ``/api/v1/cases/workbench/queues/to_review/`` (sequential requests after a warm-up);
* the public case lookup ``/api/v1/cases/lookup/?number=&query_code=`` for random existing cases:
  p50/p95 (sequential). The lookup limits are lifted for this server through
  ``ECITY_LOOKUP_RATE_PER_MINUTE`` / ``ECITY_LOOKUP_FAILURE_LIMIT``, so no 429 is measured.

    .venv/bin/python benchmarks/cases_scale.py                    # 100,000 cases
    .venv/bin/python benchmarks/cases_scale.py --cases 1000000    # tops the same database up
    .venv/bin/python benchmarks/cases_scale.py --fresh            # drop and recreate it first

Submissions use ``wrk`` (with a generated Lua script) when it is installed, otherwise Python
client processes. The database is kept between runs and only topped up to ``--cases``.
Loopback only; every loop is bounded; the server is stopped at the end. See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import multiprocessing
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

from cases_scale_fill import (
    BENCH_PASSWORD,
    REVIEWER,
    Filler,
    citizens_ensure,
    city_prepare,
    database_facts,
    database_prepare,
    database_settings_apply,
    django_setup,
    field_keys_file,
    reviewer_authenticator,
    vacuum_analyze,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/ecity_bench"
LIFTED_LIMIT = "1000000"
TINY_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


# --- small helpers -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cpu_idle_percent(seconds: float) -> float:
    """How idle the machine's CPUs were over ``seconds`` (from /proc/stat; -1 if unavailable)."""

    def sample() -> tuple[int, int]:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        return fields[3] + fields[4], sum(fields)  # idle + iowait, total

    try:
        idle0, total0 = sample()
        time.sleep(seconds)
        idle1, total1 = sample()
    except (OSError, ValueError, IndexError):
        return -1.0
    return round(100 * (idle1 - idle0) / max(total1 - total0, 1), 1)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))
    return ordered[index]


def request(
    port: int,
    method: str,
    path: str,
    *,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    source: str | None = None,
) -> tuple[int, dict[str, list[str]], bytes, float]:
    """One HTTP request on a new connection; returns status, headers, body and milliseconds."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=60, source_address=(source, 0) if source else None
    )
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        found: dict[str, list[str]] = {}
        for name, value in response.getheaders():
            found.setdefault(name.lower(), []).append(value)
        return response.status, found, data, (time.perf_counter() - started) * 1000
    finally:
        conn.close()


def cookies_from(headers: dict[str, list[str]]) -> dict[str, str]:
    jar = {}
    for line in headers.get("set-cookie", []):
        name, _, rest = line.partition("=")
        jar[name.strip()] = rest.split(";", 1)[0]
    return jar


def cookie_header(jar: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in jar.items() if v)


RUN_BLOCK = secrets.randbelow(250) + 1


def loopback_source(n: int) -> str:
    """A loopback client address for logging in: the login form allows 30 attempts a minute
    per address (counted in the shared cache, across runs), so logins are spread over
    127.<run>.<n>.10, a block picked at random for each run."""
    return f"127.{RUN_BLOCK}.{n}.10"


def post_form(
    port: int, path: str, fields: dict[str, str], jar: dict[str, str], source: str
) -> tuple[int, bytes]:
    """POST a form with the jar's cookies and CSRF token; keep the cookies it sets."""
    form = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": jar["csrftoken"]}).encode()
    status, headers, body, _ = request(
        port,
        "POST",
        path,
        body=form,
        source=source,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie_header(jar),
        },
    )
    jar.update(cookies_from(headers))
    return status, body


def login(
    port: int, username: str, password: str, *, source: str, totp_secret: str = ""
) -> dict[str, str]:
    """Log in through the real login form (CSRF cookie + token) and, with ``totp_secret``, the
    code step of an account with an authenticator; return the cookie jar."""
    status, headers, _, _ = request(port, "GET", "/accounts/login/", source=source)
    jar = cookies_from(headers)
    if status != 200 or "csrftoken" not in jar:
        raise SystemExit(f"login page answered {status} without a CSRF cookie")
    status, body = post_form(
        port, "/accounts/login/", {"username": username, "password": password}, jar, source
    )
    if status != 302 or not jar.get("sessionid"):
        raise SystemExit(f"logging in {username} failed ({status}): {body[:300]!r}")
    if totp_secret:
        from django.utils import timezone

        from ecity.identity.security import totp

        code = totp.code_for_step(totp_secret, totp.time_step(timezone.now()))
        status, body = post_form(port, "/accounts/login/verify/", {"code": code}, jar, source)
        if status != 302:
            raise SystemExit(f"code step of {username} failed ({status}): {body[:300]!r}")
    return jar


# --- server --------------------------------------------------------------------------------


def server_start(args: argparse.Namespace, data_dir: Path, secret_key: str) -> tuple[Any, int]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    bench_dir = str(Path(__file__).resolve().parent)
    env.update(
        # ecity's production settings plus the baseline view (benchmarks/baseline/)
        DJANGO_SETTINGS_MODULE="baseline.settings",
        PYTHONPATH=os.pathsep.join(p for p in (bench_dir, env.get("PYTHONPATH", "")) if p),
        DATABASE_URL=args.database_url,
        ECITY_DATA_DIR=str(data_dir),
        ECITY_FIELD_KEYS_FILE=str(field_keys_file(args.database_url)),
        SECRET_KEY=secret_key,
        ECITY_LOG_LEVEL="WARNING",
        ECITY_LOOKUP_RATE_PER_MINUTE=LIFTED_LIMIT,
        ECITY_LOOKUP_FAILURE_LIMIT=LIFTED_LIMIT,
    )
    if args.cache_url:
        env["ECITY_CACHE_URL"] = args.cache_url
    port = free_port()
    command = [sys.executable, "-m", "ecity", "run", "--no-demo", "--bind"]
    command += [f"127.0.0.1:{port}", "--workers", str(args.workers)]
    if not args.job_worker:
        command.append("--no-worker")
    log = (data_dir / "server.log").open("w")
    server = subprocess.Popen(
        command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited; see {data_dir / 'server.log'}")
        try:
            if request(port, "GET", "/healthz")[0] == 200:
                return server, port
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"server did not start; see {data_dir / 'server.log'}")


def server_stop(server: Any) -> None:
    if server is None or server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)


# --- measurements --------------------------------------------------------------------------


def sequential(port: int, paths: list[str], headers: dict[str, str], warmup: int) -> dict:
    """GET each path in turn (after ``warmup`` untimed requests); latency percentiles."""
    for path in paths[:warmup]:
        request(port, "GET", path, headers=headers)
    timings, errors = [], {}
    for path in paths:
        status, _, body, ms = request(port, "GET", path, headers=headers)
        if status == 200:
            timings.append(ms)
        else:
            errors[status] = errors.get(status, 0) + 1
            if errors[status] == 1:
                print(f"  ! {status} for {path}: {body[:200]!r}", flush=True)
    if not timings:
        raise SystemExit("no successful request")
    return {
        "p50": percentile(timings, 50),
        "p95": percentile(timings, 95),
        "n": len(timings),
        "errors": errors,
    }


def submission_services(limit: int) -> list[tuple[str, dict[str, Any], list[str]]]:
    """(item code, form answers template, mandatory material keys) of citizen services."""
    from ecity.catalogue.models import ServiceItem

    chosen, departments = [], set()
    for item in ServiceItem.objects.select_related("current_version").order_by("code"):
        version = item.current_version
        schema = (version.form_schema if version else None) or {}
        properties = schema.get("properties", {})
        if not version or not version.is_online or "g2c" not in (version.audiences or []):
            continue
        if any(p.get("format") == "uscc" for p in properties.values()):
            continue
        if item.department_id in departments:
            continue  # one service per department: separate case number sequences
        departments.add(item.department_id)
        materials = [f"material:{m.public_id}" for m in version.materials.all() if m.is_mandatory]
        chosen.append((item.code, properties, materials))
        if len(chosen) == limit:
            break
    return chosen


def _class_example(items: list) -> str:
    """One character of a character class ``[...]`` (as ``re``'s parser gives it)."""
    from re import _constants as c

    categories = {c.CATEGORY_DIGIT: "0", c.CATEGORY_WORD: "a", c.CATEGORY_SPACE: " "}
    for op, arg in items:
        if op is c.LITERAL:
            return chr(arg)
        if op is c.RANGE:
            return chr(arg[0])
        if op is c.CATEGORY and arg in categories:
            return categories[arg]
    return "a"


def pattern_example(pattern: str) -> str:
    """The shortest plain answer that fully matches a form field's ``pattern``.

    Walks the pattern as ``re`` parses it (literals, classes, repeats at their minimum, groups,
    the first alternative), which covers the simple patterns department forms use; raises
    ValueError for one it cannot satisfy, so the benchmark says so instead of skipping.
    """
    from re import _constants as c
    from re import _parser as p

    categories = {c.CATEGORY_DIGIT: "0", c.CATEGORY_WORD: "a", c.CATEGORY_SPACE: " "}

    def build(items: Any) -> str:
        out = []
        for op, arg in items:
            if op is c.LITERAL:
                out.append(chr(arg))
            elif op is c.NOT_LITERAL or op is c.ANY:
                out.append("b" if arg == ord("a") else "a")
            elif op is c.IN:
                out.append(_class_example(arg))
            elif op is c.CATEGORY:
                out.append(categories.get(arg, "a"))
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
                low, _high, sub = arg
                out.append(build(sub) * max(low, 0))
            elif op is c.SUBPATTERN:
                out.append(build(arg[-1]))
            elif op is c.BRANCH:
                out.append(build(arg[1][0]))
        return "".join(out)

    example = build(p.parse(pattern))
    if not re.fullmatch(pattern, example):
        raise ValueError(f"no example answer for the pattern {pattern!r}")
    return example


def _text_answer(name: str, spec: dict[str, Any], citizen: Any) -> str:
    """A text answer within the field's pattern and length limits."""
    if spec.get("pattern"):
        return pattern_example(spec["pattern"])
    text = citizen.real_name if "name" in name else "测试内容"
    text = text * -(-int(spec.get("minLength", 0)) // len(text)) if spec.get("minLength") else text
    return text[: spec.get("maxLength", 50)]


def form_answers(properties: dict[str, Any], citizen: Any) -> dict[str, Any]:
    """Answers that the form's own validation accepts (formats, options, bounds, patterns)."""
    answers: dict[str, Any] = {}
    for name, spec in properties.items():
        fmt, kind = spec.get("format"), spec.get("type")
        if fmt == "id_number":
            answers[name] = citizen.id_number
        elif fmt == "mobile":
            answers[name] = citizen.phone
        elif fmt == "date":
            answers[name] = dt.date.today().isoformat()
        elif fmt == "email":
            answers[name] = citizen.email
        elif "enum" in spec:
            answers[name] = spec["enum"][0]
        elif kind in ("integer", "number"):
            answers[name] = max(1, int(spec.get("minimum", 1)))
        elif kind == "boolean":
            answers[name] = True
        elif kind == "string":
            answers[name] = _text_answer(name, spec, citizen)
    return answers


def multipart(code: str, answers: dict[str, Any], materials: list[str]) -> tuple[str, bytes]:
    boundary = "ecitybench" + secrets.token_hex(8)
    parts = []
    for name, value in (("service", code), ("form", json.dumps(answers, ensure_ascii=False))):
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value.encode()
            + b"\r\n"
        )
    for n, key in enumerate(materials):
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"; '
            f'filename="material{n}.pdf"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
            + TINY_PDF
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}", b"".join(parts)


SUBMIT_PATH = "/api/v1/cases/applications/"
BASELINE_PATH = "/bench/baseline/applications/"

WRK_SCRIPT = r"""
-- Generated by benchmarks/cases_scale.py: POST prepared applications, count the answers.
local manifest = dofile(os.getenv("ECITY_BENCH_MANIFEST"))
local threads, next_id = {}, 1
function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end
function init(args)
  for _, entry in ipairs(manifest) do
    local f = assert(io.open(entry.file, "rb"))
    entry.body = f:read("*a")
    f:close()
  end
  counter, created, failed, codes = 0, 0, 0, {}
end
function request()
  counter = counter + 1
  local entry = manifest[((counter * 7 + tid * 13) % #manifest) + 1]
  local headers = {
    ["Cookie"] = entry.cookie,
    ["X-CSRFToken"] = entry.csrf,
    ["Content-Type"] = entry.ctype,
    ["Idempotency-Key"] = string.format("wrk-%s-%d-%d", os.getenv("ECITY_BENCH_RUN"), tid, counter),
  }
  return wrk.format("POST", nil, headers, entry.body)
end
function response(status, headers, body)
  if status == 201 then
    created = created + 1
  else
    failed = failed + 1
    codes[tostring(status)] = (codes[tostring(status)] or 0) + 1
  end
end
function done(summary, latency, requests)
  local ok, bad, parts = 0, 0, {}
  for _, thread in ipairs(threads) do
    ok = ok + thread:get("created")
    bad = bad + thread:get("failed")
    for code, n in pairs(thread:get("codes")) do parts[#parts + 1] = code .. ":" .. n end
  end
  io.write(string.format(
    "ECITY_RESULT created=%d failed=%d duration_us=%d p50_us=%d p95_us=%d " ..
    "timeouts=%d connect=%d codes=%s\n",
    ok, bad, summary.duration, latency:percentile(50), latency:percentile(95),
    summary.errors.timeout, summary.errors.connect, table.concat(parts, ",")))
end
"""


def submit_with_wrk(
    port: int,
    entries: list[dict[str, str]],
    args: argparse.Namespace,
    work: Path,
    path: str = SUBMIT_PATH,
) -> dict:
    lines = ["return {"]
    for n, entry in enumerate(entries):
        body = work / f"body{n}.bin"
        body.write_bytes(entry["body"])  # type: ignore[arg-type]
        lines.append(
            "{"
            + ", ".join(
                f"{key} = {json.dumps(str(value))}"
                for key, value in (
                    ("file", body),
                    ("cookie", entry["cookie"]),
                    ("csrf", entry["csrf"]),
                    ("ctype", entry["ctype"]),
                )
            )
            + "},"
        )
    lines.append("}")
    (work / "manifest.lua").write_text("\n".join(lines))
    (work / "submit.lua").write_text(WRK_SCRIPT)
    env = dict(
        os.environ,
        ECITY_BENCH_MANIFEST=str(work / "manifest.lua"),
        ECITY_BENCH_RUN=secrets.token_hex(4),
    )
    threads = min(args.concurrency, os.cpu_count() or 2)
    command = ["wrk", f"-t{threads}", f"-c{args.concurrency}", f"-d{args.submit_seconds}s"]
    command += ["--timeout", "30s", "-s", str(work / "submit.lua")]
    command.append(f"http://127.0.0.1:{port}{path}")
    out = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=args.submit_seconds + 120
    )
    match = re.search(r"ECITY_RESULT (.*)", out.stdout)
    if not match:
        raise SystemExit(f"wrk failed:\n{out.stdout}\n{out.stderr}")
    fields = dict(item.split("=", 1) for item in match.group(1).split())
    codes = dict(c.split(":") for c in fields["codes"].split(",") if c)
    errors = {int(k): int(v) for k, v in codes.items()}
    for name in ("timeouts", "connect"):
        if int(fields[name]):
            errors[name] = int(fields[name])
    seconds = int(fields["duration_us"]) / 1e6
    return {
        "client": f"wrk ({threads} threads, {args.concurrency} connections)",
        "created": int(fields["created"]),
        "seconds": seconds,
        "rate": int(fields["created"]) / seconds,
        "p50": int(fields["p50_us"]) / 1000,
        "p95": int(fields["p95_us"]) / 1000,
        "errors": errors,
    }


def _submit_worker(
    job: tuple[int, list[dict], float, int, str],
) -> tuple[int, dict, list[float]]:
    port, entries, until, worker, path = job
    created, errors, timings, n = 0, {}, [], 0
    while time.monotonic() < until:
        entry = entries[(n * 7 + worker * 13) % len(entries)]
        n += 1
        status, _, _, ms = request(
            port,
            "POST",
            path,
            body=entry["body"],
            headers={
                "Cookie": entry["cookie"],
                "X-CSRFToken": entry["csrf"],
                "Content-Type": entry["ctype"],
                "Idempotency-Key": f"py-{worker}-{n}-{entry['run']}",
            },
        )
        if status == 201:
            created += 1
            timings.append(ms)
        else:
            errors[status] = errors.get(status, 0) + 1
    return created, errors, timings


def submit_with_python(
    port: int, entries: list[dict], args: argparse.Namespace, path: str = SUBMIT_PATH
) -> dict:
    run = secrets.token_hex(4)
    entries = [dict(e, run=run) for e in entries]
    started = time.monotonic()
    until = started + args.submit_seconds
    jobs = [(port, entries, until, w, path) for w in range(args.concurrency)]
    with multiprocessing.Pool(args.concurrency) as pool:
        results = pool.map(_submit_worker, jobs)
    seconds = time.monotonic() - started
    created = sum(r[0] for r in results)
    errors: dict = {}
    for r in results:
        for k, v in r[1].items():
            errors[k] = errors.get(k, 0) + v
    timings = [t for r in results for t in r[2]] or [0.0]
    return {
        "client": f"Python ({args.concurrency} processes)",
        "created": created,
        "seconds": seconds,
        "rate": created / seconds,
        "p50": percentile(timings, 50),
        "p95": percentile(timings, 95),
        "errors": errors,
    }


def measure_submissions(port: int, args: argparse.Namespace, work: Path) -> dict:
    citizens = citizens_ensure(args.citizens)
    services = submission_services(args.services)
    entries = []
    for n, citizen in enumerate(citizens):
        jar = login(port, citizen.username, BENCH_PASSWORD, source=loopback_source(n // 10))
        for code, properties, materials in services:
            ctype, body = multipart(code, form_answers(properties, citizen), materials)
            entries.append(
                {
                    "cookie": cookie_header(jar),
                    "csrf": jar["csrftoken"],
                    "ctype": ctype,
                    "body": body,
                    "code": code,
                }
            )
    # One checked submission per service first: a broken payload must fail loudly, not count.
    usable = []
    for code in dict.fromkeys(e["code"] for e in entries):
        entry = next(e for e in entries if e["code"] == code)
        status, _, body, _ = request(
            port,
            "POST",
            SUBMIT_PATH,
            body=entry["body"],  # type: ignore[arg-type]
            headers={
                "Cookie": entry["cookie"],
                "X-CSRFToken": entry["csrf"],
                "Content-Type": entry["ctype"],
                "Idempotency-Key": "check-" + secrets.token_hex(8),
            },
        )
        if status == 201:
            usable.append(code)
        else:
            print(f"  ! service {code} skipped: {status} {body[:300]!r}", flush=True)
    entries = [e for e in entries if e["code"] in usable]
    if not entries:
        raise SystemExit("no service accepted the benchmark's application")
    use_wrk = shutil.which("wrk") and not args.python_client
    if use_wrk:
        result = submit_with_wrk(port, entries, args, work)
    else:
        result = submit_with_python(port, entries, args)
    if not args.no_baseline:
        # The same requests, the same server, right after: the baseline view (see
        # benchmarks/baseline/views.py) parses them and inserts the same rows, nothing else.
        result["baseline"] = (
            submit_with_wrk(port, entries, args, work, BASELINE_PATH)
            if use_wrk
            else submit_with_python(port, entries, args, BASELINE_PATH)
        )
    result["services"] = usable
    result["citizens"] = len(citizens)
    return result


def measure_workbench(port: int, args: argparse.Namespace) -> dict:
    jar = login(port, *REVIEWER, source=loopback_source(250), totp_secret=args.reviewer_totp)
    headers = {"Cookie": cookie_header(jar)}
    results = {
        "html": sequential(
            port, ["/cases/workbench/?queue=to_review"] * args.requests, headers, warmup=10
        ),
        "api": sequential(
            port, ["/api/v1/cases/workbench/queues/to_review/"] * args.requests, headers, 10
        ),
    }
    # Every other page of the staff loop (fewer requests each): the queues and a case.
    pages = [f"/cases/workbench/?queue={name}" for name in LOOP_QUEUES]
    number = open_case_of_reviewer()
    if number:
        pages.append(f"/cases/workbench/{number}/")
    for page in pages:
        results[page] = sequential(port, [page] * args.loop_requests, headers, warmup=3)
    return results


LOOP_QUEUES = ("to_accept", "to_decide", "awaiting_correction", "due_soon", "overdue", "done")


def open_case_of_reviewer() -> str:
    """The number of the first case in the benchmark reviewer's to_review queue."""
    from ecity.cases.selectors.workbench import queue
    from ecity.identity.models import User

    task = queue(actor=User.objects.get(username=REVIEWER[0]), name="to_review").first()
    return task.case.number if task is not None else ""


def measure_lookup(port: int, args: argparse.Namespace) -> dict:
    import psycopg

    with psycopg.connect(args.database_url) as conn:
        rows = conn.execute(
            "SELECT number, query_code FROM cases_case ORDER BY random() LIMIT %s",
            [args.requests + 10],
        ).fetchall()
    paths = [
        "/api/v1/cases/lookup/?" + urllib.parse.urlencode({"number": n, "query_code": q})
        for n, q in rows
    ]
    return sequential(port, paths, {}, warmup=10)


# --- report --------------------------------------------------------------------------------


def report(args: argparse.Namespace, facts: dict, fill: dict, results: dict) -> None:
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    db = args.database_url.split("@")[-1]
    print()
    print(f"# ecity cases benchmark, {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %z}")
    print(
        f"# machine: {os.cpu_count()} cores, {mem:.1f} GiB RAM, {platform.platform()}, "
        f"Python {platform.python_version()}"
    )
    print(
        f"# database: {db} (PostgreSQL {facts['postgres']}, shared_buffers "
        f"{facts['shared_buffers']}), size {facts['size']}"
    )
    print(
        f"# rows: {facts['cases']:,} cases ({facts['open_cases']:,} open), {facts['tasks']:,} "
        f"tasks, {facts['events']:,} events; {REVIEWER[0]} has "
        f"{facts['reviewer_open_tasks']:,} open review tasks"
    )
    if fill["added"]:
        print(
            f"# fill: {fill['added']:,} cases added in {fill['seconds']:.0f} s "
            f"({fill['added'] / fill['seconds']:,.0f} cases/s), VACUUM ANALYZE "
            f"{fill['vacuum']:.0f} s"
        )
    else:
        print("# fill: none needed (database already holds enough cases)")
    print(
        f"# server: ecity run (gunicorn, production settings), {args.workers} workers, "
        f"job worker {'on' if args.job_worker else 'off'}, cache "
        f"{args.cache_url or 'db://ecity_cache (default)'}, loopback"
    )
    print(f"# CPU idle just before measuring (3 s, server up): {results.get('idle', '?')} %")
    print(f"# PostgreSQL settings for this database: {facts['pg_settings'] or 'server defaults'}")
    print(
        "# lookup limits lifted for this server: ECITY_LOOKUP_RATE_PER_MINUTE="
        f"{LIFTED_LIMIT}, ECITY_LOOKUP_FAILURE_LIMIT={LIFTED_LIMIT}"
    )
    print(f"{'measurement':44} {'p50 ms':>8} {'p95 ms':>8} {'rate':>10}  goal")
    sub = results.get("submit")
    if sub:
        print(
            f"{'submissions over HTTP (201 only)':44} {sub['p50']:8.1f} {sub['p95']:8.1f} "
            f"{sub['rate']:8.1f}/s  >= 200/s"
        )
        print(
            f"#   {sub['created']:,} created in {sub['seconds']:.1f} s by {sub['client']}, "
            f"{sub['citizens']} citizens, services {', '.join(sub['services'])}; "
            f"errors: {sub['errors'] or 'none'}"
        )
        base = sub.get("baseline")
        if base:
            print(
                f"{'baseline: minimal view, same requests (201)':44} {base['p50']:8.1f} "
                f"{base['p95']:8.1f} {base['rate']:8.1f}/s"
            )
            print(
                f"{'ratio ecity / baseline (submissions/s)':44} {'':>8} {'':>8} "
                f"{sub['rate'] / base['rate']:10.2f}  >= 0.5"
            )
            if base["errors"]:
                print(f"#   baseline errors: {base['errors']}")
    labels = [("html", "workbench to_review page (HTML)"), ("api", "workbench to_review API")]
    labels += [(key, key) for key in results.get("workbench", {}) if key.startswith("/")]
    for key, label in labels:
        if key in results.get("workbench", {}):
            row = results["workbench"][key]
            print(f"{label:44} {row['p50']:8.1f} {row['p95']:8.1f} {'':>10}  p95 <= 100 ms")
            if row["errors"]:
                print(f"#   errors: {row['errors']}")
    if "lookup" in results:
        row = results["lookup"]
        print(
            f"{'case lookup API (random cases)':44} {row['p50']:8.1f} {row['p95']:8.1f} "
            f"{'':>10}  p95 <= 20 ms"
        )
        if row["errors"]:
            print(f"#   errors: {row['errors']}")
    print(f"# {args.requests} sequential requests per latency row, after 10 warm-up requests")
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {"facts": facts, "fill": fill, "results": results, "args": vars(args)},
                indent=2,
                default=str,
            )
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000, help="cases in the database")
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--submit-seconds", type=int, default=30)
    parser.add_argument("--concurrency", type=int, default=16, help="concurrent submitters")
    parser.add_argument("--requests", type=int, default=200, help="sequential requests per row")
    parser.add_argument("--citizens", type=int, default=40, help="accounts submitting")
    parser.add_argument("--services", type=int, default=6, help="services submitted to")
    parser.add_argument("--steps", default="workbench,lookup,submit")
    parser.add_argument("--job-worker", action="store_true", help="also run the job worker")
    parser.add_argument(
        "--cache-url",
        help="ECITY_CACHE_URL for the server (default: its own default, the database cache)",
    )
    parser.add_argument("--python-client", action="store_true", help="do not use wrk")
    parser.add_argument(
        "--no-baseline", action="store_true", help="skip the baseline view's submissions"
    )
    parser.add_argument(
        "--loop-requests", type=int, default=50, help="sequential requests per other loop page"
    )
    parser.add_argument(
        "--pg-settings",
        default="",
        help="PostgreSQL settings for the benchmark database, e.g. "
        "'max_parallel_workers_per_gather=0,jit=off' (ALTER DATABASE … SET; "
        "without this option the database's own settings are reset)",
    )
    parser.add_argument("--seed", type=int, default=20261121)
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--keep", action="store_true", help="keep the scratch dir (server log)")
    args = parser.parse_args()
    steps = {s.strip() for s in args.steps.split(",") if s.strip()}
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("this benchmark needs PostgreSQL (--database-url postgres://…)")
    if urllib.parse.urlsplit(args.database_url).hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit("loopback only: the database must be on 127.0.0.1")

    work = Path(tempfile.mkdtemp(prefix="ecity-cases-bench-"))
    secret_key = os.environ.get("ECITY_BENCH_SECRET_KEY") or secrets.token_urlsafe(48)
    database_prepare(args.database_url, fresh=args.fresh)
    keys = field_keys_file(args.database_url)
    if args.fresh:
        keys.unlink(missing_ok=True)
    keys.parent.mkdir(parents=True, exist_ok=True)
    django_setup(args.database_url, work, secret_key)
    print("preparing the database (migrate, demo city) …", flush=True)
    city_prepare()
    citizens_ensure(args.citizens)
    args.reviewer_totp = reviewer_authenticator()
    facts = database_facts(args.database_url)
    fill = {"added": 0, "seconds": 0.0, "vacuum": 0.0}
    missing = args.cases - facts["cases"]
    if missing > 0:
        print(f"filling {missing:,} cases …", flush=True)
        started = time.perf_counter()
        Filler(url=args.database_url, seed=args.seed + facts["cases"]).fill(missing)
        fill["seconds"] = time.perf_counter() - started
        fill["added"] = missing
        print("VACUUM ANALYZE …", flush=True)
        fill["vacuum"] = vacuum_analyze(args.database_url)
    facts = database_facts(args.database_url)

    facts["pg_settings"] = database_settings_apply(args.database_url, args.pg_settings)
    from django.db import connections

    connections.close_all()
    server = None
    results: dict[str, Any] = {}
    try:
        if steps & {"workbench", "lookup", "submit"}:
            print("starting the server …", flush=True)
            server, port = server_start(args, work, secret_key)
            results["idle"] = cpu_idle_percent(3.0)
        if "workbench" in steps:
            print("workbench queue …", flush=True)
            results["workbench"] = measure_workbench(port, args)
        if "lookup" in steps:
            print("case lookup …", flush=True)
            results["lookup"] = measure_lookup(port, args)
        if "submit" in steps:
            print(f"submissions for {args.submit_seconds} s …", flush=True)
            results["submit"] = measure_submissions(port, args, work)
    finally:
        server_stop(server)
    after = database_facts(args.database_url)
    facts["cases_after_run"] = after["cases"]
    report(args, facts, fill, results)
    if args.keep:
        print(f"# scratch directory kept: {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
