"""Helpers for disclosure tests: a valid request input and staff of a department."""

from __future__ import annotations

from ecity.disclosure.models import ApplicantType, Delivery, Medium
from ecity.disclosure.services.requests import RequestInput, request_submit
from ecity.identity.tests.factories import StaffRoleFactory, id_number_for, uscc_for
from ecity.org.models import StaffRole


def person_input(**overrides) -> RequestInput:
    values = {
        "applicant_type": ApplicantType.PERSON,
        "name": "王小明",
        "id_number": id_number_for(7),
        "phone": "13912345678",
        "description": "2025年幸福路拓宽工程的环境影响评价报告全文。",
        "purpose": "了解工程对小区的影响",
        "medium": Medium.ELECTRONIC,
        "delivery": Delivery.ONLINE,
    }
    values.update(overrides)
    return RequestInput(**values)


def enterprise_input(**overrides) -> RequestInput:
    values = {
        "applicant_type": ApplicantType.ENTERPRISE,
        "name": "示范市绿源环保科技有限公司",
        "uscc": uscc_for(42),
        "legal_representative": "李建国",
        "contact_name": "张敏",
        "phone": "13800001111",
        "email": "zhang@example.cn",
        "description": "2025年本市危险废物经营许可证发放名单。",
        "medium": Medium.ELECTRONIC,
        "delivery": Delivery.EMAIL,
    }
    values.update(overrides)
    return RequestInput(**values)


def staff_of(department, role=StaffRole.Role.REVIEWER):
    return StaffRoleFactory(department=department, role=role).user


def head_of(department):
    return staff_of(department, StaffRole.Role.APPROVER)


def submit(department, *, applicant=None, **overrides):
    return request_submit(
        applicant=applicant, department=department, data=person_input(**overrides)
    )
