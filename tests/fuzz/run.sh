#!/bin/sh
# CI tier: every libFuzzer harness ($B/fuzz/fuzz-*, built by "make fuzz" from
# tests/fuzz/fuzz-*.c) runs its seed corpus (tests/fuzz/corpus/NAME) and then fuzzes for
# FUZZ_SECONDS (default 4) seconds. Inputs it finds go to a temporary folder, never into the
# source tree; a crash, a leak or a failed property fails the test and its input is printed
# (base64) so it can be added to the seed corpus once fixed. "make fuzz-long" runs the long
# campaign (tests/fuzz/long.sh).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_init
cd "$TOP" || exit 1
: "${FUZZ_SECONDS:=4}"

found=
for src in tests/fuzz/fuzz-*.c; do
	name=$(basename "$src" .c)
	short=${name#fuzz-}
	bin=$B/fuzz/$name
	found=1
	if [ ! -x "$bin" ]; then
		t_fail "fuzz $short: $bin is not built (make fuzz)"
		continue
	fi
	mkdir -p "$T_TMP/corpus-$short"
	dict='' seeds=''
	[ -f "tests/fuzz/$short.dict" ] && dict=-dict=tests/fuzz/$short.dict
	[ -d "tests/fuzz/corpus/$short" ] && seeds=tests/fuzz/corpus/$short
	# shellcheck disable=SC2086 # $dict and $seeds are empty or whole arguments
	"$bin" $dict -max_total_time="$FUZZ_SECONDS" -timeout=10 -print_final_stats=1 \
		-artifact_prefix="$T_TMP/$short-" "$T_TMP/corpus-$short" $seeds \
		>"$T_TMP/$short.log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$T_TMP/$short.log")
	if [ "$rc" -eq 0 ] && [ -n "$runs" ]; then
		t_ok "fuzz $short: $runs runs in ${FUZZ_SECONDS} s, seeds $([ -n "$seeds" ] && find "$seeds" -type f | wc -l || echo 0), no crash"
	else
		t_fail "fuzz $short: exit $rc" "$(grep -E 'property failed|ERROR|SUMMARY' "$T_TMP/$short.log" | head -5)"
		grep -v '^#' "$T_TMP/$short.log" | tail -n 30 | sed 's/^/#   /'
		for a in "$T_TMP/$short"-*; do
			[ -f "$a" ] && echo "#   input $(basename "$a"): $(base64 -w0 "$a")"
		done
	fi
done
[ -n "$found" ] || t_fail "fuzz: no harness in tests/fuzz"
t_done
