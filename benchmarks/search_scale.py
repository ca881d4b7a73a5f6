"""Benchmark: the one search at scale, on PostgreSQL (default 1,000,000 documents) and SQLite.

For each backend, in its own process and scratch database: migrate, fill ``IndexedDocument``
with N documents of realistic Chinese text, then measure

* indexing documents/s: first the real path (``documents_index`` of a synthetic source:
  segmentation, pinyin, upsert, full-text index) on ``--real`` documents; the rest is filled by
  composing already-analysed sentences and titles (same tokens, same index work in the
  database, no repeated segmentation), and its rate is printed separately;
* search p50/p95 over a fixed list of queries (``search_run``: match, count, facets, ranked
  page, highlighting, did-you-mean), each run ``--repeat`` times after one warm-up;
* suggestion p50/p95 (``search_suggest``) over a fixed list of prefixes.

The text comes from the demo city's guides, knowledge articles and names (every Chinese string
literal of ``ecity/demo/data``), cut into sentences; titles are demo names with district
prefixes and document-type suffixes. The demo thesaurus is loaded so expansion (开店) works.

    flock /work/bench.lock .venv/bin/python benchmarks/search_scale.py              # 1,000,000 PG
    flock /work/bench.lock .venv/bin/python benchmarks/search_scale.py --pg 200000 --sqlite 100000

Databases: ``--pg-url`` (default postgres://postgres@127.0.0.1:5432/ecity_search_bench, dropped
and created again) and a SQLite file in a temporary directory. Loopback only; bounded loops.
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO_DATA = ROOT / "src" / "ecity" / "demo" / "data"
QUERIES = [
    "身份证",
    "营业执照",
    "开店",
    "社会保险",
    "sfz",
    "shenfenzheng",
    "公积金 提取",
    "食品经营许可",
    "噪声 投诉",
    "户口迁移",
    "不动产登记",
    "养老金",
]
PREFIXES = ["居民", "营业", "sfz", "jumin", "社会", "gongjijin", "食品", "hk", "不动产", "yyzz"]
DISTRICTS = ["", "", "东城区", "西城区", "南湖区", "北山区", "高新区", "滨江区"]
SUFFIXES = ["", "", "办事指南", "的通知", "公告", "实施细则", "常见问题", "政策解读", "工作动态"]
KINDS = ["service", "news", "notice", "policy", "knowledge", "answer", "dataset"]
DEPARTMENTS = [
    ("GAJ", "示范市公安局"),
    ("SCJ", "示范市市场监督管理局"),
    ("RSJ", "示范市人力资源和社会保障局"),
    ("ZJW", "示范市住房和城乡建设委员会"),
    ("WJW", "示范市卫生健康委员会"),
    ("SWJ", "示范市税务局"),
    ("GTJ", "示范市规划和自然资源局"),
    ("CGJ", "示范市城市管理综合执法局"),
]
_HAN = re.compile(r"[\u4e00-\u9fff]")


def corpus() -> tuple[list[str], list[str]]:
    """(titles, sentences) from the demo data's Chinese string literals."""
    titles: set[str] = set()
    sentences: set[str] = set()
    for path in sorted(DEMO_DATA.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value.strip()
                if len(_HAN.findall(text)) < 2:
                    continue
                if len(text) <= 24 and "。" not in text:
                    titles.add(text)
                for part in re.split(r"(?<=[。；！？])", text):
                    if len(_HAN.findall(part)) >= 6:
                        sentences.add(part.strip())
    return sorted(titles), sorted(sentences)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run_backend(backend: str, count: int, real: int, repeat: int, pg_url: str) -> dict:
    """Run one backend in this process (after ``django.setup`` on its database)."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.db import connection, transaction

    from ecity.search.analysis import analyse_document, index_tokens, segmenter_reset
    from ecity.search.models import IndexedDocument
    from ecity.search.selectors import search_params_parse, search_run, search_suggest
    from ecity.search.services import documents_index
    from ecity.search.sources import SearchDocument, SearchSource, register_source

    _thesaurus_load()
    segmenter_reset()
    reuse = os.environ.get("SEARCH_BENCH_REUSE") == "1"
    if reuse and IndexedDocument.objects.count() == count:
        real = count = 0
    rng = random.Random(12)
    titles, sentences = corpus()
    now = dt.datetime.now(dt.UTC)

    def document(n: int) -> SearchDocument:
        title = rng.choice(DISTRICTS) + rng.choice(titles) + rng.choice(SUFFIXES)
        body = "".join(rng.choice(sentences) for _ in range(rng.randint(3, 12)))
        code, name = rng.choice(DEPARTMENTS)
        return SearchDocument(
            title=title,
            body=body,
            url=f"/bench/{n}/",
            kind=rng.choice(KINDS),
            department_code=code,
            department_name=name,
            audiences=tuple(a for a in ("g2c", "g2b") if rng.random() < 0.6) or ("g2c",),
            published_at=now - dt.timedelta(days=rng.randint(0, 3650), minutes=n % 1440),
            popularity=float(rng.randint(0, 1000)) if rng.random() < 0.2 else 0.0,
        )

    # 1. The real path on ``real`` documents.
    pending: dict[str, SearchDocument] = {}
    register_source(
        SearchSource(
            name="bench.doc",
            load=lambda keys: {k: pending[k] for k in keys if k in pending},
            all_keys=lambda: list(pending),
        )
    )
    real = min(real, count)
    for n in range(real):
        pending[str(n)] = document(n)
    started = time.perf_counter()
    keys = list(pending)
    for start in range(0, len(keys), 500):
        documents_index(source="bench.doc", keys=keys[start : start + 500])
    real_seconds = time.perf_counter() - started
    pending.clear()

    # 2. The rest: analysed sentences and titles composed (no repeated segmentation).
    sentence_tokens = {s: index_tokens(s) for s in sentences}
    title_cache: dict[str, object] = {}

    def rows():
        for n in range(real, count):
            district, base, suffix = rng.choice(DISTRICTS), rng.choice(titles), rng.choice(SUFFIXES)
            title = district + base + suffix
            analysed = title_cache.get(title)
            if analysed is None:
                analysed = analyse_document(SearchDocument(title=title, body="", url="", kind=""))
                if len(title_cache) < 200_000:
                    title_cache[title] = analysed
            chosen = [rng.choice(sentences) for _ in range(rng.randint(3, 12))]
            code, name = rng.choice(DEPARTMENTS)
            audiences = [a for a in ("g2c", "g2b") if rng.random() < 0.6] or ["g2c"]
            yield IndexedDocument(
                source="bench.doc",
                key=str(n),
                title=title,
                body="".join(chosen),
                url=f"/bench/{n}/",
                kind=rng.choice(KINDS),
                department_code=code,
                department_name=name,
                audiences="|" + "|".join(audiences) + "|",
                published_at=now - dt.timedelta(days=rng.randint(0, 3650), minutes=n % 1440),
                popularity=0.0,
                boost=1.0,
                title_tokens=analysed.title_tokens,
                body_tokens=" ".join(sentence_tokens[s] for s in chosen),
                pinyin_tokens=analysed.pinyin_tokens,
                title_pinyin=analysed.title_pinyin,
                title_initials=analysed.title_initials,
                title_words=" ".join(analysed.title_words),
            )

    started = time.perf_counter()
    if count <= real:
        pass
    elif backend == "postgresql":
        _pg_copy(connection, rows())
    else:
        batch: list[IndexedDocument] = []
        for row in rows():
            batch.append(row)
            if len(batch) >= 5000:
                with transaction.atomic():
                    IndexedDocument.objects.bulk_create(batch)
                batch = []
        if batch:
            with transaction.atomic():
                IndexedDocument.objects.bulk_create(batch)
    fill_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        if count:
            cursor.execute(
                "ANALYZE" if backend == "sqlite" else "VACUUM ANALYZE search_indexeddocument"
            )
        if backend == "sqlite" and count:
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES('optimize')")

    # 3. Queries and suggestions.
    timings: dict[str, list[float]] = {}
    totals: dict[str, int] = {}
    for q in QUERIES:
        params = search_params_parse({"q": q})
        search_run(params=params)
        for _ in range(repeat):
            started = time.perf_counter()
            result = search_run(params=params)
            timings.setdefault(q, []).append((time.perf_counter() - started) * 1000)
        totals[q] = result.total
    suggest: list[float] = []
    for prefix in PREFIXES:
        search_suggest(prefix=prefix)
        for _ in range(repeat):
            started = time.perf_counter()
            search_suggest(prefix=prefix)
            suggest.append((time.perf_counter() - started) * 1000)
    every = [t for values in timings.values() for t in values]
    return {
        "backend": backend,
        "documents": IndexedDocument.objects.count(),
        "real_path_docs_per_s": round(real / real_seconds, 1) if real else None,
        "bulk_fill_docs_per_s": round((count - real) / fill_seconds, 1) if count > real else None,
        "search_p50_ms": round(percentile(every, 0.5), 1),
        "search_p95_ms": round(percentile(every, 0.95), 1),
        "per_query_p50_ms": {q: round(statistics.median(v), 1) for q, v in timings.items()},
        "per_query_total": totals,
        "suggest_p50_ms": round(percentile(suggest, 0.5), 1),
        "suggest_p95_ms": round(percentile(suggest, 0.95), 1),
    }


_COPY_FIELDS = [
    "source",
    "key",
    "title",
    "summary",
    "body",
    "url",
    "kind",
    "department_code",
    "department_name",
    "audiences",
    "published_at",
    "keywords",
    "popularity",
    "boost",
    "title_tokens",
    "keyword_tokens",
    "body_tokens",
    "pinyin_tokens",
    "title_pinyin",
    "title_initials",
    "title_words",
    "indexed_at",
]


def _pg_copy(connection, documents) -> None:
    """COPY the documents in; the table's indexes (but its primary key) are dropped first and
    built again afterwards, as a bulk load into a search engine would (one sort per index
    instead of a million index insertions)."""
    import json as _json

    from django.utils import timezone

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = "
            "'search_indexeddocument' AND indexname NOT IN (SELECT conname FROM pg_constraint)"
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    connection.ensure_connection()
    raw = connection.connection
    stamp = timezone.now()
    columns = ", ".join(_COPY_FIELDS)
    sql = f"COPY search_indexeddocument ({columns}) FROM STDIN"
    with raw.cursor() as cursor, cursor.copy(sql) as copy:
        for doc in documents:
            copy.write_row(
                [
                    _json.dumps(doc.keywords)
                    if f == "keywords"
                    else (stamp if f == "indexed_at" else getattr(doc, f))
                    for f in _COPY_FIELDS
                ]
            )
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for _name, definition in indexes:
            cursor.execute(definition)


def _thesaurus_load() -> None:
    """The demo thesaurus (开店 and friends), written straight into the table."""
    from ecity.demo.data.thesaurus import TERMS
    from ecity.registry.models import SubjectTerm
    from ecity.registry.services.thesaurus import _labels_text

    by_term = {}
    for term in TERMS:
        row, _created = SubjectTerm.objects.update_or_create(
            term=term.term,
            defaults={
                "term_en": term.term_en,
                "synonyms": list(term.synonyms),
                "labels": _labels_text(term.term, term.synonyms),
            },
        )
        by_term[term.term] = row
    for term in TERMS:
        row = by_term[term.term]
        row.broader.set([by_term[b] for b in term.broader if b in by_term])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--pg", type=int, default=1_000_000, help="documents on PostgreSQL (0: skip)"
    )
    parser.add_argument("--sqlite", type=int, default=100_000, help="documents on SQLite (0: skip)")
    parser.add_argument("--real", type=int, default=5000, help="documents through the real path")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each query")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/ecity_search_bench")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the database of an earlier run with the same N (no fill; the indexing "
        "figures are then not measured): PostgreSQL's --pg-url, SQLite's --sqlite-file",
    )
    parser.add_argument(
        "--sqlite-file", help="SQLite database file to fill (default: a temporary directory)"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        backend, count = args.child.split(":")
        result = run_backend(backend, int(count), args.real, args.repeat, args.pg_url)
        print("RESULT " + json.dumps(result, ensure_ascii=False))
        return
    for backend, count in (("postgresql", args.pg), ("sqlite", args.sqlite)):
        if not count:
            continue
        env = dict(os.environ)
        env.update(
            PYTHONPATH=str(ROOT / "src"),
            DJANGO_SETTINGS_MODULE="ecity.conf.test",
            ECITY_EVENTS_DELIVER_ON_COMMIT="0",
        )
        scratch = tempfile.mkdtemp(prefix="search-bench-")
        env["ECITY_DATA_DIR"] = scratch
        if backend == "postgresql" and args.reuse:
            env["DATABASE_URL"] = args.pg_url
            env["SEARCH_BENCH_REUSE"] = "1"
        elif backend == "postgresql":
            _base, name = args.pg_url.rsplit("/", 1)
            subprocess.run(
                ["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", name], check=True
            )
            subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
            env["DATABASE_URL"] = args.pg_url
        else:
            path = Path(args.sqlite_file or f"{scratch}/bench.sqlite3").resolve()
            if args.reuse:
                env["SEARCH_BENCH_REUSE"] = "1"
            else:
                path.unlink(missing_ok=True)
            env["DATABASE_URL"] = f"sqlite:///{path}"
        started = time.perf_counter()
        child = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                f"{backend}:{count}",
                "--real",
                str(args.real),
                "--repeat",
                str(args.repeat),
                "--pg-url",
                args.pg_url,
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        lines = [ln for ln in child.stdout.splitlines() if ln.startswith("RESULT ")]
        if not lines:
            print(child.stdout[-3000:], child.stderr[-3000:], sep="\n")
            raise SystemExit(f"{backend} run failed")
        result = json.loads(lines[-1][7:])
        result["wall_s"] = round(time.perf_counter() - started, 1)
        print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
