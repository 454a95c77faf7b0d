"""``core.inputs.load_json``: its one-pass reading of plain ASCII texts answers exactly what the
two-pass reading answers (the value, or the same error naming the same field)."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from defector.core import inputs
from defector.core.inputs import JsonInputError, load_json


def _two_passes(text: str | bytes) -> Any:
    """The reading every text had before the one-pass reading of plain texts."""
    try:
        decoded = json.loads(
            text, object_pairs_hook=inputs._Pairs, parse_constant=inputs._reject_constant
        )
    except json.JSONDecodeError as exc:
        raise JsonInputError(
            f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except UnicodeDecodeError:
        raise JsonInputError("not valid JSON: the text is not UTF-8") from None
    except ValueError as exc:
        raise JsonInputError(str(exc)) from None
    return inputs._checked(decoded, "")


def _answer(read: Any, text: str | bytes) -> tuple[str, Any, str]:
    try:
        value = read(text)
    except JsonInputError as exc:
        return ("error", str(exc), exc.field)
    return ("value", json.dumps(value), type(value).__name__)


TEXTS: list[str | bytes] = [
    b'{"a":1}',
    b'{"a":1,"a":2}',
    b'{"a":{"b":1,"b":2}}',
    b'[1,2,{"x":[{"y":1,"y":1}]}]',
    b'{"a":NaN}',
    b'{"a":1,"a":2,"b":NaN}',
    b'{"b":-Infinity,"a":1,"a":2}',
    b'{"a":"\\ud800"}',
    b'{"\\udc00":1}',
    b'"\xed\xa0\x80"',
    b'{"a":',
    b'{"a":1,"a":2,',
    b"",
    b"\x00{\x00}",
    b"1e999",
    b'{"a": "\\u00e9"}',
    '{"a":"\ud800"}',
    '{"a":1, "b": [true, false, null, 2.5]}',
    b'\xef\xbb\xbf{"a":1}',
    b'{"k": "caf\xc3\xa9"}',
    b'{"a":1}garbage',
    b'{"facts": {"nationalities": ["SU"], "nationalities": ["CN"]}}',
]


def test_plain_texts_read_in_one_pass_answer_as_in_two() -> None:
    draw = random.Random(3)
    alphabet = b'{}[]":,a1 \\un0dN'
    texts = TEXTS + [
        bytes(draw.choice(alphabet) for _ in range(draw.randrange(1, 14))) for _ in range(2000)
    ]
    for text in texts:
        assert _answer(load_json, text) == _answer(_two_passes, text), text


@pytest.mark.parametrize("text", [b'{"a":{"b":1,"b":2}}', b'{"a":[{"c":1},{"c":2,"c":3}]}'])
def test_a_key_given_twice_is_still_named(text: bytes) -> None:
    with pytest.raises(JsonInputError) as raised:
        load_json(text)
    assert "given twice" in str(raised.value)
    assert raised.value.field in ("a.b", "a[1].c")
