#!/usr/bin/env python3
"""Writes the example programs of a Markdown document to files.

usage: extract_examples.py DOC.md OUTDIR

Each fenced code block right after a line "<!-- example: FILE -->" or
"<!-- output: FILE -->" (a program's expected output) is written to
OUTDIR/FILE. Prints the files written; exits 1 if there are none.
"""
import os
import re
import sys


def main():
    doc, outdir = sys.argv[1], sys.argv[2]
    text = open(doc).read()
    found = re.findall(r"<!-- (?:example|output): ([\w.-]+) -->\n```\w*\n(.*?)\n```\n", text, re.S)
    for name, code in found:
        with open(os.path.join(outdir, name), "w") as f:
            f.write(code + "\n")
        print("wrote " + name)
    return 0 if found else 1


if __name__ == "__main__":
    sys.exit(main())
