from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Code Sandboxes administration"
admin.site.site_title = "Code Sandboxes admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    # Judge0 CE and Piston's APIs, for their clients (compat/).
    path("", include("compat.urls")),
    path("account/api-tokens/", include("api.token_urls")),
    path("", include("operations.urls")),
    path("", include("quotas.urls")),
    path("", include("accounts.urls")),
    # "/" (named "home") is the signed-in user's sandboxes list.
    path("", include("sandboxes.urls")),
]
