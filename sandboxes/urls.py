from __future__ import annotations

from django.urls import path

from sandboxes.views import editor, files, listing, network, packages, runs, shares, variables

urlpatterns = [
    path("", listing.home, name="home"),
    path("sandboxes/new/", listing.start, name="sandbox_start"),
    path("sandboxes/<int:sandbox_id>/", editor.editor, name="sandbox_editor"),
    path("sandboxes/<int:sandbox_id>/rename/", listing.rename, name="sandbox_rename"),
    path("sandboxes/<int:sandbox_id>/delete/", listing.delete, name="sandbox_delete"),
    path("sandboxes/<int:sandbox_id>/save/", editor.save, name="sandbox_save"),
    path("sandboxes/<int:sandbox_id>/run/", editor.run, name="sandbox_run"),
    path(
        "sandboxes/<int:sandbox_id>/run-settings/", editor.run_settings, name="sandbox_run_settings"
    ),
    path("sandboxes/<int:sandbox_id>/download/", files.download_all, name="sandbox_download"),
    path("sandboxes/<int:sandbox_id>/files/", files.create, name="file_create"),
    path("sandboxes/<int:sandbox_id>/files/rename/", files.rename, name="file_rename"),
    path("sandboxes/<int:sandbox_id>/files/delete/", files.delete, name="file_delete"),
    path("sandboxes/<int:sandbox_id>/files/entry/", files.entry, name="file_entry"),
    path("sandboxes/<int:sandbox_id>/files/upload/", files.upload, name="file_upload"),
    path("sandboxes/<int:sandbox_id>/files/download/", files.download, name="file_download"),
    path("sandboxes/<int:sandbox_id>/files/table/", files.table, name="file_table"),
    path("sandboxes/<int:sandbox_id>/packages/", packages.add, name="package_add"),
    path("sandboxes/<int:sandbox_id>/packages/remove/", packages.remove, name="package_remove"),
    path("sandboxes/<int:sandbox_id>/packages/suggest/", packages.suggest, name="package_suggest"),
    path("sandboxes/<int:sandbox_id>/variables/", variables.save, name="variable_save"),
    path("sandboxes/<int:sandbox_id>/variables/delete/", variables.delete, name="variable_delete"),
    path("sandboxes/<int:sandbox_id>/network/", network.save, name="sandbox_network"),
    path("runs/", runs.runs, name="run_list"),
    path("runs/<uuid:execution_id>/", runs.detail, name="run_detail"),
    path("runs/<uuid:execution_id>/restore/", runs.restore, name="run_restore"),
    path("runs/<uuid:execution_id>/share/", shares.share, name="run_share"),
    path("runs/<uuid:execution_id>/unshare/", shares.unshare, name="run_unshare"),
    path("shared/<str:token>/", shares.shared_run, name="shared_run"),
    path("shared/<str:token>/files/", shares.shared_file, name="shared_file"),
    path("shared/<str:token>/files/table/", shares.shared_table, name="shared_file_table"),
    path("runs/<uuid:execution_id>/cancel/", runs.cancel, name="run_cancel"),
    path("runs/<uuid:execution_id>/rerun/", runs.rerun, name="run_rerun"),
    path("runs/<uuid:execution_id>/files/", runs.produced_file, name="run_file"),
    path("runs/<uuid:execution_id>/files/table/", runs.produced_table, name="run_file_table"),
]
