from repair.tests.conftest import clock, private_media, world  # noqa: F401
