#!/usr/bin/env python3
"""Every record of every session file is in the database exactly once.

Usage: check-db.py PSQL-COMMAND BOARD=DIR [BOARD=DIR ...]

For each board and each *.jsonl file in its directory: every complete,
non-blank line (its number is its line number) must be either in `records`
(with the line's exact text) or in `sync_refused`, and nothing else may be
stored for the file. Prints one line per problem and a summary; exits 1 on any.
"""
import base64
import os
import subprocess
import sys


def query(psql, sql):
    out = subprocess.run(psql + ["-At", "-F", "\t", "-c", sql], check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def main():
    psql = sys.argv[1].split()
    boards = dict(arg.split("=", 1) for arg in sys.argv[2:])
    problems = []
    total = 0
    for board, directory in boards.items():
        stored = {}
        for b, f, n, raw in query(psql, "SELECT board, file, n, replace(encode(convert_to(raw, 'UTF8'), 'base64'), E'\\n', '') FROM records "
                                        f"WHERE board = '{board}'"):
            stored.setdefault(f, {})[int(n)] = base64.b64decode(raw).decode()
        refused = {}
        for f, n in query(psql, f"SELECT file, n FROM sync_refused WHERE board = '{board}'"):
            refused.setdefault(f, set()).add(int(n))
        files = sorted(name for name in os.listdir(directory) if name.endswith(".jsonl") and not name.startswith("."))
        for name in files:
            with open(os.path.join(directory, name), "rb") as fh:
                data = fh.read()
            complete = data[: data.rfind(b"\n") + 1].split(b"\n")[:-1]
            want = {i + 1: line.decode() for i, line in enumerate(complete) if line}
            have = stored.pop(name, {})
            gone = refused.pop(name, set())
            total += len(want)
            for n, text in want.items():
                if n in have and n in gone:
                    problems.append(f"{board}/{name}:{n}: both stored and refused")
                elif n in have:
                    if have[n] != text:
                        problems.append(f"{board}/{name}:{n}: stored text differs")
                elif n not in gone:
                    problems.append(f"{board}/{name}:{n}: missing")
            for n in set(have) | gone:
                if n not in want:
                    problems.append(f"{board}/{name}:{n}: in the database but not a complete line of the file")
        for name in set(stored) | set(refused):
            problems.append(f"{board}/{name}: in the database, not in the directory")
    for p in problems[:40]:
        print("  " + p)
    print(f"check-db: {total} records in {len(boards)} boards, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
