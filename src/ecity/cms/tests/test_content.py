"""Rich text sanitising, attachments, policy links, feeds, sitemap, PDF, search documents."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from wagtail.documents.forms import get_document_form
from wagtail.models import Collection

from ecity.cms.models import Attachment, NewsPage, PolicyPage
from ecity.cms.search_documents import SOURCE, all_keys, load
from ecity.cms.services.sites import page_add
from ecity.core.models import OutboxEvent
from ecity.identity.tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _docx(text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(
            "word/document.xml",
            f"<w:document><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>",
        )
    return buffer.getvalue()


def _upload_form(name: str, content: bytes):
    form_class = get_document_form(Attachment)
    user = StaffUserFactory(is_superuser=True)
    return form_class(
        data={"title": name, "collection": Collection.get_first_root_node().pk},
        files={"file": SimpleUploadedFile(name, content)},
        user=user,
    )


def test_script_event_handlers_and_javascript_urls_are_removed_before_storage(dept_a):
    page = NewsPage(
        title="关于暑期安全的提示",
        slug="safety",
        body=(
            '<p onclick="steal()">请注意防溺水<script>alert(1)</script>'
            '<a href="javascript:alert(2)">点此</a><a href="https://www.gov.cn/">中国政府网</a>'
            '<img src=x onerror="alert(3)"></p>'
        ),
    )
    page_add(parent=dept_a.news, page=page, publish=True)

    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM cms_newspage WHERE page_ptr_id = %s", [page.pk])
        stored = cursor.fetchone()[0]
    revision_body = page.get_latest_revision().content["body"]

    for stored_html in (stored, revision_body):
        assert "请注意防溺水" in stored_html
        assert "<script" not in stored_html
        assert "onclick" not in stored_html
        assert "onerror" not in stored_html
        assert "javascript:" not in stored_html
        assert 'href="https://www.gov.cn/"' in stored_html


def test_attachment_whose_content_is_not_what_its_name_says_is_refused(settings, home):
    settings.LANGUAGE_CODE = "en"
    form = _upload_form("2026年工作要点.pdf", PNG)

    assert not form.is_valid()
    assert "This file is a PNG file; accepted types: PDF, DOCX, XLSX, OFD." in form.errors["file"]
    assert not Attachment.objects.exists()


def test_office_attachment_is_accepted_and_its_text_extracted_for_search(dept_a):
    form = _upload_form("实施细则.docx", _docx("小微企业首次贷款贴息50%"))
    assert form.is_valid(), form.errors
    attachment = form.save()

    assert attachment.content_type_sniffed.endswith("wordprocessingml.document")
    assert "小微企业首次贷款贴息50%" in attachment.extracted_text
    page = NewsPage(title="贴息政策发布", slug="tiexi", body="<p>详见附件</p>")
    page.attachments = [("attachment", attachment)]
    page_add(parent=dept_a.news, page=page, publish=True)
    document = load([str(page.pk)])[str(page.pk)]
    assert "小微企业首次贷款贴息50%" in document.body
    assert document.department_code == "fgw"


def test_search_offers_only_live_pages_and_publishing_schedules_reindexing(dept_a):
    live = page_add(
        parent=dept_a.news,
        page=NewsPage(title="已发布", slug="live", body="<p>甲</p>"),
        publish=True,
    )
    draft = page_add(
        parent=dept_a.news,
        page=NewsPage(title="草稿", slug="draft", body="<p>乙</p>"),
        publish=False,
    )

    assert set(load([str(live.pk), str(draft.pk)])) == {str(live.pk)}
    assert str(live.pk) in set(all_keys())
    assert str(draft.pk) not in set(all_keys())
    scheduled = [
        e.data["keys"]
        for e in OutboxEvent.objects.filter(name="search.reindex")
        if e.data["source"] == SOURCE
    ]
    assert [str(live.pk)] in scheduled
    live.unpublish()
    assert load([str(live.pk)]) == {}


def _policy(parent, slug, title, **fields):
    page = PolicyPage(
        title=title,
        slug=slug,
        issuing_body="市发展和改革委员会",
        document_number=fields.pop("document_number", "武发改规〔2026〕1号"),
        body="<p>第一条 为规范……制定本办法。</p>",
        **fields,
    )
    return page_add(parent=parent, page=page, publish=True)


def test_a_policy_is_found_under_its_date_issued_not_the_day_it_went_online(dept_a):
    import datetime as dt

    from ecity.search.selectors import search_query
    from ecity.search.services import documents_index

    policy = _policy(
        dept_a.news, "old-rules", "武汉市节能管理办法（2019年）", issued_on=dt.date(2019, 3, 1)
    )
    news = page_add(
        parent=dept_a.news,
        page=NewsPage(title="节能宣传周活动", slug="week", body="<p>节能</p>"),
        publish=True,
    )
    documents_index(source=SOURCE, keys=[str(policy.pk), str(news.pk)])

    from django.utils import timezone

    dates = {hit.title: timezone.localdate(hit.published_at) for hit in search_query(q="节能").hits}
    assert dates["武汉市节能管理办法（2019年）"] == dt.date(2019, 3, 1)
    assert dates["节能宣传周活动"] == timezone.localdate(news.first_published_at)
    in_2019 = search_query(q="节能", date_from=dt.date(2019, 1, 1), date_to=dt.date(2019, 12, 31))
    assert [hit.title for hit in in_2019.hits] == ["武汉市节能管理办法（2019年）"]


def test_a_replaced_policy_links_to_its_successor_and_the_successor_back(client, dept_a):
    old = _policy(dept_a.news, "old", "武汉市节能管理办法（2020年）")
    new = _policy(
        dept_a.news, "new", "武汉市节能管理办法（2026年）", document_number="武发改规〔2026〕7号"
    )
    old.validity = PolicyPage.Validity.REPEALED
    old.replaced_by = new
    old.save_revision().publish()

    old_html = client.get(old.url).content.decode()
    new_html = client.get(new.url).content.decode()

    assert "已废止" in old_html
    assert f'href="{new.url}"' in old_html
    assert f'href="{old.url}"' in new_html
    assert "武汉市节能管理办法（2020年）" in new_html


def test_feeds_list_only_live_pages_in_json_rss_and_atom(client, dept_a):
    page_add(parent=dept_a.news, page=NewsPage(title="公开的新闻", slug="n1"), publish=True)
    page_add(parent=dept_a.news, page=NewsPage(title="未审核的草稿", slug="n2"), publish=False)
    base = f"/cms/feeds/{dept_a.news.pk}/"

    feed = json.loads(client.get(base + "json/").content)
    rss = client.get(base + "rss/")
    atom = client.get(base + "atom/")
    site_feed = json.loads(client.get(f"/cms/feeds/{dept_a.site.pk}/json/").content)

    assert [item["title"] for item in feed["items"]] == ["公开的新闻"]
    assert [item["title"] for item in site_feed["items"]] == ["公开的新闻"]
    assert rss.status_code == 200 and "公开的新闻" in rss.content.decode()
    assert "未审核的草稿" not in rss.content.decode()
    assert atom["Content-Type"].startswith("application/atom+xml")
    assert "未审核的草稿" not in atom.content.decode()


def test_sitemap_lists_live_pages_and_policy_prints_as_pdf(client, dept_a):
    policy = _policy(dept_a.news, "p", "关于支持数字经济发展的若干措施")
    page_add(parent=dept_a.news, page=NewsPage(title="草稿", slug="hidden"), publish=False)

    sitemap = client.get("/site/sitemap.xml").content.decode()
    pdf = client.get(f"/cms/policies/{policy.pk}/print/")

    assert "/site/fgw/news/p/" in sitemap
    assert "hidden" not in sitemap
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF-")


def test_department_site_shows_navigation_contact_and_list(client, dept_a):
    page_add(
        parent=dept_a.news, page=NewsPage(title="市发改委召开专题会议", slug="m"), publish=True
    )

    html = client.get(dept_a.site.url).content.decode()
    english = client.get("/en" + dept_a.site.url).content.decode()

    assert "市发展和改革委员会" in html
    assert "新闻动态" in html  # the column in the sub-site's navigation
    assert "027-12345678" in html  # the contact block
    assert "市发改委召开专题会议" in client.get(dept_a.news.url).content.decode()
    assert 'lang="en"' in english
