from __future__ import annotations

from django.urls import include, path

urlpatterns = [
    path("piston/api/v2/", include("compat.piston.urls")),
    path("judge0/", include("compat.judge0.urls")),
]
