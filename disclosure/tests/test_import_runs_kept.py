"""Import runs are provenance: the back office shows them and never deletes them."""

from __future__ import annotations

import pytest

from disclosure.models import ImportRun, Record
from disclosure.tests.import_helpers import catalogue, penalty, run_import, write_csv  # noqa: F401


@pytest.mark.usefixtures("catalogue")
def test_it_refuses_to_delete_an_import_run_in_the_back_office(admin_client, tmp_path):
    assert run_import(write_csv(tmp_path / "dept.csv", [penalty("1")]))[0] == 0
    run = ImportRun.objects.get()

    assert admin_client.get(f"/admin/disclosure/importrun/{run.pk}/change/").status_code == 200
    assert admin_client.get(f"/admin/disclosure/importrun/{run.pk}/delete/").status_code == 403
    assert admin_client.post(f"/admin/disclosure/importrun/{run.pk}/delete/", {"post": "yes"}).status_code == 403
    assert ImportRun.objects.filter(pk=run.pk).exists()
    assert Record.objects.get().import_run_id == run.pk
