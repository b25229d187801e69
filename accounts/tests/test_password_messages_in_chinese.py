"""Registration explains a refused password in Chinese, every reason."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def chinese(settings):
    settings.LANGUAGE_CODE = "zh-hans"  # this folder's tests read English by default


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab3$x", "密码太短，至少需要 8 个字符。"),
        ("password", "这个密码太常见了。"),
        ("4820193847561", "密码只包含数字。"),
    ],
)
def test_a_refused_password_is_explained_in_chinese(client, password, message):
    page = client.post(
        "/accounts/register/", {"email": "new@example.com", "password1": password, "password2": password}
    ).content.decode()
    assert message in page
    assert "This password" not in page


def test_the_password_rules_are_shown_in_chinese(client):
    page = client.get("/accounts/register/").content.decode()
    assert "Your password" not in page
