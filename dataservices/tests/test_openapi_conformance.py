"""schemathesis: every operation of the OpenAPI document, bounded examples.

Runs in-process against the WSGI application: no 5xx, every response
(status, content type, body) conforms to the published schema, and schema
and code agree on what is valid: a request the schema allows is accepted,
one it forbids is refused with 4xx.
"""

from __future__ import annotations

import datetime as dt

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from stdnum.cn import uscc

from creditportal.wsgi import application
from dataservices.tests.helpers import make_subject, publish_listing, publish_record
from disclosure import feed

USCC_BODY = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _with_check_character(first17: str) -> str:
    return first17 + uscc.calc_check_digit(first17)


# `format: uscc` in the schema: a code with a valid check character, which a
# pattern cannot express (GB 32100-2015).
schemathesis.openapi.format(
    "uscc",
    st.builds(
        lambda region, body: _with_check_character("91" + region + body),
        st.sampled_from(["350181", "350100", "110105"]),
        st.text(USCC_BODY, min_size=9, max_size=9),
    ),
)
# `format: feed-cursor`: a cursor the change feed issued (opaque to clients).
schemathesis.openapi.format(
    "feed-cursor",
    st.builds(lambda txid, event: feed.encode_cursor((txid, event)), st.integers(0, 2**63 - 1), st.integers(0, 2**63 - 1)),
)
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)


@pytest.fixture
def keep_connection():
    """Like Django's test client: the WSGI app must not close the test's
    connection (and its transaction) at the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def data(db, settings, keep_connection):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "100000/min"}}
    subject = make_subject("马尾示例船舶有限公司")
    publish_record(subject=subject, decided_on=dt.date(2026, 6, 1))
    publish_listing(subject=subject, credit_list="abnormal_operation")


@pytest.mark.usefixtures("data")
@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_the_api_conforms_to_its_openapi_document(case):
    case.call_and_validate(
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
            negative_data_rejection,
        ]
    )
