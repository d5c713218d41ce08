#!/usr/bin/env python3
"""Syntax-check Swift files with tree-sitter-swift (no Swift toolchain needed).

    python .ci/swift_check.py FILE.swift [...]

Prints `ok <file>: N nodes` per clean file; otherwise lists `<file>:line:col: ERROR|MISSING ...`
for every error node (or reports an empty/unreadable file) and exits 1.

Whole-line `#if/#elseif/#else/#endif` directives are blanked (same length, so positions hold)
before parsing: tree-sitter-swift parses directives like comments and then rejects an attribute
split from its declaration by `#endif`, which UniFFI emits everywhere:
    #if swift(>=5.8)
    @_documentation(visibility: private)
    #endif
    public struct FfiConverterTypeMoney ...
"""
import re
import sys

import tree_sitter_swift
from tree_sitter import Language, Parser

PARSER = Parser(Language(tree_sitter_swift.language()))
DIRECTIVE = re.compile(rb"^[ \t]*#(?:if|elseif|else|endif)\b.*$", re.M)


def problems(path):
    try:
        with open(path, "rb") as f:
            src = f.read()
    except OSError as e:
        return [f"{path}: {e}"], 0
    if not src.strip():
        return [f"{path}: empty file"], 0
    root = PARSER.parse(DIRECTIVE.sub(lambda m: b" " * len(m[0]), src)).root_node
    found, stack = [], [root]
    while stack:  # only descend into subtrees that contain errors
        node = stack.pop()
        if node.is_error or node.is_missing:
            row, col = node.start_point
            what = f"MISSING {node.type}" if node.is_missing else "ERROR"
            snippet = src[node.start_byte:node.end_byte][:40].decode("utf-8", "replace")
            found.append((row, col, f"{path}:{row + 1}:{col + 1}: {what} {snippet!r}"))
        stack.extend(c for c in node.children if c.has_error or c.is_missing)
    if root.has_error and not found:
        found.append((0, 0, f"{path}: parse error"))
    return [msg for _, _, msg in sorted(found)], root.descendant_count


def main(paths):
    if not paths:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    failed = False
    for path in paths:
        errs, count = problems(path)
        if errs:
            failed = True
            print("\n".join(errs))
        else:
            print(f"ok {path}: {count} nodes")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
