#!/usr/bin/env python3
"""Checks the relative links of the Markdown files under a folder: each
must name a file or folder that exists, and a #fragment a heading of the
Markdown file it names (GitHub's anchors). Links with a scheme (https:,
mailto:) and those inside code are not checked.

usage: check_doc_links.py ROOT [ROOT...]

Run on a source tree and on an install's share/doc/onnx-compile (the
install-cmake-app test does both). Prints each broken link as
FILE:LINE: TARGET: why, and exits 1 if there is one.
"""
import os
import re
import sys
import urllib.parse

# [text](target "title") and ![alt](target); the target ends at a space or
# the closing parenthesis (one level of parentheses inside is allowed).
INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]"  # [text], one level of [] inside
                         r"\(\s*<?([^()\s>]*(?:\([^()\s]*\)[^()\s>]*)*)>?"  # (target
                         r"(?:\s+\"[^\"]*\")?\s*\)")  # "title")
# [label]: target
REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
FENCE = re.compile(r"^\s{0,3}(```|~~~)")
HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
SKIPPED_DIRS = {".git", "__pycache__", "node_modules"}


def markdown_files(root):
    if os.path.isfile(root):
        yield root
        return
    for folder, dirs, files in os.walk(root):
        # Build trees hold copies and generated files.
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith(".")
                         and not (folder == root and d.startswith("build")))
        for name in sorted(files):
            if name.endswith(".md"):
                yield os.path.join(folder, name)


def prose_lines(path, blank_code_spans=True):
    """(line number, text) of the lines outside code blocks (fenced, or
    indented after a blank line), with inline code spans blanked out
    unless `blank_code_spans` is false."""
    fence = None
    previous = "code"  # "blank", "code" or "text"
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            match = FENCE.match(line)
            if match:
                if fence is None:
                    fence = match.group(1)
                elif match.group(1) == fence:
                    fence = None
                previous = "code"
                continue
            if fence is not None:
                continue
            if not line.strip():
                previous = "blank" if previous != "code" else "code"
                continue
            if line.startswith(("    ", "\t")) and previous in ("blank", "code"):
                previous = "code"
                continue
            previous = "text"
            if blank_code_spans:
                line = re.sub(r"(`+)(?:(?!\1).)*?\1", lambda m: " " * len(m.group(0)), line)
            yield number, line


def slug(heading):
    """GitHub's anchor of a heading: lower case, markup and punctuation
    but '-' and '_' dropped, spaces made '-'."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # links: their text
    text = text.replace("`", "").lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


_anchors = {}


def anchors(path):
    if path not in _anchors:
        seen = {}
        found = set()
        for _, line in prose_lines(path, blank_code_spans=False):
            match = HEADING.match(line)
            if not match:
                continue
            base = slug(match.group(1))
            count = seen.get(base, 0)
            seen[base] = count + 1
            found.add(base if count == 0 else f"{base}-{count}")
        _anchors[path] = found
    return _anchors[path]


def links(path):
    for number, line in prose_lines(path):
        for match in INLINE_LINK.finditer(line):
            yield number, match.group(1)
        match = REFERENCE.match(line)
        if match:
            yield number, match.group(1)


def check_link(path, target):
    """Why `target`, a link in the file `path`, is broken; None if it is not."""
    if not target or SCHEME.match(target) or target.startswith("//"):
        return None
    file_part, _, fragment = target.partition("#")
    file_part = urllib.parse.unquote(file_part)
    if file_part.startswith("/"):
        return "an absolute path (breaks in another tree)"
    resolved = os.path.normpath(os.path.join(os.path.dirname(path), file_part)) \
        if file_part else path
    if not os.path.exists(resolved):
        return f"no such file or folder ({resolved})"
    if fragment and resolved.endswith(".md") and os.path.isfile(resolved):
        if urllib.parse.unquote(fragment).lower() not in anchors(resolved):
            return f"no heading with anchor #{fragment} in {os.path.basename(resolved)}"
    return None


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 2
    broken = checked = 0
    for root in argv[1:]:
        for path in markdown_files(root):
            for number, target in links(path):
                if not target or SCHEME.match(target) or target.startswith("//"):
                    continue
                checked += 1
                why = check_link(path, target)
                if why:
                    broken += 1
                    print(f"{os.path.relpath(path, root) if os.path.isdir(root) else path}:"
                          f"{number}: {target}: {why}")
    print(f"{checked} relative links checked, {broken} broken")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
