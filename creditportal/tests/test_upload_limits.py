"""Uploads are limited before and while they are read, not after.

A request announcing more than the portal accepts is refused by its
Content-Length (413) before any of it is read; a file that grows past
UPLOAD_MAX_BYTES while streaming stops the reading there. Neither is written
to a temporary file in full first.
"""

from __future__ import annotations

import io
import uuid

import pytest
from django.test.client import MULTIPART_CONTENT, encode_multipart

from accounts.models import SubjectBinding
from repair.models import Case
from repair.tests import factories as f

BOUNDARY = "BoUnDaRyStRiNg"


class CountingPayload:
    """A request body that records how much of it the server read."""

    def __init__(self, content: bytes) -> None:
        self.stream = io.BytesIO(content)
        self.read_bytes = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(size)
        self.read_bytes += len(chunk)
        return chunk

    def readline(self, size: int = -1) -> bytes:
        line = self.stream.readline(size)
        self.read_bytes += len(line)
        return line


def post_multipart(client, url: str, data: dict, *, announced: int | None = None):
    body = encode_multipart(BOUNDARY, data)
    payload = CountingPayload(body)
    response = client.generic(
        "POST",
        url,
        b"",
        **{
            "wsgi.input": payload,
            "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
            "CONTENT_LENGTH": str(announced if announced is not None else len(body)),
        },
    )
    return response, payload, len(body)


@pytest.fixture
def temp_dir(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")
    (tmp_path / "uploads").mkdir()
    return tmp_path / "uploads"


@pytest.fixture
def applicant(world, client):
    client.force_login(world.applicant)
    return world.applicant


def proof_form(content: bytes) -> dict:
    return {"uscc": f.code(2), "proof": f.upload(content, name="licence.pdf")}


def evidence_form(world, content: bytes) -> dict:
    return {
        "token": str(uuid.uuid4()),
        "items": [f"record-{world.penalty.pk}"],
        "statement": "已整改",
        "commitment_confirmed": "on",
        "evidence": f.upload(content, name="receipt.pdf"),
    }


def test_a_binding_proof_announced_as_2_gb_is_refused_unread(applicant, client, temp_dir):
    response, payload, _ = post_multipart(client, "/accounts/", proof_form(f.PDF), announced=2 * 1024**3)
    assert response.status_code == 413
    assert payload.read_bytes == 0
    assert SubjectBinding.objects.count() == 1  # the world's own binding only


def test_a_binding_proof_past_the_limit_stops_being_read(applicant, client, settings, temp_dir):
    settings.UPLOAD_MAX_BYTES = 100_000
    big = f.PDF + b"0" * 1_000_000
    response, payload, size = post_multipart(client, "/accounts/", proof_form(big))
    assert response.status_code == 413
    page = response.content.decode()
    assert "licence.pdf" in page and "97.7" in page  # the file and the limit (100,000 bytes) are named
    # Read up to the limit plus one chunk of the parser, never the whole body.
    assert payload.read_bytes < 100_000 + 2 * 64 * 1024 < size
    assert not any(temp_dir.iterdir())
    assert SubjectBinding.objects.count() == 1  # the world's own binding only


def test_repair_evidence_past_the_limit_stops_being_read(world, applicant, client, settings, temp_dir):
    settings.UPLOAD_MAX_BYTES = 100_000
    url = f"/repair/subjects/{world.subject.uscc}/apply/"
    response, payload, size = post_multipart(client, url, evidence_form(world, f.PDF + b"0" * 1_000_000))
    assert response.status_code == 413
    assert payload.read_bytes < size
    assert not Case.objects.exists()


def test_repair_evidence_announced_too_large_is_refused_unread(world, applicant, client, temp_dir):
    url = f"/repair/subjects/{world.subject.uscc}/apply/"
    response, payload, _ = post_multipart(client, url, evidence_form(world, f.PDF), announced=10**12)
    assert response.status_code == 413 and payload.read_bytes == 0


@pytest.mark.django_db
def test_a_1_gb_check_csv_is_refused_by_its_announced_size(client, temp_dir):
    response, payload, _ = post_multipart(client, "/check/", {"file": f.upload(b"code\n", "c.csv")}, announced=10**9)
    assert response.status_code == 413 and payload.read_bytes == 0


@pytest.mark.django_db
def test_a_check_csv_past_the_limit_stops_being_read(client, settings, temp_dir):
    settings.UPLOAD_MAX_BYTES = 100_000
    response, payload, size = post_multipart(client, "/check/", {"file": f.upload(b"0" * 1_000_000, "c.csv")})
    assert response.status_code == 413 and payload.read_bytes < size


@pytest.mark.django_db
def test_a_json_body_larger_than_the_memory_limit_is_refused_unread(client, settings):
    payload = CountingPayload(b'{"codes": []}')
    response = client.generic(
        "POST",
        "/api/v1/checks/",
        b"",
        **{
            "wsgi.input": payload,
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1),
        },
    )
    assert response.status_code == 413 and payload.read_bytes == 0


def test_uploads_within_the_limits_still_work(world, applicant, client, temp_dir):
    url = f"/repair/subjects/{world.subject.uscc}/apply/"
    response = client.post(url, evidence_form(world, f.PDF), content_type=MULTIPART_CONTENT)
    assert response.status_code == 302
    assert Case.objects.count() == 1
