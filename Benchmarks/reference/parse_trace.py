#!/usr/bin/env python3
"""Plain Python reference for the trace parser, run by holdfast-bench.

Does what TraceReader checks and no more: skips `#` lines, blank lines and the
header, splits each row on commas, converts time and force with float(), and
checks that time never decreases. Prints "ROWS SECONDS" (parse time only,
interpreter start-up excluded) for the benchmark to read.
"""
import sys
import time


def parse(path):
    rows = 0
    previous = float("-inf")
    header = False
    with open(path, "r", encoding="utf-8") as trace:
        for line in trace:
            line = line.strip()
            if not line or line[0] == "#":
                continue
            if not header:
                header = True
                continue
            fields = line.split(",")
            t = float(fields[0])
            float(fields[1])
            if t < previous:
                raise ValueError(f"time goes backwards: {t} after {previous}")
            previous = t
            rows += 1
    return rows


if __name__ == "__main__":
    start = time.perf_counter()
    rows = parse(sys.argv[1])
    print(rows, time.perf_counter() - start)
