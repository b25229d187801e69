"""Normalisation of names and codes, and the subject search method.

Views and the API call `disclosure.selectors.subjects_search`, which delegates
here, so the search method can change without touching them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

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


def normalize_name(raw: str) -> str:
    """The form names are stored and searched in.

    NFKC folds full-width letters, digits and brackets; OpenCC turns
    traditional characters into simplified ones; case and spacing are folded.
    """
    text = unicodedata.normalize("NFKC", raw)
    text = _t2s().convert(text)
    return _WHITESPACE.sub(" ", text).strip().lower()
