"""Creating the city's site home, department sub-sites, columns and content pages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Collection, Locale, Page, Site

from ecity.cms.models import ColumnPage, DepartmentSitePage, HomePage
from ecity.core.accounts import Account
from ecity.core.errors import PermissionDenied
from ecity.org.models import Department
from ecity.org.selectors import is_platform_admin

HOME_SLUG = "home"


def _tree_roots_ensure() -> Page:
    """The page tree's root, the root collection and the default locale.

    Wagtail's migrations create them; a database emptied since (a flush) lacks them.
    """
    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(title="Root", slug="root", live=True)
    return root


@transaction.atomic
def home_ensure(*, title: str) -> HomePage:
    """Return the city's site home, creating it (as the default Wagtail site's root) once.

    Rules: Wagtail's placeholder welcome page is replaced. Idempotent.
    """
    home = HomePage.objects.first()
    if home is not None:
        return home
    # Wagtail's placeholder welcome page (a plain Page) and its site make way for the home.
    for placeholder in Page.objects.filter(
        depth=2, content_type=ContentType.objects.get_for_model(Page)
    ):
        Site.objects.filter(root_page=placeholder).delete()
        placeholder.delete()
    root = _tree_roots_ensure()
    home = HomePage(title=title, slug=HOME_SLUG)
    root.add_child(instance=home)
    home.save_revision().publish()
    if not Site.objects.filter(is_default_site=True).exists():
        Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True, site_name=title
        )
    return home


@transaction.atomic
def department_site_create(
    *, actor: Account | None, department: Department, title: str, slug: str, **contact: Any
) -> DepartmentSitePage:
    """Create and publish ``department``'s sub-site under the city home.

    Rules: platform administrators only (None: the demo loader). One sub-site per department.
    Side effects: the page's publication is audited (``receivers``). Errors: ``PermissionDenied``.
    """
    if actor is not None and not is_platform_admin(user=actor):
        raise PermissionDenied(_("Only a platform administrator can create a department sub-site."))
    existing = DepartmentSitePage.objects.filter(department=department).first()
    if existing is not None:
        return existing
    home = HomePage.objects.get()
    site = DepartmentSitePage(title=title, slug=slug, department=department, **contact)
    home.add_child(instance=site)
    site.save_revision(user=actor).publish(user=actor)
    return site


def page_add(*, parent: Page, page: Page, actor: Account | None = None, publish: bool) -> Page:
    """Add ``page`` under ``parent`` as a draft revision, published at once if ``publish``.

    The demo loader and tests use it; editors work in the Wagtail admin, whose permission
    checks apply there.
    """
    page.live = False
    parent.add_child(instance=page)
    revision = page.save_revision(user=actor)
    if publish:
        revision.publish(user=actor)
        page.refresh_from_db()
    return page


def column_add(*, parent: Page, title: str, slug: str, publish: bool = True) -> ColumnPage:
    """Add a column (栏目) under a sub-site, the home or another column."""
    column = ColumnPage(title=title, slug=slug)
    page_add(parent=parent, page=column, publish=publish)
    return column
