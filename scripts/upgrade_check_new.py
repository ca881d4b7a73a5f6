"""The second half of scripts/upgrade_check.py: migrate with this checkout's code and check.

Run by upgrade_check.py with DATABASE_URL pointing at the database the old release made and the
facts it recorded as the only argument. Prints one line per check; exits 1 if any failed.
"""

from __future__ import annotations

import datetime as dt
import json
import sys

import django

#: Tables that an upgrade drops on purpose, and where their rows went.
MOVED_TABLES = {
    "cases_casenumbersequence": "core_sequence",
    "certificates_serialcounter": "core_sequence",
    "cases_idempotencyrecord": "core_idempotencyrecord",
    "certificates_signingkey": "core_signingkey",
    "sso_signingkey": "core_signingkey",
}


class Rollback(Exception):
    pass


def main(facts_path: str) -> int:
    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from jwcrypto import jwk, jwt

    from ecity.cases.numbers import case_number_allocate
    from ecity.certificates.verification import certificate_verify
    from ecity.core.sequences import sequence_last

    facts = json.loads(open(facts_path, encoding="utf-8").read())  # noqa: SIM115
    failures: list[str] = []

    def check(ok: bool, what: str) -> None:
        print(("ok    " if ok else "FAIL  ") + what)
        if not ok:
            failures.append(what)

    call_command("migrate", verbosity=0)

    # 1. No table lost rows (tables dropped on purpose: their rows are in the new table).
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    moved_into: dict[str, int] = {}
    for table, before in sorted(facts["tables"].items()):
        if table in counts:
            check(counts[table] >= before, f"{table}: {before} rows before, {counts[table]} after")
        elif table in MOVED_TABLES:
            moved_into[MOVED_TABLES[table]] = moved_into.get(MOVED_TABLES[table], 0) + before
        else:
            check(False, f"{table} ({before} rows) is gone and its rows went nowhere known")
    for table, before in sorted(moved_into.items()):
        check(counts.get(table, 0) >= before, f"{table} holds the {before} rows moved into it")

    # 2. Numbering continues: no gap and no repeat.
    for sequence in facts["case_sequences"]:
        year, code, last = sequence["year"], sequence["department_code"], sequence["last"]
        try:
            with transaction.atomic():
                number = case_number_allocate(department_code=code, on=dt.date(year, 12, 31))
                raise Rollback
        except Rollback:
            pass
        expected = f"{year}-{code}-{last + 1:06d}"
        check(number == expected, f"the next case number of {code} in {year} is {number}")
    for counter in facts["serial_counters"]:
        scope, last = counter["scope"], counter["last_value"]
        check(sequence_last(scope=scope) == last, f"serial {scope} continues after {last}")

    # 3. Certificates issued before still verify.
    for identifier in facts["certificates"]:
        status = certificate_verify(identifier=identifier).status
        check(status == "valid", f"certificate {identifier} verifies: {status}")

    # 4. An ID token signed with the old OIDC key still validates against the published JWKS.
    response = Client().get("/o/.well-known/jwks.json", HTTP_HOST="localhost")
    check(response.status_code == 200, f"the JWKS answers {response.status_code}")
    keys = jwk.JWKSet.from_json(response.content.decode())
    try:
        token = jwt.JWT(jwt=facts["id_token"], key=keys, expected_type="JWS")
        validated = json.loads(token.claims)["sub"] == "old-release"
    except Exception as error:
        validated = False
        print(f"      {error!r}")
    check(validated, f"an ID token signed by the old key {facts['kid']} validates")

    print(f"{len(failures)} failed" if failures else "upgrade check passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
