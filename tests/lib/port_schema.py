"""Port's published API schemas (tests/data/port-openapi, one file per
operation) as validators, for the fake Port and the examples check.

The schemas are the repository's own test data (tests/data/README.md
says where they came from). Port writes its patterns for an
ECMAScript-style engine with \\p{L}; Python's re has no \\p, so patterns
are checked with the `regex` module (Debian python3-regex).

    errs = request_errors("update-an-action-run", body)   # [] when valid
    errs = response_errors("get-an-action-runs-details", 200, body)
    errs = body_errors("create-an-action-automation", action_json)
"""
import functools
import json
import os

import jsonschema
import jsonschema.validators
import regex

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.environ.get("PORT_ACM_ROOT") or os.path.dirname(os.path.dirname(HERE))


SCHEMAS = os.path.join(os.path.dirname(HERE), "data", "port-openapi")


def _pattern(validator, patrn, instance, schema):
    if validator.is_type(instance, "string") and not regex.search(patrn, instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {patrn!r}")


def with_fast_types(cls):
    """cls (a Draft 7 validator class) with Draft 7's own type checks
    looked up in a dict: the same functions, without the persistent map
    behind TYPE_CHECKER (a fifth of the fake Port's time at 10,000
    entities)."""
    checks = {t: cls.TYPE_CHECKER._type_checkers[t]
              for t in ("array", "boolean", "integer", "null", "number",
                        "object", "string")}

    class Fast(cls):
        def is_type(self, instance, type):
            fn = checks.get(type)
            if fn is None:  # not a Draft 7 type: jsonschema's own answer
                return super().is_type(instance, type)
            return fn(self.TYPE_CHECKER, instance)
    return Fast


# Draft 7 is what Port's OpenAPI 3 schemas use (type arrays, no $defs).
_Validator = with_fast_types(jsonschema.validators.extend(
    jsonschema.Draft7Validator, {"pattern": _pattern}))


@functools.lru_cache(maxsize=None)
def operation(name):
    with open(os.path.join(SCHEMAS, name + ".json")) as f:
        return json.load(f)


def _errors(schema, instance):
    v = _Validator(schema)
    return [f"{'/'.join(str(p) for p in e.absolute_path) or '(body)'}: {e.message}"
            for e in sorted(v.iter_errors(instance), key=lambda e: list(e.path))]


def request_schema(name):
    rb = operation(name).get("requestBody") or {}
    return (rb.get("content") or {}).get("application/json", {}).get("schema")


def request_errors(name, body):
    """Why body is not a valid request body of operation name ([] if it is)."""
    schema = request_schema(name)
    if schema is None:
        return [] if body is None else ["the operation takes no body"]
    return _errors(schema, body)


body_errors = request_errors


def response_errors(name, status, body):
    """Why body is not what operation name documents for status."""
    r = operation(name)["responses"].get(str(status))
    if r is None:
        return [f"HTTP {status} is not a documented answer"]
    schema = (r.get("content") or {}).get("application/json", {}).get("schema")
    return [] if schema is None else _errors(schema, body)
