from __future__ import annotations

from django.urls import path

from quotas import views

urlpatterns = [
    path("quota-banner/", views.banner, name="quota_banner"),
]
