import pytest


@pytest.fixture(autouse=True)
def fast_and_private(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    # Assertions read the English messages; test_translations checks the Chinese default.
    settings.LANGUAGE_CODE = "en"


from repair.tests.conftest import clock, world  # noqa: E402, F401
