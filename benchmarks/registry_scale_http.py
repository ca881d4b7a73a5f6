"""The HTTP half of benchmarks/registry_scale.py: the sharing API and the catalogue facet page.

* ``catalogue_fill``: tops the published resource catalogue up to ``count`` live entries, copied
  from the demo city's published resources (their items, subjects and providers, so the
  department and subject facets have many values), written in bulk (``bulk_create``: the
  catalogue's services audit and review every entry one by one, which is not what is measured);
* ``sharing_client``: registers a department system and a grant through the services, as a
  department would (``system_client_register``, ``sharing_request_submit``,
  ``sharing_request_approve``): the labour bureau's new system may read every conditional item
  of the demo city's population resource;
* ``token_get``, ``measure_reads``, ``measure_facets``: over HTTP on one keep-alive connection
  (reopened only when the server closes it: gunicorn's sync workers close after each answer).
"""

from __future__ import annotations

import base64
import datetime as dt
import http.client
import json
import random
import secrets
import time
import urllib.parse
from dataclasses import dataclass
from typing import Any

from cases_scale import percentile

PURPOSE = urllib.parse.quote("社会保险参保登记时核验参保人员身份（基准测试）")


class Connection:
    """A keep-alive HTTP/1.1 connection to the server on loopback, reopened when closed."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn: http.client.HTTPConnection | None = None
        self.reopened = 0

    def request(
        self, method: str, path: str, *, headers: dict[str, str] | None = None, body: bytes = b""
    ) -> tuple[int, bytes, float]:
        """One request; returns status, body and milliseconds (a reconnect counts in the time)."""
        started = time.perf_counter()
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                self.reopened += 1
            try:
                self.conn.request(method, path, body=body or None, headers=headers or {})
                response = self.conn.getresponse()
                data = response.read()
                if response.will_close:
                    self.conn.close()
                    self.conn = None
                return response.status, data, (time.perf_counter() - started) * 1000
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


def summary(timings: list[float], errors: dict[Any, int]) -> dict[str, Any]:
    if not timings:
        raise SystemExit(f"no successful request (errors {errors})")
    return {
        "p50": percentile(timings, 50),
        "p95": percentile(timings, 95),
        "n": len(timings),
        "errors": errors,
    }


# --- catalogue -----------------------------------------------------------------------------


def catalogue_fill(count: int, seed: int = 2026) -> int:
    """Top the published catalogue up to ``count`` live entries; return how many were added."""
    from django.db import transaction
    from django.utils import timezone

    from ecity.org.models import Department
    from ecity.registry.models import Resource, ResourceItem, SubjectTerm

    live = Resource.objects.filter(revision_of__isnull=True, status=Resource.Status.PUBLISHED)
    missing = count - live.count()
    if missing <= 0:
        return 0
    templates = list(live.prefetch_related("items", "subjects").order_by("code"))
    if not templates:
        raise SystemExit("the demo city has no published resource to copy")
    departments = list(Department.objects.filter(is_active=True).order_by("code"))
    terms = list(SubjectTerm.objects.order_by("term"))
    rng = random.Random(seed + live.count())
    first = Resource.objects.filter(code__startswith="BENCH-").count()
    today = timezone.localdate()
    through = Resource.subjects.through
    with transaction.atomic():
        for start in range(0, missing, 500):
            batch = []
            for n in range(first + start, first + min(start + 500, missing)):
                template = templates[n % len(templates)]
                batch.append(
                    Resource(
                        code=f"BENCH-{n:06d}",
                        name=f"{template.name}（第{n}号）",
                        name_en=f"{template.name_en} ({n})",
                        provider=departments[rng.randrange(len(departments))],
                        summary=template.summary,
                        summary_en=template.summary_en,
                        category=template.category,
                        format=rng.choice(Resource._meta.get_field("format").choices)[0],
                        format_detail=template.format_detail,
                        share_type=template.share_type,
                        share_condition=template.share_condition,
                        share_method=template.share_method,
                        open_type=template.open_type,
                        open_condition=template.open_condition,
                        update_cycle=rng.choice(Resource._meta.get_field("update_cycle").choices)[
                            0
                        ],
                        published_on=today - dt.timedelta(days=rng.randrange(1500)),
                        status=Resource.Status.PUBLISHED,
                    )
                )
            Resource.objects.bulk_create(batch)
            items, links = [], []
            for resource in batch:
                template = templates[int(resource.code[6:]) % len(templates)]
                items += [
                    ResourceItem(
                        resource=resource,
                        data_element_id=item.data_element_id,
                        name=item.name,
                        share_type=item.share_type,
                        is_masked_for_staff=item.is_masked_for_staff,
                        order=item.order,
                    )
                    for item in template.items.all()
                ]
                chosen = {t.pk for t in template.subjects.all()}
                chosen |= {t.pk for t in rng.sample(terms, min(2, len(terms)))}
                links += [through(resource_id=resource.pk, subjectterm_id=pk) for pk in chosen]
            ResourceItem.objects.bulk_create(items)
            through.objects.bulk_create(links)
    return missing


def facet_paths(samples: int, seed: int = 9) -> list[str]:
    """Catalogue page addresses: no filter, one facet, two facets, a facet and a search."""
    from ecity.registry.models import Resource

    live = Resource.objects.filter(revision_of__isnull=True, status=Resource.Status.PUBLISHED)
    departments = sorted(set(live.values_list("provider__code", flat=True)))
    subjects = sorted(set(live.values_list("subjects__term", flat=True)) - {None})
    rng = random.Random(seed)
    paths = []
    for n in range(samples):
        query: dict[str, str] = {}
        kind = n % 5
        if kind in (1, 3):
            query["department"] = rng.choice(departments)
        if kind in (2, 3):
            query["subject"] = rng.choice(subjects)
        if kind == 4:
            query["share_type"] = "conditional"
            query["q"] = "信息"
        if n % 7 == 6:
            query["page"] = "2"
        paths.append(
            "/registry/resources/" + ("?" + urllib.parse.urlencode(query) if query else "")
        )
    return paths


def measure_facets(port: int, paths: list[str], warmup: int = 5) -> dict[str, Any]:
    conn = Connection(port)
    for path in paths[:warmup]:
        conn.request("GET", path)
    timings, errors = [], {}
    for path in paths:
        status, body, ms = conn.request("GET", path, headers={"Accept-Language": "zh-hans"})
        if status == 200:
            timings.append(ms)
        else:
            errors[status] = errors.get(status, 0) + 1
            if errors[status] == 1:
                print(f"  ! {status} for {path}: {body[:200]!r}", flush=True)
    conn.close()
    return summary(timings, errors)


# --- sharing -------------------------------------------------------------------------------


@dataclass
class SystemCredentials:
    client_id: str
    client_secret: str
    fields: list[str]  # the conditional fields granted


def sharing_client() -> SystemCredentials:
    """Register a new system of the labour bureau and grant it the population resource's
    conditional items, through the services (the demo's data administrators act)."""
    from django.utils import timezone

    from ecity.demo.services.sharing import POPULATION
    from ecity.identity.models import User
    from ecity.org.models import Department
    from ecity.registry.models import Resource
    from ecity.registry.services.sharing import sharing_request_approve, sharing_request_submit
    from ecity.sso.services import system_client_register

    labour = Department.objects.get(code="RSJ")
    resource = Resource.objects.get(code=POPULATION, revision_of__isnull=True)
    application, secret = system_client_register(
        actor=User.objects.get(username="admin"),
        name=f"基准测试系统 {secrets.token_hex(3)}",
        department=labour,
        description="benchmarks/registry_scale.py",
    )
    conditional = [
        item
        for item in resource.items.select_related("data_element")
        if (item.share_type or resource.share_type) == "conditional"
    ]
    today = timezone.localdate()
    request = sharing_request_submit(
        actor=User.objects.get(username="deptadmin_rsj"),
        requester=labour,
        application=application,
        resource=resource,
        items=conditional,
        purpose="社会保险参保登记时核验参保人员身份（基准测试）",
        legal_basis="《中华人民共和国社会保险法》第五十八条",
        starts_on=today,
        ends_on=today + dt.timedelta(days=30),
    )
    sharing_request_approve(
        actor=User.objects.get(username="deptadmin_gaj"), sharing_request=request, reason="基准测试"
    )
    return SystemCredentials(
        application.client_id, secret, [i.data_element.identifier for i in conditional]
    )


def token_get(port: int, credentials: SystemCredentials) -> str:
    """A client-credentials access token from the real token endpoint."""
    basic = base64.b64encode(
        f"{credentials.client_id}:{credentials.client_secret}".encode()
    ).decode()
    conn = Connection(port)
    status, body, _ = conn.request(
        "POST",
        "/o/token/",
        headers={
            "Authorization": f"Basic {basic}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        body=b"grant_type=client_credentials",
    )
    conn.close()
    if status != 200:
        raise SystemExit(f"token endpoint answered {status}: {body[:300]!r}")
    return json.loads(body)["access_token"]


def measure_reads(port: int, token: str, numbers: list[str], warmup: int = 10) -> dict[str, Any]:
    """GET …/persons/1.0/read?id_number= for each number; checks the record came back."""
    conn = Connection(port)
    headers = {"Authorization": f"Bearer {token}", "X-Purpose": PURPOSE}

    def path(number: str) -> str:
        return "/api/v1/registry/data/persons/1.0/read?" + urllib.parse.urlencode(
            {"id_number": number}
        )

    for number in numbers[:warmup]:
        conn.request("GET", path(number), headers=headers)
    timings, errors, fields = [], {}, set()
    for number in numbers:
        status, body, ms = conn.request("GET", path(number), headers=headers)
        if status == 200:
            answer = json.loads(body)
            if answer["record"].get("id_number") != number:
                raise SystemExit(f"read of {number} returned another record")
            fields.update(answer["fields"])
            timings.append(ms)
        else:
            errors[status] = errors.get(status, 0) + 1
            if errors[status] == 1:
                print(f"  ! {status} for a read: {body[:300]!r}", flush=True)
    conn.close()
    result = summary(timings, errors)
    result["fields"] = sorted(fields)
    result["connections"] = conn.reopened
    return result
