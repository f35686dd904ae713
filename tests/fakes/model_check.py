"""The checks botocore's client-side validator leaves to the service
(max length and value, enum, pattern), worded as AWS's server-side
validation words them, for every AWS fake (ACM, STS, Route 53, the JSON
fakes of awsjson.py): one implementation, so the fakes cannot disagree.

    errs = []
    _constraint_errors(params, shape, "", errs)   # [(path, value, why)]
"""
import re
import unicodedata


def _class_predicate(body):
    """A predicate for a Java character class body that uses \\p{..}
    (Python's re has no Unicode property classes)."""
    cats, chars, i = [], set(), 0
    while i < len(body):
        if body.startswith("\\p{", i):
            j = body.index("}", i)
            cats.append(body[i + 3:j])
            i = j + 1
        elif body[i] == "\\":
            chars.add(body[i + 1])
            i += 2
        else:
            chars.add(body[i])
            i += 1
    return lambda c: c in chars or unicodedata.category(c)[0] in cats


def _compile_pattern(p):
    m = re.fullmatch(r"\(?\[(.*)\]\*\)?", p)
    if m and "\\p{" in m.group(1):
        pred = _class_predicate(m.group(1))
        return lambda s: all(pred(c) for c in s)
    # Java's \w is ASCII-only, hence re.ASCII. Smithy patterns are not
    # anchored, but the service matches the whole value (aws-acm.md §2.0).
    rx = re.compile(p, re.ASCII)
    return lambda s: rx.fullmatch(s) is not None


_PATTERNS = {}


def _pattern_ok(p, s):
    f = _PATTERNS.get(p)
    if f is None:
        f = _PATTERNS[p] = _compile_pattern(p)
    return f(s)


def _camel(name):
    return name[:1].lower() + name[1:]


def _constraint_errors(value, shape, path, out):
    """The checks botocore's client-side validator leaves to the service
    (max length/value, enum, pattern), reported the way AWS's
    server-side validation words them."""
    meta = shape.metadata
    t = shape.type_name
    if t == "structure":
        for k, v in value.items():
            if k in shape.members:
                sub = f"{path}.{_camel(k)}" if path else _camel(k)
                _constraint_errors(v, shape.members[k], sub, out)
        return
    if t == "list":
        if "max" in meta and len(value) > meta["max"]:
            out.append((path, value, "Member must have length less than or "
                                     f"equal to {meta['max']}"))
        for i, v in enumerate(value, 1):
            _constraint_errors(v, shape.member, f"{path}.{i}.member", out)
        return
    if t == "string":
        if "max" in meta and len(value) > meta["max"]:
            out.append((path, value, "Member must have length less than or "
                                     f"equal to {meta['max']}"))
        if shape.enum and value not in shape.enum:
            out.append((path, value, "Member must satisfy enum value set: ["
                                     + ", ".join(shape.enum) + "]"))
        if "pattern" in meta and not _pattern_ok(meta["pattern"], value):
            out.append((path, value, "Member must satisfy regular expression "
                                     f"pattern: {meta['pattern']}"))
        return
    if t in ("integer", "long"):
        if "max" in meta and value > meta["max"]:
            out.append((path, value, "Member must have value less than or "
                                     f"equal to {meta['max']}"))


def _drop_nulls(v):
    # JSON null means "not set" to the service; botocore's validator,
    # written for Python callers, would call it a type error.
    if isinstance(v, dict):
        return {k: _drop_nulls(x) for k, x in v.items() if x is not None}
    if isinstance(v, list):
        return [_drop_nulls(x) for x in v]
    return v
