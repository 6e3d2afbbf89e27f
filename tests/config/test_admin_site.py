"""The Django admin as this site dresses it: the site's icon on every admin page, so that
browsers do not ask for a /favicon.ico that is not there (a 404 on every admin page)."""

from __future__ import annotations

import pytest
from django.templatetags.static import static
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_admin_login_page_links_the_sites_icon(client):
    page = client.get(reverse("admin:login")).content.decode()

    assert f'<link rel="icon" href="{static("favicon.svg")}" type="image/svg+xml">' in page


def test_admin_pages_link_the_sites_icon(client, staff_user):
    client.force_login(staff_user)

    for name in ("admin:index", "admin:quotas_quota_changelist"):
        page = client.get(reverse(name)).content.decode()
        assert f'<link rel="icon" href="{static("favicon.svg")}"' in page, name
