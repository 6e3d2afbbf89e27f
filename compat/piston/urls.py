"""Piston API v2, mounted under /piston/api/v2/ (its clients' base URL is that prefix).
Trailing slashes are accepted: some clients add them."""

from __future__ import annotations

from django.urls import re_path

from compat.piston import views

urlpatterns = [
    re_path(r"^runtimes/?$", views.runtimes, name="piston_runtimes"),
    re_path(r"^execute/?$", views.execute, name="piston_execute"),
]
