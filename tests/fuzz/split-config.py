#!/usr/bin/env python3
# split-config.py OUT INPUT...: the inputs of the config harness (tests/fuzz/fuzz-config.c) as
# configuration trees OUT/N/etc/hugeplan/..., split exactly as the harness splits them: files
# start at a header line "%% ROLE NAME" (h: hugeplan.conf, d: hugeplan.conf.d/NAME, anything
# else: vms.d/NAME; NAME up to 63 bytes and its first NUL), bytes before the first header are
# vms.d/a.conf, at most 16 files. Prints "N INPUT" for each tree made; an input with a name
# no file can have (empty, ".", "..", a "/") is skipped.
import os
import sys

MAX_FILES = 16


def split(data):
    files, p, end = [], 0, len(data)
    while p < end and len(files) < MAX_FILES:
        body, role, name = p, ord('v'), b'a.conf'
        if data[p:p + 3] == b'%% ':
            nl = data.find(b'\n', p)
            hl = (nl if nl != -1 else end) - p
            role = data[p + 3] if hl > 3 else ord('v')
            name = data[p + 5:p + hl] if hl > 5 else b''
            name = name.split(b'\0')[0][:63]
            body = nl + 1 if nl != -1 else end
        nxt = body
        while nxt < end:
            if data[nxt] == 0x0a and end - nxt > 3 and data[nxt + 1:nxt + 4] == b'%% ':
                break
            nxt += 1
        if nxt < end:
            nxt += 1
        if role == ord('h'):
            rel = b'hugeplan.conf'
        elif role == ord('d'):
            rel = b'hugeplan.conf.d/' + name
        else:
            rel = b'vms.d/' + name
        files.append((role, name, rel, data[body:nxt]))
        p = nxt
    return files


def main():
    out, inputs = sys.argv[1], sys.argv[2:]
    n = 0
    for path in inputs:
        with open(path, 'rb') as f:
            files = split(f.read())
        if any(role != ord('h') and (name in (b'', b'.', b'..') or b'/' in name)
               for role, name, _, _ in files):
            continue
        top = os.path.join(out.encode(), str(n).encode(), b'etc/hugeplan')
        for sub in (b'', b'vms.d', b'hugeplan.conf.d'):
            os.makedirs(os.path.join(top, sub), mode=0o755, exist_ok=True)
        for _, _, rel, body in files:
            fd = os.open(os.path.join(top, rel), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.write(fd, body)
            os.close(fd)
        print(n, path)
        n += 1


if __name__ == '__main__':
    main()
