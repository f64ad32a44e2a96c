#!/usr/bin/env python3
# Reads the Prometheus text exposition (what node_exporter's /metrics serves) apart from
# hugeplan's code, for the fleet tier:
#   prom.py get FILE NAME [LABEL=VALUE...]   the value of the one series with exactly those
#                                             labels (after dropping empty ones), or "absent";
#                                             a whole number as digits, others to 3 decimals
#   prom.py count FILE PREFIX                 how many series have a name starting PREFIX
#   prom.py series FILE PREFIX                those series' label sets, one per line, sorted
#   prom.py input-series FILE PREFIX LABELS   promtool input_series (constant for 100 minutes)
#                                             of those series, with LABELS (k=v,...) added
import re
import sys

LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)$')
LABEL = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?')


def parse(path):
    out = {}
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\n')
            if not line or line.startswith('#'):
                continue
            m = LINE.match(line)
            if not m:
                raise SystemExit('unparsable line: %r' % line)
            labels = {}
            body = m.group(3) or ''
            pos = 0
            while pos < len(body):
                lm = LABEL.match(body, pos)
                if not lm:
                    raise SystemExit('unparsable labels: %r' % line)
                if lm.group(2) != '':
                    labels[lm.group(1)] = lm.group(2)
                pos = lm.end()
            key = (m.group(1), frozenset(labels.items()))
            if key in out:
                raise SystemExit('series twice: %r' % line)
            out[key] = m.group(4)
    return out


def number(v):
    """node_exporter prints values as Go's %g does: 2.097152e+06 is 2097152"""
    try:
        f = float(v)
    except ValueError:
        return v
    if f.is_integer() and abs(f) < 2 ** 53:
        return str(int(f))
    return '%.3f' % f


def main():
    cmd, path = sys.argv[1], sys.argv[2]
    s = parse(path)
    if cmd == 'get':
        want = dict(a.split('=', 1) for a in sys.argv[4:])
        print(number(s.get((sys.argv[3], frozenset(want.items())), 'absent')))
    elif cmd == 'count':
        print(sum(1 for (n, _) in s if n.startswith(sys.argv[3])))
    elif cmd == 'series':
        rows = ['%s{%s}' % (n, ','.join('%s=%s' % kv for kv in sorted(l)))
                for (n, l) in s if n.startswith(sys.argv[3])]
        print('\n'.join(sorted(rows)))
    elif cmd == 'input-series':
        extra = dict(a.split('=', 1) for a in sys.argv[4].split(',')) if len(sys.argv) > 4 else {}
        for (n, l), v in sorted(s.items(), key=lambda kv: (kv[0][0], sorted(kv[0][1]))):
            if not n.startswith(sys.argv[3]):
                continue
            labels = dict(l)
            labels.update(extra)
            sel = ', '.join('%s="%s"' % (k, labels[k]) for k in sorted(labels))
            print("      - series: '%s{%s}'" % (n, sel))
            print('        values: "%sx100"' % number(v))
    else:
        raise SystemExit('unknown command ' + cmd)


main()
