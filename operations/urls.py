from __future__ import annotations

from django.urls import path

from operations import views

urlpatterns = [
    path("operations/", views.dashboard, name="operations_dashboard"),
    path("metrics", views.metrics, name="metrics"),
]
