#!/bin/sh
# The unit tests and the CLI and hostile tiers again, built with ASan and UBSan ("make asan",
# into $B/asan): every sanitizer report (to files, so expected stderr stays comparable) fails
# the tier, and so does a binary that stops on one.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/lib/san.sh
. "$TOP/tests/lib/san.sh"
t_init
SAN=$B/asan
: "${SAN_TIERS:=cli hostile}"
if [ ! -x "$SAN/hugeplan" ]; then
	t_fail "asan: $SAN/hugeplan is not built (make asan)"
	t_done
	exit 1
fi
mkdir -p "$T_TMP/reports"
# halt on the first report, and write it where san_reports looks
ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:log_path=$T_TMP/reports/asan:exitcode=86"
UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$T_TMP/reports/ubsan"
export ASAN_OPTIONS UBSAN_OPTIONS

for t in "$SAN"/tests/test-*; do
	[ -x "$t" ] || continue
	san_unit asan "$t"
done
for tier in $SAN_TIERS; do
	for s in "$TOP/tests/$tier"/run*.sh; do
		[ -f "$s" ] || continue
		# HP_SANITIZED: valgrind cannot run these binaries, LeakSanitizer not under strace
		B=$SAN HP_SANITIZED=1 sh "$s" | san_prefix asan
	done
done
san_reports "asan+ubsan" "$T_TMP/reports"
t_done
