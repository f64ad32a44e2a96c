#!/bin/sh
# The unit tests and the CLI tier once more, the plain build under valgrind's memcheck (all
# programs of $B, through wrappers of the same names):
# invalid reads and writes, uninitialised values, and leaks (definite, indirect, possible)
# are errors; a log with anything in it fails the tier.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/lib/san.sh
. "$TOP/tests/lib/san.sh"
t_init
: "${VG_TIERS:=cli}"
if ! command -v valgrind >/dev/null; then
	t_fail "valgrind: not installed (make deps)"
	t_done
	exit 1
fi
mkdir -p "$T_TMP/reports" "$T_TMP/bin"
VG="valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible --track-origins=yes --log-file=$T_TMP/reports/vg.%p"

for t in "$B"/tests/test-*; do
	[ -x "$t" ] || continue
	# shellcheck disable=SC2086 # $VG is valgrind and its options
	san_unit valgrind "$t" $VG
done
# the tiers run "$B/PROGRAM": give them ones that run the real programs under valgrind
for prog in "$B"/hugeplan*; do
	if [ ! -f "$prog" ] || [ ! -x "$prog" ]; then
		continue
	fi
	cat >"$T_TMP/bin/$(basename "$prog")" <<EOS
#!/bin/sh
exec $VG "$prog" "\$@"
EOS
	chmod +x "$T_TMP/bin/$(basename "$prog")"
done
for tier in $VG_TIERS; do
	for s in "$TOP/tests/$tier"/run*.sh; do
		[ -f "$s" ] || continue
		# a script that runs valgrind or strace itself does so on the plain build already
		if grep -qE '^[^#]*\<(valgrind|strace)\>' "$s"; then
			t_skip "valgrind: $tier/$(basename "$s")" "it runs valgrind or strace itself"
			continue
		fi
		B=$T_TMP/bin sh "$s" | san_prefix valgrind
	done
done
# valgrind 3.19 (Debian 12) does not know openat2(2) (syscall 437): it warns once per process
# and answers ENOSYS, so sys/root.c's fallback walk runs under memcheck here. That warning (its
# five lines) is dropped from the logs; anything else in them stays and fails the tier.
for f in "$T_TMP"/reports/vg.*; do
	[ -f "$f" ] || continue
	awk '/^--[0-9]+-- WARNING: unhandled amd64-linux syscall: 437$/ { skip = 4; next }
	     skip > 0 && /^--[0-9]+-- / { skip--; next }
	     { skip = 0; print }' "$f" >"$f.tmp" && mv "$f.tmp" "$f"
done
san_reports valgrind "$T_TMP/reports"
t_done
