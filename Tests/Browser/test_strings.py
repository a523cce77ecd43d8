"""English/Chinese parity of every UI string table under Public/: i18n.js's own table and every
`addStrings({en: {…}, zh: {…}})` call (the organiser's, the door's, the set-password page's, any new
one). Each table must have the same keys in both languages, no empty value, and the same {placeholders}.

The tables are read from the source files, so a table that is not a plain object literal of string
literals fails here as unreadable rather than being skipped."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

PUBLIC = Path(__file__).resolve().parents[2] / "Public"
STRING = r'"(?:[^"\\\n]|\\.)*"'
ENTRY = re.compile(rf"\s*({STRING})\s*:\s*({STRING})\s*,?")
BLANK = re.compile(r"\s*(?://[^\n]*)?")


def _matching_brace(source: str, start: int) -> int:
    """Index of the `}` closing the `{` at `start`, skipping string literals and comments."""
    depth, i = 0, start
    while i < len(source):
        c = source[i]
        if c in "\"'`":
            i += 1
            while source[i] != c:
                i += 2 if source[i] == "\\" else 1
        elif source.startswith("//", i):
            i = source.index("\n", i)
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise ValueError("unbalanced braces")


def parse_language(body: str) -> dict[str, str]:
    """`"key": "value",` entries (comments and blank lines allowed); anything else is refused."""
    table, position = {}, 0
    while position < len(body):
        blank = BLANK.match(body, position)
        if blank and blank.end() > position:
            position = blank.end()
            continue
        entry = ENTRY.match(body, position)
        if not entry:
            raise ValueError(f"not a plain string entry: {body[position:position + 60]!r}")
        key, value = (json.loads(part.replace("\\'", "'")) for part in entry.groups())
        if key in table:
            raise ValueError(f"key {key!r} twice")
        table[key] = value
        position = entry.end()
    return table


def parse_table(source: str, start: int) -> dict[str, dict[str, str]]:
    """The `{en: {…}, zh: {…}}` object literal whose `{` is at `start`."""
    end = _matching_brace(source, start)
    inner, languages, position = source[start + 1:end], {}, 0
    for match in re.finditer(r"\b(en|zh)\s*:\s*\{", inner):
        if match.start() < position:
            continue
        open_brace = match.end() - 1
        close = _matching_brace(inner, open_brace)
        languages[match.group(1)] = parse_language(inner[open_brace + 1:close])
        position = close
    return languages


def string_tables() -> list[tuple[str, dict]]:
    """(where, {en: …, zh: …}) for i18n.js's table and every addStrings call under Public/."""
    tables = []
    for path in sorted(PUBLIC.rglob("*.js")):
        source = path.read_text(encoding="utf-8")
        where = str(path.relative_to(PUBLIC))
        if path.name == "i18n.js" and (own := re.search(r"const strings = \{", source)):
            tables.append((f"{where} (its own table)", parse_table(source, own.end() - 1)))
        for call in re.finditer(r"\baddStrings\(", source):
            line_start = source.rfind("\n", 0, call.start()) + 1
            if source[:call.start()].rstrip().endswith("function") or "//" in source[line_start:call.start()]:
                continue  # the definition, or a comment about it
            literal = re.compile(r"\s*\{").match(source, call.end())
            assert literal, f"{where}: addStrings(…) without an object literal cannot be checked"
            line = source.count("\n", 0, call.start()) + 1
            tables.append((f"{where}:{line}", parse_table(source, literal.end() - 1)))
    return tables


def placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", text))


def parity_problems(tables) -> list[str]:
    problems = []
    for where, table in tables:
        en, zh = table.get("en"), table.get("zh")
        if en is None or zh is None:
            problems.append(f"{where}: needs both en and zh (has {sorted(table)})")
            continue
        problems += [f"{where}: {key!r} is missing in zh" for key in sorted(en.keys() - zh.keys())]
        problems += [f"{where}: {key!r} is missing in en" for key in sorted(zh.keys() - en.keys())]
        for lang, strings in (("en", en), ("zh", zh)):
            problems += [f"{where}: {key!r} is empty in {lang}" for key, value in strings.items() if not value.strip()]
        problems += [f"{where}: {key!r} has placeholders {sorted(placeholders(en[key]))} in en but {sorted(placeholders(zh[key]))} in zh"
                     for key in sorted(en.keys() & zh.keys()) if placeholders(en[key]) != placeholders(zh[key])]
    return problems


def test_every_string_table_has_the_same_keys_in_english_and_chinese():
    tables = string_tables()
    found = {where.split(":")[0].split(" ")[0] for where, _ in tables}
    # The known tables are found (so a parser that finds nothing cannot pass).
    assert {"assets/js/i18n.js", "assets/admin/strings.js", "assets/admin/door-strings.js", "assets/admin/set-password-strings.js"} <= found, found
    assert all(len(table.get("en", {})) for _, table in tables)
    problems = parity_problems(tables)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("snippet, problem", [
    ('addStrings({ en: { "a": "A", "b": "B" }, zh: { "a": "甲" } });', "'b' is missing in zh"),
    ('addStrings({ en: { "a": "A" }, zh: { "a": "甲", "c": "丙" } });', "'c' is missing in en"),
    ('addStrings({ en: { "a": "A" }, zh: { "a": " " } });', "'a' is empty in zh"),
    ('addStrings({ en: { "a": "Hi {name}" }, zh: { "a": "你好" } });', "placeholders ['name'] in en but [] in zh"),
    ('addStrings({ en: { "a": "A" } });', "needs both en and zh"),
])
def test_the_parity_check_notices_what_is_wrong(snippet, problem):
    start = snippet.index("{")
    problems = parity_problems([("snippet", parse_table(snippet, start))])
    assert any(problem in p for p in problems), problems


def test_a_table_that_is_not_plain_strings_is_refused():
    with pytest.raises(ValueError):
        parse_table('{ en: { "a": someVariable }, zh: { "a": "甲" } }', 0)
