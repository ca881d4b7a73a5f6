"""The hotline centre edits the category tree and the time limits: each rule, the permission
check in the services, and the audit entry of every change."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from ecity.audit.models import AuditEntry
from ecity.core.errors import PermissionDenied, ValidationFailed
from ecity.hotline.models import Category, Ticket, TicketKind, TicketLimit, Urgency
from ecity.hotline.selectors.categories import category_tree_rows
from ecity.hotline.selectors.limits import limit_table, limits_for
from ecity.hotline.services.categories import (
    CategoryData,
    category_create,
    category_deactivate,
    category_delete,
    category_reactivate,
    category_update,
)
from ecity.hotline.services.limits import limit_remove, limit_set
from ecity.hotline.tests.factories import CategoryFactory, TicketFactory
from ecity.identity.tests.factories import DepartmentFactory, StaffRoleFactory, UserFactory
from ecity.org.models import StaffRole

pytestmark = pytest.mark.django_db
HOURS = TicketLimit.Unit.WORKING_HOURS
DAYS = TicketLimit.Unit.WORKING_DAYS


def _data(hotline, **overrides) -> CategoryData:
    values = {"name_zh": "占道经营", "department": hotline["urban"], "parent": None}
    values.update(overrides)
    return CategoryData(**values)


def _errors(excinfo) -> dict:
    return dict(excinfo.value.fields)


# --- categories ---------------------------------------------------------------------------------


def test_dispatcher_adds_a_sub_category_and_the_act_is_audited(hotline):
    # given the dispatcher of the hotline centre
    # when they add a category under 噪音扰民
    category = category_create(
        actor=hotline["dispatcher"],
        code="NOISE-SHOP",
        data=_data(hotline, name_zh="商铺噪音", parent=hotline["noise"], local=True),
    )
    # then it sits in the tree under its parent, and the act is audited
    category.refresh_from_db()
    assert category.parent == hotline["noise"]
    assert category.department == hotline["urban"] and category.local and category.is_active
    rows = {row.category.code: row.depth for row in category_tree_rows()}
    assert rows["NOISE"] == 0 and rows["NOISE-SHOP"] == 1
    entry = AuditEntry.objects.get(action="hotline.category_created")
    assert entry.actor_id == hotline["dispatcher"].pk
    assert entry.object_id == str(category.public_id)


def test_a_duplicate_code_is_refused_whatever_its_case(hotline):
    with translation.override("zh-hans"), pytest.raises(ValidationFailed) as excinfo:
        category_create(actor=hotline["dispatcher"], code="noise", data=_data(hotline))
    assert _errors(excinfo)["code"] == ["另一个分类已使用此代码。"]
    assert Category.objects.count() == 2


@pytest.mark.parametrize(
    ("code", "overrides", "field"),
    [
        ("", {}, "code"),
        ("BAD CODE", {}, "code"),
        ("OK", {"name_zh": "  "}, "name_zh"),
        ("OK", {"department": None}, "department"),
    ],
)
def test_bad_input_is_refused_field_by_field_and_nothing_is_written(
    hotline, code, overrides, field
):
    with pytest.raises(ValidationFailed) as excinfo:
        category_create(actor=hotline["dispatcher"], code=code, data=_data(hotline, **overrides))
    assert field in _errors(excinfo)
    assert Category.objects.count() == 2
    assert not AuditEntry.objects.filter(action="hotline.category_created").exists()


def test_an_inactive_owner_department_is_refused(hotline):
    closed = DepartmentFactory(code="OLD", is_active=False)
    with pytest.raises(ValidationFailed) as excinfo:
        category_create(
            actor=hotline["dispatcher"], code="X1", data=_data(hotline, department=closed)
        )
    assert "department" in _errors(excinfo)


def test_a_category_cannot_move_under_itself_or_a_descendant(hotline):
    # given 噪音扰民 › 商铺噪音 › 夜间商铺噪音
    child = CategoryFactory(code="N1", parent=hotline["noise"], department=hotline["urban"])
    grandchild = CategoryFactory(code="N2", parent=child, department=hotline["urban"])
    for parent in (hotline["noise"], child, grandchild):
        # when the dispatcher moves 噪音扰民 under itself or one of its descendants
        with translation.override("en"), pytest.raises(ValidationFailed) as excinfo:
            category_update(
                actor=hotline["dispatcher"],
                category=hotline["noise"],
                data=_data(hotline, name_zh="噪音扰民", parent=parent),
            )
        # then it is refused on the parent field and the tree is unchanged
        assert _errors(excinfo)["parent"] == [
            "A category cannot be placed under itself or one of its sub-categories."
        ]
    hotline["noise"].refresh_from_db()
    assert hotline["noise"].parent is None


def test_moving_a_category_under_another_branch_is_allowed_and_audited(hotline):
    category_update(
        actor=hotline["dispatcher"],
        category=hotline["noise"],
        data=_data(hotline, name_zh="噪音扰民", parent=hotline["roads"], name_en="Noise"),
    )
    hotline["noise"].refresh_from_db()
    assert hotline["noise"].parent == hotline["roads"]
    assert hotline["noise"].code == "NOISE"  # the code stays
    entry = AuditEntry.objects.get(action="hotline.category_edited")
    assert "parent" in entry.fields and "name_en" in entry.fields


@pytest.mark.parametrize("role", ["handler", "agent", "citizen"])
def test_only_the_centres_dispatchers_change_the_tree(hotline, role):
    actor = hotline[role]
    with pytest.raises(PermissionDenied):
        category_create(actor=actor, code="X1", data=_data(hotline))
    with pytest.raises(PermissionDenied):
        category_deactivate(actor=actor, category=hotline["noise"])
    with pytest.raises(PermissionDenied):
        limit_set(
            actor=actor,
            kind="",
            urgency=Urgency.ORDINARY,
            sign_within=Decimal("4"),
            sign_unit=HOURS,
            answer_within=Decimal("5"),
            answer_unit=DAYS,
        )
    assert not Category.objects.filter(code="X1").exists()
    assert not AuditEntry.objects.filter(action__startswith="hotline.category").exists()


def test_a_dispatcher_of_another_department_may_not_change_the_tree(hotline):
    elsewhere = StaffRoleFactory(
        department=hotline["urban"], role=StaffRole.Role.HOTLINE_DISPATCHER
    ).user
    with pytest.raises(PermissionDenied):
        category_create(actor=elsewhere, code="X1", data=_data(hotline))


def test_a_platform_administrator_may_change_the_tree(hotline):
    admin = UserFactory(is_superuser=True)
    category = category_create(actor=admin, code="X1", data=_data(hotline))
    assert category.pk


def test_a_category_with_open_tickets_is_deactivated_but_not_deleted(hotline):
    # given an open ticket of 噪音扰民 with a sub-category
    ticket = TicketFactory(category=hotline["noise"])
    child = CategoryFactory(code="N1", parent=hotline["noise"], department=hotline["urban"])
    # when the dispatcher tries to delete it, it is refused
    with translation.override("en"), pytest.raises(ValidationFailed) as excinfo:
        category_delete(actor=hotline["dispatcher"], category=hotline["noise"])
    assert "1 open tickets" in excinfo.value.message
    # when they deactivate it instead
    count = category_deactivate(actor=hotline["dispatcher"], category=hotline["noise"])
    # then it and its sub-category are inactive, the ticket keeps it, and the act is audited
    assert count == 2
    hotline["noise"].refresh_from_db()
    child.refresh_from_db()
    assert not hotline["noise"].is_active and not child.is_active
    assert Ticket.objects.get(pk=ticket.pk).category == hotline["noise"]
    assert AuditEntry.objects.filter(action="hotline.category_deactivated").count() == 1


def test_reactivation_needs_an_active_parent(hotline):
    child = CategoryFactory(code="N1", parent=hotline["noise"], department=hotline["urban"])
    category_deactivate(actor=hotline["dispatcher"], category=hotline["noise"])
    with pytest.raises(ValidationFailed):
        category_reactivate(actor=hotline["dispatcher"], category=child)
    category_reactivate(actor=hotline["dispatcher"], category=hotline["noise"])
    category_reactivate(actor=hotline["dispatcher"], category=child)
    child.refresh_from_db()
    assert child.is_active
    assert AuditEntry.objects.filter(action="hotline.category_reactivated").count() == 2


def test_a_new_category_cannot_go_under_an_inactive_parent(hotline):
    category_deactivate(actor=hotline["dispatcher"], category=hotline["roads"])
    with pytest.raises(ValidationFailed) as excinfo:
        category_create(
            actor=hotline["dispatcher"], code="X1", data=_data(hotline, parent=hotline["roads"])
        )
    assert "parent" in _errors(excinfo)


def test_an_unused_category_is_deleted_with_an_audit_entry(hotline):
    category = category_create(actor=hotline["dispatcher"], code="TYPO", data=_data(hotline))
    category_delete(actor=hotline["dispatcher"], category=category)
    assert not Category.objects.filter(code="TYPO").exists()
    entry = AuditEntry.objects.get(action="hotline.category_deleted")
    assert entry.data["code"] == "TYPO"


def test_the_tree_counts_open_tickets_only(hotline):
    TicketFactory(category=hotline["roads"])
    TicketFactory(category=hotline["roads"], handling=True)
    TicketFactory(category=hotline["roads"], closed=True)
    rows = {row.category.code: row.open_tickets for row in category_tree_rows()}
    assert rows == {"NOISE": 0, "ROADS": 2}


# --- time limits --------------------------------------------------------------------------------


def test_dispatcher_sets_a_limit_that_dispatch_then_applies(hotline):
    # when the dispatcher sets complaints of ordinary urgency to 2 hours / 3 working days
    limit_set(
        actor=hotline["dispatcher"],
        kind=TicketKind.COMPLAINT,
        urgency=Urgency.ORDINARY,
        sign_within=Decimal("2"),
        sign_unit=HOURS,
        answer_within=Decimal("3"),
        answer_unit=DAYS,
    )
    # then dispatch uses it for complaints, the table shows it as the kind's own, it is audited
    limits = limits_for(kind=TicketKind.COMPLAINT, urgency=Urgency.ORDINARY)
    assert (limits.sign_within, limits.answer_within) == (Decimal("2"), Decimal("3"))
    line = next(line for line in limit_table() if line.kind == TicketKind.COMPLAINT)
    cell = next(c for c in line.cells if c.urgency == Urgency.ORDINARY)
    assert cell.source == "row" and cell.answer_unit == DAYS
    entry = AuditEntry.objects.get(action="hotline.limit_changed")
    assert entry.data["before"] is None and entry.data["kind"] == "complaint"
    # and changing it again updates the same row
    limit_set(
        actor=hotline["dispatcher"],
        kind=TicketKind.COMPLAINT,
        urgency=Urgency.ORDINARY,
        sign_within=Decimal("1.5"),
        sign_unit=HOURS,
        answer_within=Decimal("4"),
        answer_unit=DAYS,
    )
    assert TicketLimit.objects.get().sign_within == Decimal("1.5")


@pytest.mark.parametrize(
    ("sign", "sign_unit", "answer", "answer_unit", "field"),
    [
        ("0", HOURS, "5", DAYS, "sign_within"),
        ("4", HOURS, "-1", DAYS, "answer_within"),
        ("3", DAYS, "2", DAYS, "sign_within"),
        ("8", HOURS, "1", DAYS, "sign_within"),  # a working day has 7 working hours
        ("1.234", HOURS, "2", HOURS, "sign_within"),
    ],
)
def test_bad_limits_are_refused_and_nothing_is_written(
    hotline, sign, sign_unit, answer, answer_unit, field
):
    with pytest.raises(ValidationFailed) as excinfo:
        limit_set(
            actor=hotline["dispatcher"],
            kind="",
            urgency=Urgency.URGENT,
            sign_within=Decimal(sign),
            sign_unit=sign_unit,
            answer_within=Decimal(answer),
            answer_unit=answer_unit,
        )
    assert field in _errors(excinfo)
    assert not TicketLimit.objects.exists()


def test_sign_within_equal_to_answer_within_is_allowed(hotline):
    limit_set(
        actor=hotline["dispatcher"],
        kind="",
        urgency=Urgency.EMERGENCY,
        sign_within=Decimal("7"),
        sign_unit=HOURS,
        answer_within=Decimal("1"),
        answer_unit=DAYS,
    )
    assert TicketLimit.objects.filter(urgency=Urgency.EMERGENCY).exists()


def test_removing_a_kinds_own_limit_falls_back_to_any_kind(hotline):
    for kind, answer in (("", "5"), (TicketKind.REPORT, "10")):
        limit_set(
            actor=hotline["dispatcher"],
            kind=kind,
            urgency=Urgency.ORDINARY,
            sign_within=Decimal("4"),
            sign_unit=HOURS,
            answer_within=Decimal(answer),
            answer_unit=DAYS,
        )
    limit_remove(actor=hotline["dispatcher"], kind=TicketKind.REPORT, urgency=Urgency.ORDINARY)
    assert limits_for(kind=TicketKind.REPORT, urgency=Urgency.ORDINARY).answer_within == 5
    with pytest.raises(ValidationFailed):
        limit_remove(actor=hotline["dispatcher"], kind="", urgency=Urgency.ORDINARY)
    assert AuditEntry.objects.filter(action="hotline.limit_removed").count() == 1
