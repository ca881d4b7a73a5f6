"""The demo city loader: content rules, accounts, idempotence and --if-empty."""

from __future__ import annotations

import io
import re
from collections import Counter

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django.db.models import Count

from ecity.audit.models import AuditEntry
from ecity.catalogue.form_schema import schema_validate_definition
from ecity.catalogue.models import (
    FAQ,
    LifeEvent,
    RequiredMaterial,
    ServiceItem,
    ServiceItemVersion,
    ServiceLocation,
    Theme,
)
from ecity.demo.data.accounts import DEMO_PASSWORD
from ecity.identity.models import AgentAuthorisation, LegalEntity, User
from ecity.identity.tests.factories import DepartmentFactory
from ecity.org.models import Department, Region, StaffRole

pytestmark = pytest.mark.django_db

PUBLISHED = ServiceItemVersion.Status.PUBLISHED
MODELS = [
    Region,
    Department,
    Theme,
    LifeEvent,
    ServiceItem,
    ServiceItemVersion,
    RequiredMaterial,
    ServiceLocation,
    FAQ,
    User,
    StaffRole,
    LegalEntity,
    AgentAuthorisation,
]


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def _current_versions():
    return ServiceItemVersion.objects.filter(status=PUBLISHED, item__is_active=True)


def test_load_demo_creates_the_city_with_departments_and_published_services():
    # When
    out = io.StringIO()
    call_command("load_demo", stdout=out)

    # Then: the whole demo, the departments' sub-sites with their pages included
    assert re.search(r"Department sub-sites: 1\d sites, \d{3} pages published", out.getvalue())
    # a city with districts, sub-districts and communities
    city = Region.objects.get(code="990100")
    assert (city.name_zh, city.level, city.parent) == ("示范市", "city", None)
    assert set(Region.objects.filter(parent=city).values_list("name_zh", flat=True)) >= {
        "东城区",
        "滨江区",
    }
    assert Region.objects.filter(level="community", parent__parent__parent=city).count() >= 6
    # at least 12 departments (top level), with a few sub-units
    top = Department.objects.filter(parent__isnull=True)
    assert top.count() >= 12
    assert Department.objects.filter(parent__isnull=False).count() >= 3
    assert top.filter(code="SCJ", name_zh="示范市市场监督管理局").exists()
    assert not top.filter(name_en="").exists()
    # at least 20 published services
    assert ServiceItem.objects.filter(current_version__status=PUBLISHED).count() >= 20
    assert "Demo city loaded" in out.getvalue()


def test_every_published_demo_guide_is_complete(demo_city):
    versions = _current_versions().annotate(
        n_materials=Count("materials", distinct=True),
        n_faqs=Count("faqs", distinct=True),
        n_locations=Count("locations", distinct=True),
        n_themes=Count("themes", distinct=True),
    )
    assert versions.count() >= 20
    for version in versions:
        name = version.name_zh
        assert version.item.current_version_id == version.pk, name
        assert 3 <= version.n_materials <= 6, name
        assert 2 <= version.n_faqs <= 3, name
        assert version.n_locations >= 1, name
        assert version.n_themes >= 1, name
        assert version.committed_days <= version.statutory_days, name
        assert version.legal_basis.startswith("《"), name
        assert version.name_en and version.summary_en, name
        assert version.audiences, name
        assert version.published_at is not None, name
        assert version.is_free or version.fee_description, name


def test_every_demo_form_schema_is_a_valid_definition_using_the_identifier_formats(demo_city):
    formats = set()
    for version in _current_versions():
        assert version.form_schema, version.name_zh
        assert schema_validate_definition(version.form_schema) == [], version.name_zh
        formats |= {prop.get("format") for prop in version.form_schema["properties"].values()}
    assert {"id_number", "uscc", "mobile", "date"} <= formats


def test_named_demo_services_are_there_with_their_departments(demo_city):
    expected = {
        "食品经营许可": "SCJ",
        "公共场所卫生许可": "WJW",
        "个体工商户登记（设立）": "SCJ",
        "建设工程消防验收": "ZJW",
        "出生医学证明（首次签发）": "WJW",
        "城乡居民养老保险参保登记": "RSJ",
    }
    found = dict(_current_versions().values_list("name_zh", "item__department__code"))
    for name, department in expected.items():
        assert found.get(name) == department, name
    starting = _current_versions().get(name_zh__startswith="企业开办")
    assert "市场监管" in starting.summary_zh and "税务" in starting.summary_zh


def test_food_business_licence_has_a_superseded_first_version(demo_city):
    item = ServiceItem.objects.get(code="SCJ-XK-001")
    v1, v2 = item.versions.order_by("number")

    assert (v1.number, v1.status) == (1, ServiceItemVersion.Status.SUPERSEDED)
    assert (v2.number, v2.status) == (2, PUBLISHED)
    assert item.current_version == v2
    assert v1.published_at < v2.published_at
    assert (v1.statutory_days, v2.statutory_days, v2.committed_days) == (20, 10, 3)
    assert "第三十五条" in v2.legal_basis
    assert v2.change_note


def test_theme_and_life_event_codes_are_bilingual_and_have_services(demo_city):
    assert Theme.objects.filter(audience="g2c").count() >= 5
    assert Theme.objects.filter(audience="g2b").count() >= 5
    assert not Theme.objects.filter(name_en="").exists()
    assert not LifeEvent.objects.filter(name_en="").exists()
    market = Theme.objects.get(code="market-access")
    assert (market.name_zh, market.name_en) == ("市场准入", "Market access")
    assert market.versions.filter(status=PUBLISHED, name_zh="食品经营许可").exists()
    for code in (
        "start-business",
        "birth",
        "employment",
        "pension",
        "marriage",
        "home-buying",
        "retirement",
    ):
        assert LifeEvent.objects.get(code=code).versions.filter(status=PUBLISHED).exists(), code


def test_materials_with_a_blank_template_get_a_pdf_file(demo_city):
    with_template = RequiredMaterial.objects.exclude(template="").filter(version__status=PUBLISHED)
    assert with_template.count() >= 15
    material = with_template.get(version__item__code="SCJ-XK-001", name_zh="食品经营许可申请书")
    with material.template.open("rb") as file:
        content = file.read()
    assert content.startswith(b"%PDF-")
    assert material.template.name.startswith("catalogue/templates/SCJ-XK-001-v2-")


def test_loading_again_changes_nothing_and_creates_no_duplicates(demo_city):
    # Given the whole demo, the approval demo's additions (joint applications) included
    call_command("load_demo", "--no-content", stdout=io.StringIO())
    before = _counts()
    item = ServiceItem.objects.get(code="SCJ-XK-001")
    published_at = item.current_version.published_at

    # When
    out = io.StringIO()
    call_command("load_demo", "--no-content", stdout=out)

    # Then
    assert "service items 0, published versions 0, accounts 0" in out.getvalue()
    assert _counts() == before
    item.refresh_from_db()
    assert item.current_version.published_at == published_at
    assert item.versions.count() == 2


def test_loading_again_restores_edited_names_but_keeps_changed_passwords(demo_city):
    Department.objects.filter(code="SCJ").update(name_zh="改过的名字")
    user = User.objects.get(username="zhangwei")
    user.set_password("A-new-secret-2026")
    user.save()

    call_command("load_demo", "--no-content", stdout=io.StringIO())

    assert Department.objects.get(code="SCJ").name_zh == "示范市市场监督管理局"
    user.refresh_from_db()
    assert user.check_password("A-new-secret-2026")


def test_if_empty_loads_into_an_empty_database():
    call_command("load_demo", "--no-content", "--if-empty", stdout=io.StringIO())

    assert ServiceItem.objects.count() >= 20


def test_if_empty_does_nothing_when_the_database_has_city_data():
    DepartmentFactory(code="REAL-1")
    out = io.StringIO()

    call_command("load_demo", "--no-content", "--if-empty", stdout=out)

    assert ServiceItem.objects.count() == 0
    assert not Region.objects.filter(code="990100").exists()
    assert "not loaded" in out.getvalue()


def test_demo_password_passes_the_password_policy():
    validate_password(DEMO_PASSWORD, User(username="zhangwei", real_name="张伟"))


@pytest.mark.parametrize(
    "username",
    [
        "admin",
        "zhangwei",
        "lina",
        "wangfang",
        "liuyang",
        "clerk_zwb",
        "reviewer_scj",
        "reviewer_wjw",
        "reviewer_zjw",
        "reviewer_xfj",
        "approver_scj",
        "approver_wjw",
        "approver_zjw",
        "approver_xfj",
        "deptadmin_scj",
        "deptadmin_gaj",
        "deptadmin_rsj",
        "supervisor_zwb",
    ],
)
def test_demo_accounts_log_in_with_the_demo_password(demo_city, client, username):
    assert client.login(username=username, password=DEMO_PASSWORD)


def test_demo_accounts_have_their_roles(demo_city):
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert StaffRole.objects.filter(user=admin, role="platform_admin", department=None).exists()

    roles = {
        (r.user.username, r.role, r.department.code)
        for r in StaffRole.objects.exclude(department=None).select_related("user", "department")
    }
    assert roles == {
        ("clerk_zwb", "counter_clerk", "ZWB"),
        ("clerk_zwb", "counter_clerk", "SCJ"),
        ("clerk_zwb", "counter_clerk", "WJW"),
        ("clerk_zwb", "counter_clerk", "ZJW"),
        ("clerk_zwb", "counter_clerk", "XFJ"),
        ("reviewer_scj", "reviewer", "SCJ"),
        ("reviewer_wjw", "reviewer", "WJW"),
        ("reviewer_zjw", "reviewer", "ZJW"),
        ("reviewer_xfj", "reviewer", "XFJ"),
        ("approver_scj", "approver", "SCJ"),
        ("approver_wjw", "approver", "WJW"),
        ("approver_zjw", "approver", "ZJW"),
        ("approver_xfj", "approver", "XFJ"),
        ("deptadmin_scj", "department_admin", "SCJ"),
        ("deptadmin_gaj", "department_admin", "GAJ"),
        ("deptadmin_rsj", "department_admin", "RSJ"),
        ("supervisor_zwb", "supervisor", "ZWB"),
        ("webeditor_scj", "content_editor", "SCJ"),
        ("webreviewer_scj", "content_reviewer", "SCJ"),
    }
    # Only administrators reach the admin site.
    staff = set(User.objects.filter(is_staff=True).values_list("username", flat=True))
    assert staff == {"admin", "deptadmin_scj", "deptadmin_gaj", "deptadmin_rsj"}


def test_demo_citizens_and_enterprise_have_valid_identifiers(demo_city):
    citizens = User.objects.exclude(id_number_index="")  # ID numbers are encrypted
    assert citizens.count() == 4
    for user in citizens:
        user.full_clean()  # ID number (GB 11643), mobile and e-mail validators
    levels = {user.username: (user.identity_level, user.identity_method) for user in citizens}
    # verified in person at a counter, except liuyang, who shows the way to get verified
    assert levels == {
        "zhangwei": (3, "counter"),
        "lina": (3, "counter"),
        "wangfang": (3, "counter"),
        "liuyang": (1, ""),
    }
    entity = LegalEntity.objects.get(name="示范市云帆科技有限公司")
    entity.full_clean()  # USCC (GB 32100)
    lina = User.objects.get(username="lina")
    assert (entity.legal_representative_name, entity.legal_representative_id_number) == (
        "李娜",
        lina.id_number,
    )
    authorisations = {
        (a.user.username, a.role)
        for a in entity.authorisations.filter(is_active=True).select_related("user")
    }
    assert authorisations == {("lina", "legal_representative"), ("wangfang", "agent")}


def test_the_city_is_set_up_by_the_platform_administrator_through_audited_services(demo_city):
    # Given the demo city (loaded by the fixture), then
    admin = User.objects.get(username="admin")
    acts = Counter(
        (entry.action, entry.actor.username if entry.actor else "")
        for entry in AuditEntry.objects.select_related("actor")
    )
    # the citizens registered themselves; the administrator verified three of them and the
    # enterprise (with its licence) at a counter; the legal representative registered it
    assert acts[("account.registered", "zhangwei")] == 1
    assert acts[("account.identity_verified", "admin")] == 3
    assert acts[("legal_entity.registered", "lina")] == 1
    assert acts[("legal_entity.verified", "admin")] == 1
    # the administrator created the thirteen staff accounts and granted their seventeen roles
    assert acts[("account.created", "admin")] == 15
    assert acts[("role.granted", "admin")] == 19
    # and registered 人社局's system; 人社局's data administrator asked 公安局's for the person
    # registry twice, and 公安局's approved one request (the other waits)
    assert acts[("sso.client_created", "admin")] == 1
    assert acts[("registry.sharing_requested", "deptadmin_rsj")] == 2
    assert acts[("registry.sharing_request_approved", "deptadmin_gaj")] == 1
    # the legal representative authorised her agent
    assert acts[("agent.granted", "lina")] == 1
    # every guide version was published by the administrator
    assert set(ServiceItemVersion.objects.values_list("published_by", flat=True)) == {admin.pk}


def test_loading_again_records_no_new_acts():
    call_command("load_demo", "--no-content", "--no-cases", stdout=io.StringIO())
    before = AuditEntry.objects.count()

    call_command("load_demo", "--no-content", "--no-cases", stdout=io.StringIO())

    assert AuditEntry.objects.count() == before
