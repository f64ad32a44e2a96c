#!/bin/sh
# tests/run-tests.sh judges each script as well as its TAP lines: a script that dies before
# its first result, exits non-zero with no failed test, or prints a single plan "1..N" and
# another number of results is a failure of its own ("not ok 0 - TIER SCRIPT: ..."). Before,
# a script that died early (a moved helper it sourced, say) counted "0 passed, 0 failed" and
# the run stayed green. Here the real runner runs in a copy of the tree with one made-up
# tier, each script one behaviour.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_init
R=$T_TMP/tree
mkdir -p "$R/tests/zz"
cp "$TOP/tests/run-tests.sh" "$R/tests/"
w() { printf '%s\n' "$2" >"$R/tests/zz/run-$1.sh"; }
w good 'echo "ok 1 - a"; echo "ok 2 - b"; echo "1..2"'
w skip 'echo "1..0 # SKIP nothing to do here"'
w failing 'echo "ok 1 - a"; echo "not ok 2 - b"; echo "1..2"; exit 1'
w dead 'echo "# about to start"; exit 3'
w quiet ':'
w rc 'echo "ok 1 - a"; exit 1'
w short 'echo "1..3"; echo "ok 1 - a"; echo "ok 2 - b"'
w long 'echo "1..1"; echo "ok 1 - a"; echo "ok 2 - b"'

(cd "$R" && TIERS=zz sh tests/run-tests.sh) >"$T_TMP/out" 2>&1
rc=$?
t_eq "a run with a failing script exits 1" 1 "$rc"
t_grep "the summary counts the results and the scripts" '^8 passed, 6 failed$' "$T_TMP/out"
t_grep "a script that dies before its first result fails" \
	'^not ok 0 - zz run-dead\.sh: it printed no test result \(exit status 3\)$' "$T_TMP/out"
t_grep "a script that prints nothing and exits 0 fails" \
	'^not ok 0 - zz run-quiet\.sh: it printed no test result \(exit status 0\)$' "$T_TMP/out"
t_grep "a non-zero exit with no failed test fails" \
	'^not ok 0 - zz run-rc\.sh: it exited with status 1 after 1 passing results and no failure$' "$T_TMP/out"
t_grep "fewer results than planned fails" '^not ok 0 - zz run-short\.sh: it planned 3 tests and reported 2$' "$T_TMP/out"
t_grep "more results than planned fails" '^not ok 0 - zz run-long\.sh: it planned 1 tests and reported 2$' "$T_TMP/out"
if grep -Eq '^not ok 0 - zz run-(good|skip|failing)\.sh' "$T_TMP/out"; then
	t_fail "a good script, a skipped one and one whose own test failed get no extra line" "$(grep '^not ok 0' "$T_TMP/out")"
else
	t_ok "a good script, a skipped one and one whose own test failed get no extra line"
fi

rm "$R"/tests/zz/run-dead.sh "$R"/tests/zz/run-quiet.sh "$R"/tests/zz/run-rc.sh \
	"$R"/tests/zz/run-short.sh "$R"/tests/zz/run-long.sh "$R"/tests/zz/run-failing.sh
(cd "$R" && TIERS=zz sh tests/run-tests.sh) >"$T_TMP/out2" 2>&1
t_eq "good and skipped scripts alone: exit 0" 0 "$?"
t_grep "good and skipped scripts alone: 2 passed, 0 failed" '^2 passed, 0 failed$' "$T_TMP/out2"
t_done
