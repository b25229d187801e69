from repair.tests.conftest import clock, world  # noqa: F401
