#!/bin/sh
# The long campaign: each harness in turn (never two at once: the machines are shared), at
# nice 10, for FUZZ_RUNS executions (default 10 million), growing a working corpus in
# $B/fuzz/corpus-NAME from the committed seeds. Logs and any crash input go to $B/fuzz/long/.
# Prints one line per harness: executions, seconds, executions per second, outcome.
#   make fuzz-long                     all harnesses
#   FUZZ_RUNS=1000000 tests/fuzz/long.sh config json   some
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 2
: "${B:=build}"
: "${FUZZ_RUNS:=10000000}"
out=$B/fuzz/long
mkdir -p "$out"

names=$*
[ -n "$names" ] || names=$(for s in tests/fuzz/fuzz-*.c; do basename "$s" .c | sed 's/^fuzz-//'; done)

fail=0
printf '%-10s %12s %8s %9s  %s\n' harness execs seconds exec/s result
for n in $names; do
	bin=$B/fuzz/fuzz-$n
	mkdir -p "$B/fuzz/corpus-$n"
	dict='' seeds=''
	[ -f "tests/fuzz/$n.dict" ] && dict=-dict=tests/fuzz/$n.dict
	[ -d "tests/fuzz/corpus/$n" ] && seeds=tests/fuzz/corpus/$n
	start=$(date +%s)
	# shellcheck disable=SC2086 # $dict is empty or -dict=FILE
	nice -n 10 "$bin" $dict -runs="$FUZZ_RUNS" -timeout=10 -print_final_stats=1 \
		-artifact_prefix="$out/$n-" "$B/fuzz/corpus-$n" $seeds \
		>"$out/$n.log" 2>&1
	rc=$?
	secs=$(($(date +%s) - start))
	[ "$secs" -gt 0 ] || secs=1
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$n.log")
	res="no crash"
	[ "$rc" -eq 0 ] || { res="FAILED (exit $rc, see $out/$n.log)"; fail=1; }
	printf '%-10s %12s %8s %9s  %s\n' "$n" "${execs:-?}" "$secs" "$((${execs:-0} / secs))" "$res"
done
exit $fail
