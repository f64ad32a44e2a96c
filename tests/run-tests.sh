#!/bin/sh
# Runs every test tier and counts their TAP lines. Ends with "N passed, N failed".
#   TIERS="unit cli" tests/run-tests.sh    run a subset
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 2
: "${B:=build}"
export B
: "${TIERS:=lint unit cli hostile harden check generator status fleet libvirt grub bootpath faults boot fuzz asan valgrind install}"

log=$(mktemp "${TMPDIR:-/tmp}/hugeplan-run.XXXXXX")
trap 'rm -f "$log"' EXIT

run_tier() {
	label=$1
	shift
	echo "== tier $label"
	start=$(date +%s)
	"$@" 2>&1 | tee -a "$log"
	echo "== tier $label: $(($(date +%s) - start)) s"
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
