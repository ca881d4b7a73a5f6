"""Apps declare their audit actions and labels; audit resolves them without knowing the apps."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

from ecity.audit import selectors
from ecity.audit.labels import action_label
from ecity.audit.models import AuditEntry
from ecity.audit.registry import (
    UndeclaredAuditActionWarning,
    action_get,
    data_access_actions,
    register_actions,
    registered_actions,
    unregister_actions,
)
from ecity.audit.services import audit_record

SOURCE = Path(__file__).resolve().parents[2]  # src/ecity
LITERAL_ACTION = re.compile(r"""\baction\s*=\s*["']([a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+)["']""")


def test_every_action_recorded_in_the_code_is_declared_with_a_label():
    # given every literal action the apps pass to audit_record (tests and migrations aside)
    recorded = set()
    for path in SOURCE.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        recorded |= set(LITERAL_ACTION.findall(path.read_text(encoding="utf-8")))
    assert {"case.read", "sso.signed_in", "auth.mfa_reset"} <= recorded

    # then each one is declared by some app
    assert sorted(recorded - set(registered_actions())) == []


def test_apps_declare_their_own_actions_and_labels():
    actions = registered_actions()
    assert str(actions["case.accepted"].label) == "受理办件"
    assert str(actions["catalogue.version_published"].label) == "发布事项版本"
    assert action_label("certificate.issued") == "已发证"
    assert action_label("audit.searched") == "查询审计日志"
    # an action nobody declares (any more) is shown by its name
    assert action_label("gone.away") == "gone.away"


def test_data_access_is_what_the_apps_mark_as_such():
    assert data_access_actions() == [
        "case.read",
        "case_applicant_record.read",
        "case_file.download",
        "case_material_reference.read",
        "certificate.read",
        "certificate.revoked",
        "disclosure_request.read",
        "letter.read",
        "personal_data.read",
        "personal_data.write",
        "registry.dispute_raised",
        "registry.dispute_settled",
        "registry.person_changed",
        "registry.person_linked",
        "registry.person_shared_read",
        "registry.records_exported",
        "survey.responses_exported",
        "ticket_caller_history.read",
    ]
    assert action_get("case.accepted").is_data_access is False


def test_an_undeclared_action_is_flagged_in_tests(citizen):
    # when an app records an action it did not declare, the test suite fails on it
    with pytest.warns(
        UndeclaredAuditActionWarning, match=r"'probe_ticket\.closed' is not declared"
    ):
        audit_record(actor=citizen, action="probe_ticket.closed")


def test_an_undeclared_action_is_refused_in_debug(citizen, settings):
    settings.DEBUG = True
    with pytest.raises(ValueError, match=r"'probe_ticket\.closed' is not declared"):
        audit_record(actor=citizen, action="probe_ticket.closed")
    assert not AuditEntry.objects.filter(action="probe_ticket.closed").exists()


def test_an_undeclared_action_is_still_recorded_in_production(citizen):
    # evidence matters more than a label: outside DEBUG the entry is written after the warning
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndeclaredAuditActionWarning)
        entry = audit_record(actor=citizen, action="probe_ticket.closed")
    assert entry.action == "probe_ticket.closed"


@pytest.fixture
def hotline_actions():
    """A second app that declares one act and one read of personal data."""
    register_actions({"probe_ticket.closed": "Ticket closed"})
    register_actions({"probe_ticket.read": "Ticket read"}, is_data_access=True)
    yield
    unregister_actions("probe_ticket.closed", "probe_ticket.read")


def test_a_second_app_marks_its_reads_as_access_to_personal_data(
    citizen, reviewer, hotline_actions
):
    # given a reviewer who read the citizen's ticket and then closed it
    audit_record(actor=reviewer, action="probe_ticket.read", subject=citizen)
    audit_record(actor=reviewer, action="probe_ticket.closed", subject=citizen)

    # then the citizen's "who accessed my data" lists the read, not the act
    listed = selectors.my_data_access_list(user=citizen)
    assert [entry.action for entry in listed] == ["probe_ticket.read"]
    assert action_label("probe_ticket.read") == "Ticket read"


@pytest.mark.parametrize(
    "actions, message",
    [
        ({"NoDots": "x"}, "malformed"),
        ({"case.read": "Case looked at"}, "already declared differently"),
    ],
)
def test_malformed_or_conflicting_declarations_are_refused(actions, message):
    with pytest.raises(ValueError, match=message):
        register_actions(actions)
    assert action_get("case.read").is_data_access is True


def test_an_action_cannot_change_from_act_to_data_access():
    label = registered_actions()["case.accepted"].label
    with pytest.raises(ValueError, match="already declared differently"):
        register_actions({"case.accepted": label}, is_data_access=True)
