"""Port's published API schemas (tests/data/port-openapi) as the fake
Port checks bodies against them: an operation's request and response
schemas made usable by jsonschema (_openapi), Port's \\p{L} identifier
pattern (_valid_identifier), and one cached validator per operation and
part (port_schema); `published` is tests/lib/port_schema.py, for
fake_port.
"""
import json
import os
import re
import sys

import jsonschema  # Debian's python3-jsonschema

from .common import PORT_OPENAPI_DIR

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), "lib"))
import port_schema as published  # noqa: E402  (tests/lib/port_schema.py)

ID_EXTRA = set("0123456789@_.+:\\/=-")


def _openapi(name):
    """The request and response schemas of one Port operation from
    tests/data/port-openapi (port-docs' published OpenAPI), made usable
    by jsonschema: the exporter's "circular(...)" markers (recursive
    query schemas) become "any query object"."""
    with open(os.path.join(PORT_OPENAPI_DIR, name + ".json")) as f:
        op = json.load(f)

    def fix(v):
        if isinstance(v, dict):
            if v.get("properties") == "circular()":
                return {"type": "object", "required": ["combinator", "rules"]}
            return {k: fix(x) for k, x in v.items()}
        if isinstance(v, list):
            return [{"type": "object"} if isinstance(x, str)
                    and x.startswith("circular(") else fix(x) for x in v]
        return v
    return fix(op)


def _pattern(validator, pattern, instance, schema):
    # Port's identifier pattern uses \p{L}, which Python's re lacks.
    if not isinstance(instance, str):
        return
    if "\\p{L}" in pattern:
        ok = _valid_identifier(instance)
    else:
        ok = re.search(pattern, instance) is not None
    if not ok:
        yield jsonschema.ValidationError(
            f"{instance!r} does not match {pattern!r}")


_Validator = published.with_fast_types(jsonschema.validators.extend(
    jsonschema.Draft7Validator, {"pattern": _pattern}))
_SCHEMAS = {}


def port_schema(name, part="request", status="200"):
    """A jsonschema validator for an operation's request body (part
    "request") or response (part "response", with status)."""
    key = (name, part, status)
    if key not in _SCHEMAS:
        op = _openapi(name)
        if part == "request":
            sch = op["requestBody"]["content"]["application/json"]["schema"]
        else:
            sch = op["responses"][status]["content"]["application/json"][
                "schema"]
        _SCHEMAS[key] = _Validator(sch)
    return _SCHEMAS[key]


# The ASCII case of the pattern below, in one match (the bench's 10,000
# identifiers were 13% of the fake's time char by char).
_ASCII_ID = re.compile(r"[A-Za-z0-9@_.+:\\/=-]+")


def _valid_identifier(s):
    # port-api.md §5: ^(?!\.{1,2}$)[\p{L}0-9@_.+:\\/=-]+$, ≤ 1000 chars.
    if not (isinstance(s, str) and 0 < len(s) <= 1000 and s not in (".", "..")):
        return False
    if s.isascii():
        return _ASCII_ID.fullmatch(s) is not None
    return all(c.isalpha() or c in ID_EXTRA for c in s)
