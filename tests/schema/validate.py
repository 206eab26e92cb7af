#!/usr/bin/env python3
"""Validates PageLab's YAML files against the JSON Schemas in docs/, with a real JSON Schema
validator (python3-jsonschema), reading YAML the way an editor's language server does (YAML 1.2's
core schema: 0x1000 is a number, yes is a text). ctest runs it (tests/CMakeLists.txt).

  validate.py lessons SCHEMA COURSE_SCHEMA DIR     every DIR/*.yaml validates and declares its schema
  validate.py valid SCHEMA FILE...                 each file validates
  validate.py bad SCHEMA DIR                       the schema rejects every malformed scenario of DIR
                                                   that is a schema-level error, and accepts the ones
                                                   that only PageLab can judge (the table below)

Exit 0 on success, 1 on a finding, 77 (ctest: skipped) when the Python modules are missing and CI
is not set (CI installs them: third_party/setup.sh).
"""
import os
import re
import sys

try:
    import jsonschema
    import yaml
except ImportError as e:
    print(f"validate.py: {e}: install python3-yaml and python3-jsonschema (third_party/setup.sh)")
    sys.exit(1 if os.environ.get("CI") == "true" else 77)

# Files of tests/scenarios/bad/ that a schema cannot refuse: their error needs the file as a
# whole (names bound by earlier steps, processes created before use, budgets summed over the
# file, files that exist on the host, an answer among the choices, a range whose ends are
# compared, an alignment of an address) or bytes that are not YAML text. The schema must accept
# the first kind (so it is not stricter than PageLab) and is not asked about the second.
NOT_SCHEMA_LEVEL = {
    "ask-answer-letter-out-of-range.yaml": "the answer is compared with the number of choices",
    "ask-answer-not-a-choice.yaml": "the answer is compared with the choices",
    "disk-budget.yaml": "a budget summed over the files",
    "file-size-budget.yaml": "a size written with a unit (64 MB) compared with a limit",
    "in-range-reversed.yaml": "two values of the file compared",
    "interlocked-add-unaligned.yaml": "an address's alignment",
    "pe-no-such-file.yaml": "a host file that does not exist",
    "pe-not-a-file.yaml": "a host file that is a device",
    "pe-unreadable.yaml": "a host file that cannot be read",
    "ram-too-small.yaml": "a count written with a unit (2 frames) compared with a limit",
    "read-process-memory-unknown-target.yaml": "a process created by an earlier step",
    "touch-budget.yaml": "a budget summed over the steps",
    "unbound-name.yaml": "a name bound by an earlier step",
    "unbound-value.yaml": "a name bound by an earlier step",
    "unknown-process.yaml": "a process created by an earlier step",
}
NOT_YAML_TEXT = {
    "not-utf8.yaml": "not UTF-8",
    "nul-byte.yaml": "a NUL byte",
    "nested-too-deeply.yaml": "nesting deeper than a YAML reader's stack",
}
YAML_SYNTAX = {"yaml-syntax.yaml"}


class Core12Loader(yaml.SafeLoader):
    """PyYAML reads YAML 1.1 (0777 is octal, yes is true, 2001-01-01 a date); this loader
    resolves plain scalars as YAML 1.2's core schema does, as editors' language servers do."""


Core12Loader.yaml_implicit_resolvers = {}
Core12Loader.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])
Core12Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
Core12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), list("-+0123456789"))
Core12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+0123456789."))


def construct_int(loader, node):
    text = loader.construct_scalar(node)
    if text.startswith("0x"):
        return int(text[2:], 16)
    if text.startswith("0o"):
        return int(text[2:], 8)
    return int(text, 10)


def construct_float(loader, node):
    text = loader.construct_scalar(node).lower()
    if text.endswith(".inf"):
        return float("-inf") if text.startswith("-") else float("inf")
    if text == ".nan":
        return float("nan")
    return float(text)


Core12Loader.add_constructor("tag:yaml.org,2002:int", construct_int)
Core12Loader.add_constructor("tag:yaml.org,2002:float", construct_float)


def load(path):
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=Core12Loader)


def validator(schema_path):
    with open(schema_path, encoding="utf-8") as f:
        import json
        schema = json.load(f)
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def errors(v, path):
    return sorted(v.iter_errors(load(path)), key=lambda e: list(e.absolute_path))


def rules_out(x):
    """Whether error x says its alternative is not the kind of map at hand: another operation
    (do's const), a pause step or a group (do or steps where they do not belong)."""
    if x.validator == "const" and list(x.relative_path)[-1:] == ["do"]:
        return True
    if x.validator == "required" and ("'do'" in x.message or "'steps'" in x.message):
        return True
    return x.validator == "additionalProperties" and ("'do'" in x.message or "'steps'" in x.message)


def deepest(e):
    """The error an editor would underline: inside oneOf/anyOf, the alternative that is the
    map's own kind (its operation), and in it the deepest error."""
    while e.context:
        alternatives = {}
        for x in e.context:
            alternatives.setdefault(x.relative_schema_path[0], []).append(x)
        kept = [errs for errs in alternatives.values() if not any(rules_out(x) for x in errs)]
        pool = kept[0] if len(kept) == 1 else [x for errs in (kept or alternatives.values()) for x in errs]
        e = max(pool, key=lambda x: (len(x.absolute_path), -len(x.context or [])))
    return e


def describe(e):
    e = deepest(e)
    where = "/".join(str(p) for p in e.absolute_path) or "(top)"
    return f"at {where}: {e.message[:200]}"


def node_at(root, path):
    """The YAML node at a JSON path (for its position in the file)."""
    node = root
    for key in path:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == key), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            return None
        if node is None:
            return None
    return node


def points_at(path, e, line, column):
    """Whether the schema's error lies where PageLab's does: the node it names spans LINE:COL."""
    with open(path, encoding="utf-8") as f:
        root = yaml.compose(f, Loader=Core12Loader)
    node = node_at(root, list(deepest(e).absolute_path))
    if node is None:
        return True  # (an empty document: nothing to point at)
    start = (node.start_mark.line + 1, node.start_mark.column + 1)
    end = (node.end_mark.line + 1, node.end_mark.column + 1)
    return start <= (line, column) <= end


def declared_schema(path):
    with open(path, encoding="utf-8") as f:
        first = f.readline().rstrip("\n")
    m = re.match(r"^# yaml-language-server: \$schema=(\S+)$", first)
    return m.group(1) if m else None


def main(argv):
    failures = 0
    mode = argv[1] if len(argv) > 1 else ""
    if mode == "lessons":
        scenario, course, folder = argv[2], argv[3], argv[4]
        vs, vc = validator(scenario), validator(course)
        files = sorted(f for f in os.listdir(folder) if f.endswith(".yaml"))
        for name in files:
            path = os.path.join(folder, name)
            is_course = name == "course.yaml"
            want = course if is_course else scenario
            declared = declared_schema(path)
            if declared is None:
                print(f"{path}:1:1: the first line must be '# yaml-language-server: $schema=...' (the schema for editors)")
                failures += 1
            elif os.path.realpath(os.path.join(folder, declared)) != os.path.realpath(want):
                print(f"{path}:1:1: declares the schema {declared}, which is not {want}")
                failures += 1
            for e in errors(vc if is_course else vs, path):
                print(f"{path}: rejected by the schema {describe(e)}")
                failures += 1
        print(f"{len(files)} files validated, {failures} problems")
    elif mode == "valid":
        v = validator(argv[2])
        for path in argv[3:]:
            for e in errors(v, path):
                print(f"{path}: rejected by the schema {describe(e)}")
                failures += 1
        print(f"{len(argv) - 3} files validated, {failures} problems")
    elif mode == "bad":
        v = validator(argv[2])
        folder = argv[3]
        names = sorted(f for f in os.listdir(folder) if f.endswith(".yaml"))
        for stale in sorted((set(NOT_SCHEMA_LEVEL) | set(NOT_YAML_TEXT) | YAML_SYNTAX) - set(names)):
            print(f"validate.py: the table names {stale}, which is not in {folder}")
            failures += 1
        rejected = accepted = 0
        for name in names:
            path = os.path.join(folder, name)
            if name in NOT_YAML_TEXT:
                continue
            if name in YAML_SYNTAX:
                try:
                    load(path)
                    print(f"{path}: expected a YAML syntax error, but it reads as YAML")
                    failures += 1
                except yaml.YAMLError:
                    rejected += 1
                continue
            found = errors(v, path)
            if name in NOT_SCHEMA_LEVEL:
                accepted += 1
                for e in found:
                    print(f"{path}: only PageLab can judge it ({NOT_SCHEMA_LEVEL[name]}), but the schema rejects it {describe(e)}")
                    failures += 1
            elif not found:
                print(f"{path}: a schema-level error the schema accepts (make the schema stricter, or add the file to "
                      f"NOT_SCHEMA_LEVEL in {os.path.basename(argv[0])} with the reason only PageLab can judge it)")
                failures += 1
            else:
                rejected += 1
                with open(path, encoding="utf-8") as f:
                    m = re.match(r"^# expect: [^:]+:(\d+):(\d+):", f.readline())
                if m and not points_at(path, found[0], int(m.group(1)), int(m.group(2))):
                    print(f"{path}: the schema rejects it, but not where PageLab does ({m.group(1)}:{m.group(2)}): "
                          f"{describe(found[0])}")
                    failures += 1
                else:
                    print(f"ok  {name}: {describe(found[0])}")
        print(f"{rejected} rejected, {accepted} accepted as only PageLab can judge them, {failures} problems")
    else:
        print(__doc__)
        return 2
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
