"""Fill empty msgstr entries of a .po file from a JSON glossary (msgid -> translation).

Used by maintainers after `django-admin makemessages`: keeps translations in one
reviewable JSON file (tools/zh_hans.json), which wins over whatever the .po holds.
Plural entries take the same translation for every form (Chinese has one form).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path


def _unquote(lines: list[str]) -> str:
    return "".join(json.loads(line) for line in lines)


def _set_msgstr(block: str, quoted: str) -> str:
    """Replace the whole msgstr, continuation lines included.

    A translation that makemessages wrapped over several lines must be replaced,
    not kept and added to again on the next run.
    """
    block = re.sub(r'^msgstr (?:".*"\n?)+', lambda _: f"msgstr {quoted}\n", block, flags=re.M)
    return re.sub(
        r'^msgstr\[(\d)\] (?:".*"\n?)+',
        lambda found: f"msgstr[{found.group(1)}] {quoted}\n",
        block,
        flags=re.M,
    )


def fill(po_path: Path, glossary: dict[str, str]) -> tuple[int, list[str]]:
    text = po_path.read_text(encoding="utf-8")
    blocks = text.split("\n\n")
    filled, missing = 0, []
    for i, block in enumerate(blocks):
        m = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        if not m or block.lstrip().startswith('msgid ""\nmsgstr ""\n"Project'):
            continue
        msgid = _unquote(re.findall(r'".*"', m.group(1)))
        if not msgid:
            continue
        context = re.search(r'^msgctxt ((?:".*"\n?)+)', block, re.M)
        if context:
            # pgettext entries are keyed "context\u0004msgid", as gettext stores them.
            msgid = _unquote(re.findall(r'".*"', context.group(1))) + "\x04" + msgid
        translation = glossary.get(msgid)
        if translation is None:
            missing.append(msgid)
            continue
        quoted = json.dumps(translation, ensure_ascii=False)
        block = _set_msgstr(block, quoted)
        # makemessages may have guessed from a similar msgid: drop the guess's hints.
        block = "\n".join(line for line in block.splitlines() if not line.startswith("#|"))
        block = block.replace("#, fuzzy\n", "").replace(", fuzzy", "").rstrip("\n")
        blocks[i] = block
        filled += 1
    po_path.write_text("\n\n".join(blocks), encoding="utf-8")
    return filled, missing


if __name__ == "__main__":
    po, glossary_file = Path(sys.argv[1]), Path(sys.argv[2])
    count, missing = fill(po, json.loads(glossary_file.read_text(encoding="utf-8")))
    print(f"filled {count}; missing {len(missing)}")
    for msgid in missing:
        print("  missing:", msgid)
