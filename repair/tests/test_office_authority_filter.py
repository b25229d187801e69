"""The back office filters by authority with a text field matched on the
server (part of a name is enough), with suggestions, not a 3,000-entry list."""

from __future__ import annotations

from repair.tests import factories as f
from repair.tests.conftest import submit


def test_the_queue_filters_by_part_of_an_authoritys_name(world, client):
    market_case = submit(world)
    tax_case = submit(world, items=[f"record-{world.tax_penalty.pk}"])
    client.force_login(world.centre)
    body = client.get("/office/", {"authority": "市场监督"}).content.decode()
    assert market_case.tracking_no in body and tax_case.tracking_no not in body


def test_the_authority_filter_is_a_text_input_with_suggestions_not_a_dropdown(world, client):
    for n in range(30):
        f.authority(f"测试县第{n}市场监督管理所")
    client.force_login(world.centre)
    body = client.get("/office/").content.decode()
    assert '<select name="authority"' not in body
    assert 'name="authority"' in body and 'list="authority-suggestions"' in body
    assert "测试县第29市场监督管理所" not in body
    assert "authority-suggest.js" in body


def test_suggestions_list_matching_names_starting_with_the_query_first(world, client):
    f.authority("平潭县市场监督管理局")
    client.force_login(world.centre)
    names = client.get("/office/authorities/", {"q": "福州市"}).json()["authorities"]
    assert names[0].startswith("福州市")
    assert "福州市市场监督管理局" in names and "平潭县市场监督管理局" not in names


def test_suggestions_are_for_staff_only(world, client):
    assert client.get("/office/authorities/", {"q": "福州"}).status_code == 302
    client.force_login(world.applicant)
    assert client.get("/office/authorities/", {"q": "福州"}).status_code == 403
