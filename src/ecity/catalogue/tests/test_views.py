"""Public pages: browsing, the guide, PDF, downloads and the application form."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from ecity.catalogue import services
from ecity.catalogue.tests.factories import (
    FAQFactory,
    LifeEventFactory,
    LocationFactory,
    MaterialFactory,
    ThemeFactory,
    VersionFactory,
    platform_admin,
    publish_version,
    published_item,
)
from ecity.identity.tests.factories import DepartmentFactory, id_number_for

pytestmark = pytest.mark.django_db


def _url(name, *args):
    with translation.override("zh-hans"):
        return reverse(f"catalogue:{name}", args=args)


def test_item_list_filters_by_theme_and_shows_active_filter(client):
    theme = ThemeFactory(code="shengyu", name_zh="生育收养")
    published_item(themes=[theme], name_zh="生育登记")
    published_item(name_zh="驾驶证换领")

    response = client.get(_url("item_list"), {"theme": "shengyu"})

    body = response.content.decode()
    assert response.status_code == 200
    assert "生育登记" in body
    assert "驾驶证换领" not in body
    assert "1 service found" in body or "找到 1 项服务" in body
    assert "生育收养 (1)" in body


def test_item_list_filters_by_audience_and_department(client):
    department = DepartmentFactory(code="SCJ")
    published_item(item__department=department, for_g2c=False, for_g2b=True, name_zh="企业开办")
    published_item(name_zh="居民养老")

    audience_response = client.get(_url("item_list"), {"audience": "g2b"})
    department_response = client.get(_url("item_list"), {"department": "SCJ"})

    assert audience_response.status_code == department_response.status_code == 200
    by_audience = audience_response.content.decode()
    by_department = department_response.content.decode()
    assert "企业开办" in by_audience and "居民养老" not in by_audience
    assert "企业开办" in by_department and "居民养老" not in by_department


def test_item_list_with_no_results_says_so(client):
    published_item(name_zh="生育登记")

    response = client.get(_url("item_list"), {"q": "不存在的服务"})

    assert "No services match" in response.content.decode() or "没有符合条件的服务" in (
        response.content.decode()
    )


def test_theme_life_event_and_department_pages_list_their_items(client):
    theme = ThemeFactory(code="jiuye", name_zh="就业创业")
    event = LifeEventFactory(code="yanglao", name_zh="养老")
    item = published_item(themes=[theme], life_events=[event], name_zh="失业登记")

    for url in (
        _url("theme_detail", "jiuye"),
        _url("life_event_detail", "yanglao"),
        _url("department_detail", item.department.code),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "失业登记" in response.content.decode()
    assert client.get(_url("theme_detail", "nope")).status_code == 404


def test_item_page_shows_guide_with_materials_locations_and_faq(client):
    item = published_item(name_zh="生育登记", statutory_days=20, committed_days=5)
    version = item.current_version
    material = MaterialFactory(version=version, name_zh="出生医学证明")
    material.template.save("blank.docx", ContentFile(b"template"))
    LocationFactory(version=version, name="市民中心", hours="工作日 9:00-17:00")
    FAQFactory(version=version, question="需要本人到场吗？")

    response = client.get(_url("item_detail", item.code))

    body = response.content.decode()
    assert response.status_code == 200
    for text in ("生育登记", "出生医学证明", "市民中心", "工作日 9:00-17:00", "需要本人到场吗？"):
        assert text in body
    assert _url("material_template", item.code, material.public_id) in body
    assert _url("item_pdf", item.code) in body
    assert _url("apply", item.code) in body
    assert version.legal_basis in body


def test_unpublished_item_is_not_found(client):
    draft = VersionFactory()

    assert client.get(_url("item_detail", draft.item.code)).status_code == 404


def test_pdf_guide_contains_chinese_item_name(client):
    item = published_item(name_zh="生育登记服务")
    MaterialFactory(version=item.current_version, name_zh="户口簿")

    response = client.get(_url("item_pdf", item.code))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "生育登记服务" in text
    assert "户口簿" in text


def test_material_template_download_and_404_without_file(client):
    item = published_item()
    with_file = MaterialFactory(version=item.current_version)
    with_file.template.save("form.pdf", ContentFile(b"%PDF-1.4 blank"))
    without_file = MaterialFactory(version=item.current_version)

    ok = client.get(_url("material_template", item.code, with_file.public_id))
    missing = client.get(_url("material_template", item.code, without_file.public_id))

    assert ok.status_code == 200
    assert b"".join(ok.streaming_content) == b"%PDF-1.4 blank"
    assert "attachment" in ok["Content-Disposition"]
    assert missing.status_code == 404


def test_draft_material_cannot_be_downloaded(client):
    item = published_item()
    draft = services.version_draft_create(actor=platform_admin(), item=item)
    material = MaterialFactory(version=draft)
    material.example.save("ex.pdf", ContentFile(b"draft"))

    assert client.get(_url("material_example", item.code, material.public_id)).status_code == 404


def test_old_version_stays_readable_and_drafts_are_never_public(client):
    item = published_item(name_zh="旧版名称")
    new = VersionFactory(item=item, number=2, name_zh="新版名称")
    publish_version(new)
    VersionFactory(item=item, number=3, name_zh="草稿名称")

    history_response = client.get(_url("version_list", item.code))
    old = client.get(_url("version_detail", item.code, 1))
    draft = client.get(_url("version_detail", item.code, 3))

    assert history_response.status_code == 200
    history = history_response.content.decode()
    assert _url("version_detail", item.code, 1) in history
    assert _url("version_detail", item.code, 3) not in history
    assert old.status_code == 200 and "旧版名称" in old.content.decode()
    assert draft.status_code == 404


def test_apply_form_renders_accessible_fields(client):
    item = published_item()

    body = client.get(_url("apply", item.code)).content.decode()

    assert 'for="id_applicant_name"' in body
    assert 'aria-describedby="id_applicant_name-hint"' in body
    assert "<legend>" in body


def test_apply_form_shows_field_errors_and_summary(client):
    item = published_item()

    response = client.post(
        _url("apply", item.code),
        {"applicant_name": "王", "id_number": "", "children": "11", "delivery": "post"},
    )

    body = response.content.decode()
    assert 'class="error-summary"' in body
    assert 'href="#id_id_number"' in body
    assert 'id="id_children-error"' in body
    assert 'aria-invalid="true"' in body


def test_apply_form_valid_shows_confirmation_without_storing(client):
    item = published_item()

    response = client.post(
        _url("apply", item.code),
        {"applicant_name": "王小明", "id_number": id_number_for(7), "delivery": "counter"},
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "王小明" in body
    assert "窗口领取" in body
    assert 'class="error-summary"' not in body


def test_english_guide_names_the_city_in_english_and_marks_chinese_passages(client):
    # given a guide whose legal basis and conditions exist only in Chinese
    item = published_item(name_zh="生育登记", name_en="Birth registration")
    with translation.override("en"):
        url = reverse("catalogue:item_detail", args=[item.code])

    # when an English reader opens it
    response = client.get(url)

    # then the city has its English name, and the Chinese passages are marked as Chinese
    body = response.content.decode()
    assert response.status_code == 200 and '<html lang="en">' in body
    assert '<span class="brand-city">Shifan City</span>' in body and "示范市" not in body
    assert '<p lang="zh">《人口与计划生育条例》第十条</p>' in body
    assert '<p lang="zh">本市户籍居民。</p>' in body
    assert "<h1>Birth registration</h1>" in body  # translated text is not marked


def test_chinese_guide_has_no_language_marks(client):
    item = published_item(name_zh="生育登记")

    body = client.get(_url("item_detail", item.code)).content.decode()

    assert '<span class="brand-city">示范市</span>' in body
    assert 'lang="zh"' not in body
