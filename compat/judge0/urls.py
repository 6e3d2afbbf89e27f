"""Judge0 CE's API, mounted under /judge0/ (its clients' base URL)."""

from __future__ import annotations

from django.urls import path

from compat.judge0 import views

urlpatterns = [
    path("about", views.about, name="judge0_about"),
    path("config_info", views.config_info, name="judge0_config_info"),
    path("statuses", views.statuses, name="judge0_statuses"),
    path("languages", views.languages, name="judge0_languages"),
    path("languages/<int:language_id>", views.language, name="judge0_language"),
    path("submissions", views.submissions, name="judge0_submissions"),
    path("submissions/batch", views.batch, name="judge0_batch"),
    path("submissions/<str:token>", views.submission, name="judge0_submission"),
]
