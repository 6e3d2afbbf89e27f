"""No Content-Security-Policy violation on any page: the page fixture fails a test whose
page reported one; this visits the pages no other browser test opens, the admin's too."""

from __future__ import annotations

import pytest

from tests.browser.pages import PASSWORD, create_sandbox, sign_in

pytestmark = pytest.mark.browser

MAKE_STAFF = """
from accounts.models import User
User.objects.filter(username="csp-operator").update(is_staff=True, is_superuser=True)
"""

PAGES = (
    "/",
    "/runs/",
    "/account/",
    "/operations/",
    "/admin/",
    "/admin/sandboxes/execution/",
    "/admin/sandboxes/sandbox/",
    "/admin/quotas/quota/",
    "/admin/quotas/tier/1/change/",
    "/admin/operations/operatorsettings/",
    "/admin/sandboxes/killswitch/",
)


def test_the_pages_and_the_admin_have_no_csp_violations(page, app):
    app.create_user("csp-operator", PASSWORD, tier="pro")
    app.manage("shell", "-c", MAKE_STAFF)
    sign_in(page, "csp-operator")
    create_sandbox(page, "Policies")

    seen = {}
    for path in PAGES:
        response = page.goto(path)
        page.wait_for_load_state("networkidle")
        seen[path] = (response.status, page.evaluate("window.__problems"))
    assert seen == {path: (200, []) for path in PAGES}
