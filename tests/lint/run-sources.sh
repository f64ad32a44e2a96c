#!/bin/sh
# What the C sources of generator/ must look like, beyond clang-format:
#   - a user-visible message is one string literal, so that grep finds it: no literal that
#     does not end a line ("\n") is continued by the next one (clang-format's
#     BreakStringLiterals is off in .clang-format for that reason);
#   - no path literal of the system ("/proc/...", "/sys/...", "/etc/...", ...) outside
#     core/pathnames.h: every path goes through it, and through the root of sys/path.h.
# Comments are skipped; a literal that only starts a macro concatenation ("x " HP_P_Y) is fine.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_init
cd "$TOP" || exit 1

python3 - generator/*/*.c generator/*/*.h >"$T_TMP/found" <<'PY'
import sys

PATHS = ("/proc", "/sys", "/boot", "/etc/", "/run/", "/lib/modules", "/var/", "/dev/", "/usr/")


def literals(s):
    """(start, end, line) of every string literal outside comments and char literals"""
    i, n, line = 0, len(s), 1
    while i < n:
        c = s[i]
        if s.startswith("/*", i):
            j = s.index("*/", i + 2) + 2
        elif s.startswith("//", i):
            j = s.find("\n", i)
            j = n if j < 0 else j
        elif c in "\"'":
            j = i + 1
            while s[j] != c:
                j += 2 if s[j] == "\\" else 1
            j += 1
            if c == '"':
                yield i, j, line
        else:
            j = i + 1
        line += s.count("\n", i, j)
        i = j


for p in sys.argv[1:]:
    s = open(p).read()
    prev = None
    for a, b, line in literals(s):
        body = s[a + 1 : b - 1]
        if prev and not s[prev[1] : a].strip() and not s[prev[0] + 1 : prev[1] - 1].endswith("\\n"):
            print("split %s:%d: %s" % (p, line, s[prev[0] : b][:90].replace("\n", " ")))
        if body.startswith(PATHS) and p != "generator/core/pathnames.h":
            print("path %s:%d: %s" % (p, line, s[a:b]))
        prev = (a, b)
PY
set -- generator/*/*.c generator/*/*.h
n=$#
if grep -q '^split ' "$T_TMP/found"; then
	t_fail "the $n sources of generator/ hold every message as one literal" "$(grep '^split ' "$T_TMP/found")"
else
	t_ok "the $n sources of generator/ hold every message as one literal"
fi
if grep -q '^path ' "$T_TMP/found"; then
	t_fail "no path literal of the system outside core/pathnames.h" "$(grep '^path ' "$T_TMP/found")"
else
	t_ok "no path literal of the system outside core/pathnames.h"
fi

# the checks can fail: a split message and a path, in a made-up file
printf '%s\n' 'static const char *a = "one half " "the other";' \
	'static const char *b = "/proc/meminfo";' 'static const char *c = "line\n" "line\n";' \
	>"$T_TMP/made-up.c"
sed -n '/^python3 - /,/^PY$/p' "$0" | sed '1d;$d' >"$T_TMP/check.py"
python3 "$T_TMP/check.py" "$T_TMP/made-up.c" >"$T_TMP/made-up.found"
if [ "$(grep -c '^split ' "$T_TMP/made-up.found")" = 1 ] &&
	[ "$(grep -c '^path ' "$T_TMP/made-up.found")" = 1 ]; then
	t_ok "control: a split message and a path literal are found; whole lines may follow each other"
else
	t_fail "control: a split message and a path literal are found" "$(cat "$T_TMP/made-up.found")"
fi
t_done
