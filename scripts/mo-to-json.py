#!/usr/bin/python3
"""A compiled message catalogue (.mo) as JSON, for the browser build (docs/web.md).

emscripten 3.1.6's musl gettext reads out of bounds in __mo_lookup, so the wasm builds look
messages up in this JSON instead (emulator/i18n/I18n.cpp, #ifdef __EMSCRIPTEN__):
    {"messages": {msgid: translation}, "plurals": {singular: [form0, form1, ...]}}
The .mo is read by Python's own gettext module (no parser of ours); its header (msgid "") is left
out, and the plural rule is the language's, in I18n.cpp.
    mo-to-json.py IN.mo OUT.json
"""
import gettext
import json
import sys


def main(mo_path, json_path):
    with open(mo_path, "rb") as f:
        catalog = gettext.GNUTranslations(f)._catalog
    messages, plurals = {}, {}
    for key, text in catalog.items():
        if isinstance(key, tuple):  # (singular, form index) -> that plural form
            singular, index = key
            forms = plurals.setdefault(singular, [])
            forms.extend([""] * (index + 1 - len(forms)))
            forms[index] = text
        elif key:  # "" is the catalogue's header
            messages[key] = text
    with open(json_path, "w", encoding="utf-8") as f:
        json.dump({"messages": messages, "plurals": plurals}, f, ensure_ascii=False, sort_keys=True)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: mo-to-json.py IN.mo OUT.json")
    main(sys.argv[1], sys.argv[2])
