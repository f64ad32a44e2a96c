# Shared helpers for the shell test tiers. Every tier prints TAP lines ("ok N - what",
# "not ok N - what"); tests/run-tests.sh counts them.
# shellcheck shell=sh

T_N=0
T_FAIL=0
: "${B:=build}"
# tier scripts live in tests/<tier>/: the top is two levels up
TOP=$(cd "$(dirname "$0")/../.." && pwd)
case $B in /*) ;; *) B=$TOP/$B ;; esac

t_ok() {
	T_N=$((T_N + 1))
	echo "ok $T_N - $1"
}

t_fail() {
	T_N=$((T_N + 1))
	T_FAIL=$((T_FAIL + 1))
	echo "not ok $T_N - $1"
	shift
	for l in "$@"; do echo "#   $l"; done
}

t_skip() {
	T_N=$((T_N + 1))
	echo "ok $T_N - $1 # SKIP $2"
}

# t_diff NAME EXPECTED_FILE ACTUAL_FILE
t_diff() {
	if diff -u "$2" "$3" >"$T_TMP/diff.out" 2>&1; then
		t_ok "$1"
	else
		t_fail "$1"
		sed 's/^/#   /' "$T_TMP/diff.out" | head -n 60
	fi
}

# t_eq NAME EXPECTED ACTUAL
t_eq() {
	if [ "$2" = "$3" ]; then
		t_ok "$1"
	else
		t_fail "$1" "expected: $2" "actual:   $3"
	fi
}

# t_grep NAME PATTERN FILE: FILE must contain a line matching the extended regex
t_grep() {
	if grep -Eq -- "$2" "$3"; then
		t_ok "$1"
	else
		t_fail "$1" "no line matches /$2/ in $3:"
		sed 's/^/#     /' "$3" | head -n 30
	fi
}

t_init() {
	T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/hugeplan-test.XXXXXX")
	trap 't_cleanup' EXIT
}

t_cleanup() {
	[ -n "${T_KEEP:-}" ] || rm -rf "$T_TMP"
}

t_done() {
	echo "1..$T_N"
	[ "$T_FAIL" -eq 0 ]
}
