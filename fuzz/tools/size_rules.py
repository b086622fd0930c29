#!/usr/bin/env python3
"""Lists the C++ files and functions of fuzz/ that break the size rules.

The rules: no C++ file outside tests over 400 lines, no function over 60 lines. A test is a file
under a tests/ folder or named *_test.cc; tests are left out of both rules. A function's length is
the lines from the line of its body's opening brace to the line of its closing brace, both
counted; a lambda or a local class counts as part of the function that holds it.

Functions are found by a brace-matching pass over the text with comments, string and character
literals blanked out (no compiler needed): a brace opened at namespace or class level whose
declaration ends in a parameter list, optionally followed by const, override, final, noexcept,
mutable, ref-qualifiers or a trailing return type, opens a function body; a brace after a
constructor's member-initialiser (`x_{...}`) does not. It reads macros such as TEST(...) {...} as
functions too. It can be fooled by code that preprocessing would change (a brace inside #if).

Usage: fuzz/tools/size_rules.py [--max-file N] [--max-function N] [PATH...]
(default: the fuzz/ folder of this checkout). Prints one line per offender, longest first within
each rule, and exits 1 if there is any, 0 if none.
"""
import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SUFFIXES = (".h", ".cc", ".cpp", ".hpp")
QUALIFIERS = re.compile(
    r"\s*((const|override|final|noexcept|mutable|volatile|&&|&)\s*)*(->\s*[\w:<>,\s*&]+)?\s*")
NOT_FUNCTIONS = ("if", "for", "while", "switch", "catch", "return", "sizeof", "decltype",
                 "alignof", "requires")


def is_test(path: Path) -> bool:
    return "tests" in path.parts or path.name.endswith("_test.cc")


def blank(text: str) -> str:
    """The text with comments and string / character literals replaced by spaces (newlines kept)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == "R" and text.startswith('R"', i) and (i == 0 or not text[i - 1].isalnum()):
            k = text.find("(", i)
            delimiter = ")" + text[i + 2:k] + '"'
            j = text.find(delimiter, k)
            j = n if j < 0 else j + len(delimiter)
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c in "\"'":
            # a digit separator (1'000) is no character literal
            if c == "'" and i > 0 and text[i - 1].isalnum() and i + 1 < n and text[i + 1].isalnum():
                out.append(" ")
                i += 1
                continue
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(c + " " * (j - i - 2) + c if j - i >= 2 else " " * (j - i))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def function_name(declaration: str):
    """The name of the function a declaration (text before a brace) declares, or None."""
    declaration = re.sub(r"#[^\n]*", " ", declaration).strip()
    if not declaration.endswith(")") and ")" not in declaration:
        return None
    close = declaration.rfind(")")
    if not QUALIFIERS.fullmatch(declaration[close + 1:]):
        return None
    depth = 0
    for k in range(close, -1, -1):
        depth += {")": 1, "(": -1}.get(declaration[k], 0)
        if depth == 0:
            break
    else:
        return None
    head = declaration[:k].rstrip()
    if re.search(r"(^|\s)(concept|namespace|class|struct|union|enum)\s", " " + head.split("\n")[-1]):
        if not re.search(r"\boperator\b", head):
            return None
    if re.search(r"=\s*$", head) or head.endswith("]"):
        return None  # an initialiser, or a lambda's capture list
    match = re.search(r"(operator\s*\S+|~?[A-Za-z_]\w*)\s*(<[^<>]*>)?$", head)
    if not match or match.group(1) in NOT_FUNCTIONS:
        return None
    return match.group(1)


def functions(text: str):
    """(name, first line, last line) of each function body in the C++ text."""
    code = blank(text)
    found = []
    stack = []  # per open brace: ("function", name, line) or ("scope",) or ("block",)
    start = 0  # where the current declaration began
    line = 1
    for i, c in enumerate(code):
        if c == "\n":
            line += 1
        elif c == ";":
            if not any(kind[0] == "function" for kind in stack):
                start = i + 1
        elif c == "{":
            inside = any(kind[0] == "function" for kind in stack)
            declaration = code[start:i]
            if inside:
                stack.append(("block",))
                continue
            tail = declaration.rstrip()
            if re.search(r"\)\s*:", declaration) and re.search(r"[\w>]$", tail):
                stack.append(("init",))  # a member initialiser x_{...} before the body
                continue
            name = function_name(declaration)
            stack.append(("function", name, line) if name else ("scope",))
            start = i + 1
        elif c == "}" and stack:
            kind = stack.pop()
            if kind[0] == "function":
                found.append((kind[1], kind[2], line))
            if kind[0] != "init" and not any(k[0] == "function" for k in stack):
                start = i + 1
    return found


def main(argv) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--max-file", type=int, default=400)
    parser.add_argument("--max-function", type=int, default=60)
    parser.add_argument("paths", nargs="*", type=Path, default=[ROOT / "fuzz"])
    args = parser.parse_args(argv)
    files = []
    for path in args.paths:
        if not path.exists():
            parser.error(f"{path}: no such file or folder")
        files += sorted(p for p in ([path] if path.is_file() else path.rglob("*"))
                        if p.suffix in SUFFIXES and not is_test(p))
    long_files, long_functions = [], []
    for path in files:
        text = path.read_text(errors="replace")
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        lines = text.count("\n") + (not text.endswith("\n") and text != "")
        if lines > args.max_file:
            long_files.append((lines, f"{shown}: {lines} lines (at most {args.max_file})"))
        for name, first, last in functions(text):
            length = last - first + 1
            if length > args.max_function:
                long_functions.append(
                    (length, f"{shown}:{first}: {name}: {length} lines (at most {args.max_function})"))
    for _, message in sorted(long_files, reverse=True) + sorted(long_functions, reverse=True):
        print(message)
    return 1 if long_files or long_functions else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
