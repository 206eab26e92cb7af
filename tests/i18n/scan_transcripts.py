#!/usr/bin/python3
"""No English left in a translated transcript: runs `pagelab run --lang LANG --detail events` on every
lesson, in Chinese and Russian, and reports
  - a catalogue message left in English (the literal words of any msgid of po/pagelab.pot), and
  - any English word outside the things that are never translated: API names, constants, hex
    values, file names, identifiers and the scenario syntax (docs/terminology.md); the few plain
    words that are identifiers too (policy names, personalities...) are in latin_allowed.txt.

Usage: scan_transcripts.py PAGELAB SOURCE_DIR            (every lesson, zh and ru)
       scan_transcripts.py --text FILE SOURCE_DIR         (scan one transcript file: the self-test)
Needs python3-polib.
"""
import os
import re
import subprocess
import sys

import polib

LANGUAGES = ["zh", "ru"]
PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*(?::[^{}]*)?\}")
# A step's call line ("Step 3: write address=data process=A") is the scenario's own syntax.
CALL_LINE = re.compile(r"^(?:Step|步骤|Шаг) \d+[:：]")
# A passed check: "  ok   KEY = VALUE" (ok translated); values of these keys are the scenario's
# own words (result: ok, fault: demand-zero) or data (file.text).
CHECK_LINE = re.compile(r"^  \S+   ([\w.()\[\]x0-9]+) = (.*)$")
DATA_KEYS = re.compile(r"^(result|fault|returns|process|value|.*\.text|.*\.bytes|.*name.*)$")
# A short English gloss after a translated term, as the terminology allows: 映射页面写出器（mapped page writer）.
GLOSS = re.compile(r"(?:[（(]|[,，] ?)[a-z][a-z-]*(?: [a-z-]+){0,2}[)）]")
CODE = re.compile(r"`[^`]*`|[A-Za-z_]\w*\(")  # `volatile LONG x;`, a call's name: __declspec(allocate(
# A check value that is one word or a list of words (pte.present = true, fault = soft, image-read) is
# the scenario's own vocabulary; a value with a sentence in it is generated text and is scanned.
TOKENS = re.compile(r"^[^\s,]+(?:, [^\s,]+)*$")
QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”|«[^»]*»|'[^']*'")
WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")


def identifier_like(token):
    """API names (VirtualAlloc), constants (PAGE_READWRITE), hex, file names, fields (e_lfanew)."""
    if re.search(r"[0-9_./\\:#=\[\]]", token):
        return True
    if re.fullmatch(r"[A-Z0-9][A-Z0-9-]*s?", token):  # PTE, CR3, TLB, VAD, PTEs, MS-DOS
        return True
    return bool(re.search(r"[a-z][A-Z]", token))  # CamelCase: MapViewOfFile, PageLab


def load_allowed(src):
    path = os.path.join(src, "tests", "i18n", "latin_allowed.txt")
    words = set()
    for line in open(path, encoding="utf-8"):
        line = line.split("#", 1)[0].strip()
        if line:
            words.add(line.lower())
    return words


def message_phrases(src):
    """The literal English runs of every message (three words or more), to spot one left untranslated."""
    phrases = set()
    for e in polib.pofile(os.path.join(src, "po", "pagelab.pot")):
        for text in filter(None, [e.msgid, e.msgid_plural]):
            for part in PLACEHOLDER.split(text):
                part = part.strip(" ,.:;()-")
                if sum(bool(re.fullmatch(r"[a-z]+", w)) for w in part.split()) >= 3:  # prose, not ERROR_ALREADY_EXISTS or copy-on-write
                    phrases.add(part)
    return phrases


def scenario_words(text, yaml_text):
    """The lesson's own names: what its call lines name (as=data, name="notes", text="help data")
    and the names, flags and texts its YAML gives (a section's flags: [data, read, write])."""
    words = set()
    for line in text.splitlines():
        if CALL_LINE.match(line.strip()):
            words.update(w.lower() for w in WORD.findall(line))
    for m in re.finditer(r"(?:\b(?:text|name|as|path|label|flags|process|image|dll|imports)): *(\[[^\]]*\]|\"[^\"]*\"|[^,}\n]+)", yaml_text):
        words.update(w.lower() for w in WORD.findall(m.group(1)))
    return words


def scan(text, allowed, phrases):
    problems = []
    for n, line in enumerate(text.splitlines(), 1):
        for p in phrases:
            if p in line:
                problems.append((n, f"untranslated message text {p!r}", line))
        body = line.strip()
        if CALL_LINE.match(body):
            continue
        m = CHECK_LINE.match(line)
        if m and (DATA_KEYS.match(m.group(1)) or TOKENS.match(m.group(2))):
            continue
        body = GLOSS.sub(" ", QUOTED.sub(" ", CODE.sub(" ", body)))
        tokens = [t.rstrip(".") for t in re.split(r"[\s,;:：，。；（）()、—…?!«»]+", body)]  # a sentence's full stop is not a file name's
        english = [t for t in tokens if t and WORD.fullmatch(t.strip("-'")) and not identifier_like(t) and t.lower().strip("-'") not in allowed]
        english = [t for t in english if not re.fullmatch(r"[A-Za-z]", t)]  # one-letter names: process A, bit P
        if english:
            problems.append((n, "English words " + ", ".join(sorted(set(english))), line))
    return problems


def main():
    args = sys.argv[1:]
    if args[0] == "--text":
        sources = [(args[1], open(args[1], encoding="utf-8").read(), "")]
        src = args[2]
    else:
        pagelab, src = args
        sources = []
        lessons = sorted(f for f in os.listdir(os.path.join(src, "scenarios")) if f.endswith(".yaml") and f != "course.yaml")
        for lang in LANGUAGES:
            for f in lessons:
                path = os.path.join(src, "scenarios", f)
                out = subprocess.run([pagelab, "run", "--lang", lang, "--detail", "events", path], capture_output=True, text=True)
                if out.returncode != 0:
                    print(f"{path} ({lang}): pagelab run exited {out.returncode}: {out.stderr.strip()}")
                sources.append((f"{f} --lang {lang}", out.stdout, open(path, encoding="utf-8").read()))
    allowed = load_allowed(src)
    phrases = message_phrases(src)
    total = 0
    for name, text, yaml_text in sources:
        for n, what, line in scan(text, allowed | scenario_words(text, yaml_text), phrases):
            total += 1
            print(f"{name}:{n}: {what}\n    {line.strip()}")
    print(f"{len(sources)} transcripts scanned, {total} problems")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
