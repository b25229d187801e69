"""Evidence uploads are checked by content and size, and served only to the people on the case."""

from __future__ import annotations

import uuid

import pytest

from repair import services
from repair.models import Case
from repair.tests import factories as f
from repair.tests.conftest import submit


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"just some text, not a document", "notes.pdf"),
        (f.ELF, "receipt.pdf"),
        (f.MZ, "receipt.pdf"),
        (b"GIF89a" + b"\x00" * 32, "photo.png"),
    ],
    ids=["text", "elf-renamed-pdf", "windows-exe-renamed-pdf", "gif"],
)
def test_it_rejects_files_that_are_not_pdf_jpeg_or_png(world, private_media, content, name):
    with pytest.raises(services.RepairError, match="not a PDF, JPEG or PNG"):
        submit(world, evidence=[f.upload(content, name=name)])
    assert Case.objects.count() == 0
    assert not (private_media / "evidence").exists() or not any((private_media / "evidence").iterdir())


def test_it_rejects_a_file_over_the_size_limit(world, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    with pytest.raises(services.RepairError, match="too large"):
        submit(world, evidence=[f.upload(f.PDF + b"0" * 1000)])


def test_it_accepts_jpeg_and_png(world):
    case = submit(world, evidence=[f.upload(f.JPEG, "a.jpg"), f.upload(f.PNG, "b.png")])
    assert sorted(case.evidence.values_list("content_type", flat=True)) == ["image/jpeg", "image/png"]


def test_the_form_reports_a_renamed_executable(world, client):
    client.force_login(world.applicant)
    response = client.post(
        f"/repair/subjects/{world.subject.uscc}/apply/",
        {
            "token": str(uuid.uuid4()),
            "items": [f"record-{world.penalty.pk}"],
            "statement": "已整改",
            "commitment_confirmed": "on",
            "evidence": f.upload(f.ELF, name="invoice.pdf"),
        },
    )
    assert response.status_code == 200
    assert "not a PDF, JPEG or PNG" in response.content.decode()


def test_evidence_is_served_to_the_applicant_and_the_staff_on_the_case_only(world, client):
    case = submit(world)
    url = f"/repair/evidence/{case.evidence.get().pk}/"
    assert client.get(url).status_code == 302  # anonymous: log in first
    for allowed in (world.applicant, world.centre, world.market_reviewer):
        client.force_login(allowed)
        response = client.get(url)
        assert response.status_code == 200, allowed
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF")
    for denied in (world.stranger, world.tax_reviewer):
        client.force_login(denied)
        assert client.get(url).status_code == 403, denied
