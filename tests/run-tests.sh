#!/bin/sh
# Runs every test tier and counts their TAP lines. Ends with "N passed, N failed".
#   TIERS="unit cli" tests/run-tests.sh    run a subset
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 2
: "${B:=build}"
export B
: "${TIERS:=lint unit cli hostile harden check generator status fleet sources libvirt runtime grub bootpath faults boot fuzz asan valgrind install}"

log=$(mktemp "${TMPDIR:-/tmp}/hugeplan-run.XXXXXX")
out=$(mktemp "${TMPDIR:-/tmp}/hugeplan-script.XXXXXX")
trap 'rm -f "$log" "$out" "$out.rc"' EXIT

# A script's TAP lines are counted, and so is the script itself: one that printed no
# result (it died before its first test), exited non-zero with no failed test, or
# printed a single plan "1..N" and fewer or more than N results ends with a "not ok"
# line of its own. (asan and valgrind run other tiers and print many plans: their
# total is not checked against them.) "1..0" is an honest skip of the whole script.
run_tier() {
	label=$1
	shift
	echo "== tier $label"
	start=$(date +%s)
	{
		"$@" 2>&1
		echo $? >"$out.rc"
	} | tee "$out"
	cat "$out" >>"$log"
	judge_script "$label" "$(cat "$out.rc")" "$out" | tee -a "$log"
	echo "== tier $label: $(($(date +%s) - start)) s"
}

judge_script() {
	ok=$(grep -Ec '^ok [0-9]+' "$3")
	nok=$(grep -Ec '^not ok [0-9]+' "$3")
	plans=$(grep -Ec '^1\.\.[0-9]+' "$3")
	plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\).*/\1/p' "$3" | tail -n 1)
	n=$((ok + nok))
	if [ "$n" -eq 0 ] && ! { [ "$plan" = 0 ] && [ "$2" -eq 0 ]; }; then
		echo "not ok 0 - $1: it printed no test result (exit status $2)"
	elif [ "$2" -ne 0 ] && [ "$nok" -eq 0 ]; then
		echo "not ok 0 - $1: it exited with status $2 after $ok passing results and no failure"
	elif [ "$plans" -eq 1 ] && [ "$plan" -ne "$n" ]; then
		echo "not ok 0 - $1: it planned $plan tests and reported $n"
	fi
}

for tier in $TIERS; do
	case $tier in
	unit)
		for t in "$B"/tests/test-*; do
			[ -x "$t" ] || continue
			run_tier "unit $(basename "$t")" env CMOCKA_MESSAGE_OUTPUT=TAP "$t"
		done
		;;
	*)
		for t in tests/"$tier"/run*.sh; do
			[ -f "$t" ] || continue
			run_tier "$tier $(basename "$t")" sh "$t"
		done
		;;
	esac
done

passed=$(grep -Ec '^ok [0-9]+' "$log")
failed=$(grep -Ec '^not ok [0-9]+' "$log")
echo
if [ "$failed" -gt 0 ]; then
	echo "Failed tests:"
	grep -E '^not ok [0-9]+' "$log"
fi
# An empty run is a failure: a suite that ran nothing proved nothing.
[ "$passed" -gt 0 ] || failed=$((failed + 1))
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
