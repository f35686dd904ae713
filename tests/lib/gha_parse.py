"""What a GitHub Actions step leaves behind, parsed as the runner parses
it: the GITHUB_OUTPUT file (parse_outputs, strict, as the runner's
FileCommandManager) and the ::workflow-commands:: in stdout and stderr
(parse_commands). Used by harness.Result and by the suites that read a
step's files themselves (e.g. the bench); harness re-exports both.
"""
import re


class OutputsError(ValueError):
    pass


def parse_outputs(text):
    """Parses a GITHUB_OUTPUT file strictly, as the runner does
    (FileCommandManager EnvFileKeyValuePairs): NAME=value lines or
    NAME<<DELIM / value lines / DELIM. Returns a dict; a name written
    twice keeps the last value but is reported in .duplicates."""
    out = {}
    dups = []
    if text == "":
        return out, dups
    if not text.endswith("\n"):
        raise OutputsError("file does not end with a newline")
    lines = text[:-1].split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if line == "":
            i += 1
            continue
        eq = line.find("=")
        hd = line.find("<<")
        if hd >= 0 and (eq < 0 or hd < eq):
            name, delim = line[:hd], line[hd + 2:]
            if not name or not delim:
                raise OutputsError(f"line {i + 1}: empty name or delimiter: {line!r}")
            j = i + 1
            while j < len(lines) and lines[j] != delim:
                j += 1
            if j >= len(lines):
                raise OutputsError(f"line {i + 1}: matching delimiter {delim!r} not found")
            value = "\n".join(lines[i + 1:j])
            i = j + 1
        elif eq >= 0:
            name, value = line[:eq], line[eq + 1:]
            if not name:
                raise OutputsError(f"line {i + 1}: empty name")
            i += 1
        else:
            raise OutputsError(f"line {i + 1}: neither NAME=value nor NAME<<DELIM: {line!r}")
        if name in out:
            dups.append(name)
        out[name] = value
    return out, dups


CMD_RE = re.compile(r"^\s*::([A-Za-z][A-Za-z0-9-]*)(?: ([^:]*))?::(.*)$")


def _unescape_data(s):
    return s.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def _unescape_prop(s):
    return (s.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":")
            .replace("%2C", ",").replace("%25", "%"))


class Command:
    def __init__(self, stream, index, name, props, message, raw):
        self.stream, self.index, self.name = stream, index, name.lower()
        self.props, self.message, self.raw = props, message, raw

    def __repr__(self):
        return f"Command({self.stream}:{self.index} {self.name} {self.props} {self.message!r})"


def parse_commands(text, stream):
    cmds = []
    for i, line in enumerate(text.split("\n")):
        m = CMD_RE.match(line)
        if not m:
            continue
        props = {}
        if m.group(2):
            for kv in m.group(2).split(","):
                if "=" in kv:
                    k, v = kv.split("=", 1)
                    props[k.strip()] = _unescape_prop(v)
        cmds.append(Command(stream, i, m.group(1), props, _unescape_data(m.group(3)), line))
    return cmds
