"""Normalisation of names and codes, and the subject search method.

Views and the API call `disclosure.selectors.subjects_search`, which delegates
here, so the search method can change without touching them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Length
from stdnum.cn import ric as stdnum_ric
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

from disclosure.models import Subject, SubjectFormerName

_WHITESPACE = re.compile(r"\s+")
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_SHAPE = re.compile(rf"^[{USCC_ALPHABET}]{{18}}$")


class InvalidCode(ValueError):
    """A unified social credit code that fails the format or check."""


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def normalize_code(raw: str) -> str:
    """Spaces removed, full-width to half-width, upper case."""
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", raw)).upper()


def validate_uscc(raw: str) -> str:
    """The normalised code, or InvalidCode saying what is wrong with it.

    The check character (GB 32100-2015) is verified by python-stdnum.
    """
    code = normalize_code(raw)
    if len(code) != 18:
        raise InvalidCode(f"a unified social credit code has 18 characters, this one has {len(code)}")
    if not _USCC_SHAPE.match(code):
        raise InvalidCode("contains characters a unified social credit code cannot have (I, O, S, V, Z or symbols)")
    try:
        stdnum_uscc.validate(code)
    except InvalidChecksum:
        raise InvalidCode("the check character (18th) does not match: the code is mistyped") from None
    except (InvalidFormat, InvalidLength, InvalidComponent):
        raise InvalidCode("is not a valid unified social credit code") from None
    return code


def looks_like_code(raw: str) -> bool:
    """True when the input is shaped like a complete USCC (maybe a bad one)."""
    return len(normalize_code(raw)) == 18 and bool(_USCC_SHAPE.match(normalize_code(raw)))


def code_problem(raw: str) -> str | None:
    """None for a valid USCC; "checksum" when only the check character is
    wrong (a typing error); "invalid" for anything else."""
    try:
        validate_uscc(raw)
    except InvalidCode:
        code = normalize_code(raw)
        if looks_like_code(code) and stdnum_uscc.calc_check_digit(code[:17]) != code[17]:
            return "checksum"
        return "invalid"
    return None


def normalize_name(raw: str) -> str:
    """The form names are stored and searched in.

    NFKC folds full-width letters, digits and brackets; OpenCC turns
    traditional characters into simplified ones; case and spacing are folded.
    """
    text = unicodedata.normalize("NFKC", raw)
    text = _t2s().convert(text)
    return _WHITESPACE.sub(" ", text).strip().lower()


# --- The search method -------------------------------------------------------
#
# Ranks, best first. Current names rank before former names; within each, an
# exact match before a prefix match before a match anywhere in the name.
RANK_EXACT = 0
RANK_PREFIX = 1
RANK_CONTAINS = 2
RANK_FORMER_EXACT = 3
RANK_FORMER_PREFIX = 4
RANK_FORMER_CONTAINS = 5
RANK_CODE_PREFIX = 6

# A partial code (at least this many leading characters of a USCC) also finds
# subjects by their code; shorter inputs are too unspecific to be useful.
_MIN_CODE_PREFIX = 8
_PARTIAL_CODE = re.compile(rf"^[{USCC_ALPHABET}]{{{_MIN_CODE_PREFIX},17}}$")
# Resident identity numbers: 17 digits and a digit or X. Never searchable.
_IDENTITY_NUMBER = re.compile(r"^\d{17}[\dX]$")


def looks_like_identity_number(raw: str) -> bool:
    """True for a resident identity number (GB 11643: shape, birth date and
    check digit), so that the page can say why it is not searched for. A
    mistyped all-digit USCC fails this and gets the code's own message."""
    code = normalize_code(raw)
    return bool(_IDENTITY_NUMBER.match(code)) and stdnum_ric.is_valid(code)


def subjects_matching(query: str) -> QuerySet[Subject]:
    """Subjects whose current or former name contains `query`, ranked.

    Both sides are compared in `normalize_name` form (simplified, half-width,
    lower case), so traditional or full-width input finds the stored names.
    The result carries a `search_rank` annotation (RANK_* above) and is
    ordered by it, then by shorter name (a closer match), then by name.

    Only names (and, for 8+ characters, the leading part of a USCC) are
    matched: identity numbers are never compared with the query.

    Method and its trade-off. The match is a substring test, `search_name
    LIKE '%q%'`, on `Subject.search_name` and `SubjectFormerName.search_name`:
    - SQLite: a scan of the name column; fine for a local or demo database.
    - PostgreSQL: migration 0004/0005 adds GIN `gin_trgm_ops` indexes on both
      columns, which serve LIKE '%q%' when q has at least 3 characters (one
      full trigram). pg_trgm cannot serve a 1- or 2-character pattern, which
      is the most common Chinese query ("福州", "华为"): those fall back to a
      sequential scan of the names.
    Measured (PostgreSQL 15, 500,000 synthetic subjects, first result page
    with its count): "华信" 227 hits 320 ms (scan); "福州市华" 946 hits
    120 ms (index); a 3-character miss 12-20 ms (index); "有限公司", which
    matches 80% of all names, 3 s (scan, then ranking 400,000 rows). If the
    performance measurement at scale finds the 2-character case too slow,
    the alternatives are a bigram (n=2) index such as pg_bigm, or a GIN index
    on an array of a name's 2-character substrings (an immutable SQL
    function over search_name); either can replace this function without
    touching views, selectors or the API.
    """
    q = normalize_name(query)
    if not q:
        return Subject.objects.none()
    former = SubjectFormerName.objects.filter(subject=OuterRef("pk"))
    # A UNION of ids rather than an OR across two tables: each branch can then
    # use its own trigram index on PostgreSQL (an OR forces a scan).
    matching_ids = Subject.objects.filter(search_name__contains=q).values("pk")
    branches = [SubjectFormerName.objects.filter(search_name__contains=q).values("subject_id")]
    code = normalize_code(query)
    if _PARTIAL_CODE.match(code):
        branches.append(Subject.objects.filter(uscc__startswith=code).values("pk"))
    matches = Q(pk__in=matching_ids.union(*branches))
    whens = [
        When(search_name=q, then=Value(RANK_EXACT)),
        When(search_name__startswith=q, then=Value(RANK_PREFIX)),
        When(search_name__contains=q, then=Value(RANK_CONTAINS)),
        When(Exists(former.filter(search_name=q)), then=Value(RANK_FORMER_EXACT)),
        When(Exists(former.filter(search_name__startswith=q)), then=Value(RANK_FORMER_PREFIX)),
        When(Exists(former.filter(search_name__contains=q)), then=Value(RANK_FORMER_CONTAINS)),
    ]
    return (
        Subject.objects.filter(matches)
        .annotate(
            search_rank=Case(*whens, default=Value(RANK_CODE_PREFIX), output_field=IntegerField()),
            name_length=Length("search_name"),
        )
        .order_by("search_rank", "name_length", "name", "pk")
    )
