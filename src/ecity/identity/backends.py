"""Log in with a username, a mobile phone number or an e-mail address."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import Q
from django.http import HttpRequest

from ecity.identity.models import User
from ecity.identity.selectors import phone_index


class LoginNameBackend(ModelBackend):
    """Find the account by username, phone or e-mail (case-insensitive), then check the password.

    Registration keeps the three namespaces apart (a username is never all digits nor contains
    "@"), so at most one account matches: one query, on indexed columns (the phone number through
    its blind index). When none does, a password hash is still computed so that the answer time
    does not reveal whether the login name exists.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        login = (username or kwargs.get(User.USERNAME_FIELD) or "").strip()
        if not login or password is None:
            return None
        condition = Q(username__iexact=login) | Q(email__iexact=login)
        index = phone_index(login)
        if index:  # "" (e.g. a login of "-") would match every account without a phone number
            condition |= Q(phone_index=index)  # encrypted: found by its blind index
        matches = list(User.objects.filter(condition)[:2])
        if len(matches) != 1:
            User().set_password(password)  # same work as a real check (timing)
            return None
        user = matches[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
