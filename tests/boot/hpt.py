#!/usr/bin/env python3
"""Host side of the boot tests: reads a guest's serial console log.

  hpt.py files LOG DIR     decode every "HPT-FILE path" block (od -tx1 hex) into DIR/path, and
                           make every "HPT-DIR path" (tests/fixtures/mkdump.sh --console HPT)
  hpt.py kmsg LOG          the "HPT-KMSG" records as "LEVEL TEXT" (LEVEL = prio & 7)
  hpt.py get JSON EXPR     print EXPR evaluated with r = the JSON document and size(bytes) =
                           the entry of r["sizes"] for that size (None when absent); strings
                           print bare, anything else as JSON
"""
import json
import os
import re
import sys

HEX = re.compile(r"^( [0-9a-f]{2})+$")


def lines(log):
    with open(log, "rb") as f:
        for raw in f:
            yield raw.decode("utf-8", "replace").rstrip("\r\n").replace("\r", "")


def files(log, out):
    cur, data = None, bytearray()
    for line in lines(log):
        if line.startswith("HPT-DIR ") and not cur:
            os.makedirs(os.path.join(out, line[8:].strip().lstrip("/")), exist_ok=True)
        elif line.startswith("HPT-FILE "):
            cur, data = line[9:].strip(), bytearray()
        elif line == "HPT-EOF" and cur:
            dest = os.path.join(out, cur.lstrip("/"))
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with open(dest, "wb") as f:
                f.write(bytes(data))
            cur = None
        elif cur and HEX.match(line):
            data.extend(bytes.fromhex(line.replace(" ", "")))
        elif cur and line:
            # a console line in the middle of a dump: the capture cannot be trusted
            sys.exit(f"hpt.py: unexpected line inside {cur}: {line!r}")


def get(path, expr):
    with open(path) as f:
        r = json.load(f)

    def size(b):
        for s in r.get("sizes", []):
            if s["size"] == b:
                return s
        return None

    def node(s, n):
        for x in (s or {}).get("nodes", []):
            if x["node"] == n:
                return x
        return None

    v = eval(expr, {"r": r, "size": size, "node": node, "json": json, "G": 1 << 30, "M": 1 << 20})
    print(v if isinstance(v, str) else json.dumps(v))


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "files" and len(sys.argv) == 4:
        files(sys.argv[2], sys.argv[3])
    elif cmd == "kmsg" and len(sys.argv) == 3:
        for line in lines(sys.argv[2]):
            m = re.match(r"HPT-KMSG (\d+),\d+,\d+,[^;]*;(.*)$", line)
            if m:
                print(int(m.group(1)) & 7, m.group(2))
    elif cmd == "get" and len(sys.argv) == 4:
        get(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
