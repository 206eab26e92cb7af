#!/usr/bin/python3
"""Every message PageLab's code marks for translation is translated into every language, with the
same named placeholders as the English (a translation that drops or misspells {frame} would make
fmt throw at run time), and po/pagelab.pot is up to date with the code.

Usage: check_catalogue.py SOURCE_DIR   (needs xgettext and python3-polib, third_party/setup.sh)
"""
import os
import re
import subprocess
import sys
import tempfile

import polib

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?::[^{}]*)?\}")
LANGUAGES = ["zh", "ru"]


def names(text):
    return sorted(set(PLACEHOLDER.findall(text)))


def extract(src):
    files = []
    for top in ("emulator", "ui"):
        for root, _, fs in os.walk(os.path.join(src, top)):
            files += [os.path.join(root, f) for f in fs if f.endswith((".cpp", ".h"))]
    files.sort()
    with tempfile.NamedTemporaryFile(suffix=".pot", delete=False) as t:
        out = t.name
    subprocess.run(["xgettext", "--from-code=UTF-8", "--language=C++", "--keyword=tr", "--keyword=trn:1,2",
                    "--keyword=N_", "--keyword=trf:1", "--keyword=trfn:1,2", "-o", out] + files, check=True, cwd=src)
    pot = polib.pofile(out)
    os.unlink(out)
    return pot


def main():
    src = sys.argv[1]
    problems = []
    fresh = extract(src)
    wanted = {(e.msgid, e.msgid_plural) for e in fresh if e.msgid}
    committed = {(e.msgid, e.msgid_plural) for e in polib.pofile(os.path.join(src, "po", "pagelab.pot")) if e.msgid}
    for m in sorted(wanted - committed):
        problems.append(f"po/pagelab.pot: missing {m[0]!r} (run: cmake --build build --target pot)")
    for m in sorted(committed - wanted):
        problems.append(f"po/pagelab.pot: {m[0]!r} is no longer in the code (run: cmake --build build --target pot)")
    for lang in LANGUAGES:
        path = os.path.join(src, "po", f"{lang}.po")
        po = {(e.msgid, e.msgid_plural): e for e in polib.pofile(path) if e.msgid and not e.obsolete}
        for key in sorted(wanted):
            e = po.get(key)
            where = f"po/{lang}.po: {key[0]!r}"
            if e is None:
                problems.append(f"{where} is missing (run: msgmerge -U po/{lang}.po po/pagelab.pot)")
                continue
            if "fuzzy" in e.flags:
                problems.append(f"{where} is marked fuzzy")
            forms = list(e.msgstr_plural.values()) if key[1] else [e.msgstr]
            if not forms or any(not f for f in forms):
                problems.append(f"{where} is not translated")
                continue
            want = names(key[1] or key[0])
            for f in forms:
                if names(f) != want and not (key[1] and set(names(f)) <= set(want)):
                    problems.append(f"{where}: placeholders {names(f)} differ from the English {want}")
    for p in problems:
        print(p)
    print(f"{len(wanted)} messages, {len(LANGUAGES)} languages, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
