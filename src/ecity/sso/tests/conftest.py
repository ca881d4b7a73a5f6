"""Fixtures for the SSO tests: a department, a registered application and a citizen."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import translation

from ecity.identity.models import AgentAuthorisation
from ecity.identity.tests.factories import (
    AgentAuthorisationFactory,
    DepartmentFactory,
    LegalEntityFactory,
    StaffRoleFactory,
    UserFactory,
)
from ecity.org.models import StaffRole
from ecity.sso import services
from ecity.sso.tests.helpers import POST_LOGOUT_URI, REDIRECT_URI


@pytest.fixture(autouse=True)
def _default_language():
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def platform_admin(db):
    user = UserFactory(username="ssoroot", is_staff=True)
    StaffRoleFactory(user=user, department=None, role=StaffRole.Role.PLATFORM_ADMIN)
    return user


@pytest.fixture
def department(db):
    return DepartmentFactory(code="SCJ", name_zh="市场监督管理局", name_en="Market Regulation")


@pytest.fixture
def citizen(db):
    return UserFactory(
        username="lina",
        real_name="李娜",
        is_real_name_verified=True,
        phone="13800138000",
    )


@pytest.fixture
def enterprise(db, citizen):
    entity = LegalEntityFactory(name="甲科技有限公司", verified=True)
    AgentAuthorisationFactory(
        legal_entity=entity, user=citizen, role=AgentAuthorisation.Role.LEGAL_REPRESENTATIVE
    )
    return entity


@pytest.fixture
def registered(db, platform_admin, department):
    """A confidential client allowed profile, phone and enterprise (not the ID number)."""
    application, secret = services.client_register(
        actor=platform_admin,
        name="企业开办一窗通",
        department=department,
        client_type="confidential",
        redirect_uris=[REDIRECT_URI],
        post_logout_redirect_uris=[POST_LOGOUT_URI],
        allowed_claims=["profile", "phone", "enterprise"],
        description="开办企业全程网办",
        contact="市场监管局信息中心 021-12345678",
    )
    application.plain_secret = secret
    return application
