from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "Code Sandboxes administration"
admin.site.site_title = "Code Sandboxes admin"

urlpatterns = [
    # The editor will live here; until then the account page is home.
    path("", RedirectView.as_view(pattern_name="profile", permanent=False), name="home"),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
]
