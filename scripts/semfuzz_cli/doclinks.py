"""`test`'s docs gate: every relative link in README.md and docs/*.md resolves (the file or folder
exists; a `#anchor` is a heading of the page it points to), and every `scripts/semfuzz ...`
command line shown in them (in a code block or an inline code span) parses with the CLI's own
argument parser. Parse only: nothing runs. Also, CI's entry (.ci/run) runs a test command the
README shows, and the README's table of checks names every verdict kind. Each problem is one line, `FILE:LINE: what`."""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import shlex
from pathlib import Path
from typing import Callable, Iterator

from .common import ROOT

DOC_PAGES = ("README.md", "docs/*.md")
LINK = re.compile(r"!?\[[^\]]*\]\(\s*([^)\s]+)(?:\s+\"[^\"]*\")?\s*\)")
INLINE_CODE = re.compile(r"`([^`]+)`")
COMMAND = re.compile(r"(?<![\w/.-])scripts/semfuzz(?![\w/.-])")
SHELL_FENCES = {"sh", "bash", "shell", "console"}
SHELL_SEPARATORS = {"&&", "||", ";", "|", ">", ">>", "<", "2>", "2>&1", "&", ")"}
# Placeholders in a shown command: `FILE`, `TARGET`, `<sha1>`, `"$(nproc)"`, `QT64-...`.
PLACEHOLDER = re.compile(r"^(?:[A-Z][A-Z_]*(?:\.\.\.)?|.*<[^>]*>.*|\$.*|.*\.\.\.)$")


def doc_pages(root: Path = ROOT) -> list[Path]:
    pages: list[Path] = []
    for pattern in DOC_PAGES:
        pages += sorted(root.glob(pattern))
    return pages


def split_fences(text: str) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(prose lines, shell code-block lines), each as (line number, text). Fences are dropped, and
    so are the lines of code blocks in another language or none (a layout listing, a file)."""
    prose, code, fence = [], [], None
    for number, line in enumerate(text.split("\n"), 1):
        if line.lstrip().startswith("```"):
            fence = line.lstrip()[3:].strip() if fence is None else None
            prose.append((number, ""))
        elif fence is None:
            prose.append((number, line))
        elif fence in SHELL_FENCES:
            code.append((number, line))
    return prose, code


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    prose, _ = split_fences(page.read_text())
    seen: dict[str, int] = {}
    found = set()
    for _, line in prose:
        match = re.match(r"#{1,6}\s+(.*?)\s*#*\s*$", line)
        if match:
            base = slug(match[1])
            count = seen.get(base, 0)
            seen[base] = count + 1
            found.add(base if count == 0 else f"{base}-{count}")
    return found


def prose_without_code(prose: list[tuple[int, str]]) -> tuple[str, list[int]]:
    """The prose as one string with inline code spans blanked (same length), and the line number
    of each character's line, so that a match can be reported at its line."""
    text = "\n".join(line for _, line in prose)
    starts = [number for number, line in prose for _ in range(len(line) + 1)]
    return INLINE_CODE.sub(lambda m: " " * len(m[0]), text), starts


def link_problems(page: Path, root: Path = ROOT) -> list[str]:
    prose, _ = split_fences(page.read_text())
    text, line_of = prose_without_code(prose)
    problems = []
    for match in LINK.finditer(text):
        href = match[1]
        if re.match(r"^[a-z][a-z0-9+.-]*:", href):  # https:, mailto: ...: not ours to check
            continue
        where = f"{page.relative_to(root)}:{line_of[match.start()]}"
        path, _, anchor = href.partition("#")
        target = (page.parent / path).resolve() if path else page
        if not target.exists():
            problems.append(f"{where}: link to {href}: {path} does not exist")
        elif anchor and target.suffix == ".md" and target.is_file() and \
                anchor not in anchors(target):
            problems.append(f"{where}: link to {href}: no heading with anchor #{anchor}")
    return problems


def shown_commands(page: Path) -> Iterator[tuple[int, str]]:
    """(line, text after `scripts/semfuzz`) for every command shown in the page: each code-block
    line (a trailing backslash continues it) and each inline code span (it may wrap lines)."""
    prose, code = split_fences(page.read_text())
    pending, first = "", 0
    for number, line in code:
        if line.rstrip().endswith("\\"):
            pending, first = pending + line.rstrip()[:-1] + " ", first or number
            continue
        yield from _commands_in(first or number, re.sub(r"(^|\s)#.*$", "", pending + line))
        pending, first = "", 0
    text = "\n".join(line for _, line in prose)
    line_of = [number for number, line in prose for _ in range(len(line) + 1)]
    for span in INLINE_CODE.finditer(text):
        yield from _commands_in(line_of[span.start()], span[1].replace("\n", " "))


def _commands_in(number: int, text: str) -> Iterator[tuple[int, str]]:
    for match in COMMAND.finditer(text):
        yield number, text[match.end():]


def arguments(rest: str) -> list[str]:
    """The command's arguments: shell words up to a separator or comment, optional parts of a
    synopsis (`[--quick]`) unbracketed."""
    try:
        words = shlex.split(rest, comments=True)
    except ValueError:  # an unbalanced quote: take the words as they stand
        words = rest.split()
    out = []
    for word in words:
        if word in SHELL_SEPARATORS or word.startswith((">", "2>")):
            break
        word = word.strip("[]")
        if word:
            out.append(word)
    return out


def _value_for(option: str, sub: argparse.ArgumentParser) -> str:
    """A stand-in for a placeholder given to `option` (or a positional when option is empty)."""
    action = sub._option_string_actions.get(option) if option else None
    if action is None:
        positionals = [a for a in sub._actions if not a.option_strings and a.dest != "verb"]
        action = positionals[0] if positionals else None
    if action is not None and action.choices:
        return next(iter(action.choices))
    if action is not None and action.type is not None:
        return "1"
    return "placeholder"


def parse_problem(words: list[str], top: argparse.ArgumentParser) -> str:
    """'' when the words parse (placeholders replaced by a value of the right kind), otherwise
    the parser's message."""
    verbs = next(a for a in top._actions if isinstance(a, argparse._SubParsersAction))
    words = list(words)
    if words and PLACEHOLDER.match(words[0]):  # `scripts/semfuzz VERB --help`
        words[0] = next(iter(verbs.choices))
    sub = verbs.choices.get(words[0]) if words else None
    for i, word in enumerate(words[1:], 1):
        if sub is not None and PLACEHOLDER.match(word):
            previous = words[i - 1] if words[i - 1].startswith("--") else ""
            words[i] = _value_for(previous, sub)
    errors = io.StringIO()
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(errors):
            top.parse_args(words)
    except SystemExit as stop:
        if stop.code:
            lines = errors.getvalue().strip().splitlines()
            return lines[-1] if lines else f"exit status {stop.code}"
    return ""


def command_problems(page: Path, parser: Callable[[], argparse.ArgumentParser],
                     root: Path = ROOT) -> list[str]:
    top = parser()
    problems = []
    for number, rest in shown_commands(page):
        words = arguments(rest)
        problem = parse_problem(words, top)
        if problem:
            shown = " ".join(["scripts/semfuzz", *words])
            problems.append(f"{page.relative_to(root)}:{number}: `{shown}`: {problem}")
    return problems


def ci_problems(root: Path = ROOT) -> list[str]:
    """Each `scripts/semfuzz` command of .ci/run that is not a command line of a README.md code
    block (CI runs the README's test command)."""
    ci = root / ".ci" / "run"
    if not ci.is_file():
        return []
    _, code = split_fences((root / "README.md").read_text())
    shown = {re.sub(r"(^|\s)#.*$", "", line).strip() for _, line in code}
    return [f".ci/run:{number}: `{line.strip()}` is not a command README.md shows"
            for number, line in enumerate(ci.read_text().split("\n"), 1)
            if COMMAND.match(line.strip()) and line.strip() not in shown]


def verdict_problems(root: Path = ROOT) -> list[str]:
    """Each verdict kind of the harness (the X(id, "name", ...) table that defines
    SEMFUZZ_VERDICT_KINDS under fuzz/) that README.md's table of checks does not name."""
    tables = [h for h in sorted(root.glob("fuzz/**/*.h"))
              if "#define SEMFUZZ_VERDICT_KINDS" in h.read_text(errors="replace")]
    if not tables:
        return []
    names = re.findall(r'X\(\w+, "([a-z-]+)"', tables[0].read_text())
    readme = (root / "README.md").read_text()
    return [f"README.md: the verdict `{name}` ({tables[0].relative_to(root)}) is not in its table "
            "of checks" for name in names if f"`{name}`" not in readme]


def docs_problems(root: Path = ROOT) -> list[str]:
    """Every broken link and every command that does not parse, in README.md and docs/*.md, and
    a CI command the README does not show."""
    from .cli import parser  # cli imports the verbs, which import this module's neighbours
    problems = ci_problems(root) + verdict_problems(root)
    for page in doc_pages(root):
        problems += link_problems(page, root) + command_problems(page, parser, root)
    return problems
