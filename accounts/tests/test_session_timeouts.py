"""Sessions end after a while without activity (staff sooner) and, for staff,
after a working day however active (等保三级: 登录连接超时自动退出)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings


def visit(client, clock, minutes: float, path: str = "/accounts/"):
    clock.shift(dt.timedelta(minutes=minutes))
    return client.get(path)


def test_sessions_last_hours_not_weeks():
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600


def test_staff_are_logged_out_after_15_idle_minutes(world, client, clock):
    client.force_login(world.centre)
    assert visit(client, clock, 14, "/office/").status_code == 200
    response = visit(client, clock, 16, "/office/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_applicants_are_logged_out_after_30_idle_minutes(world, client, clock):
    client.force_login(world.applicant)
    assert visit(client, clock, 29).status_code == 200
    assert visit(client, clock, 29).status_code == 200  # activity keeps the session alive
    response = visit(client, clock, 31)
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_staff_session_ends_after_8_hours_however_active(world, client, clock):
    client.force_login(world.centre)
    for _ in range(47):
        assert visit(client, clock, 10, "/office/").status_code == 200
    response = visit(client, clock, 11, "/office/")  # 8 h 1 min since logging in
    assert response.status_code == 302
