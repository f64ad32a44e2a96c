#!/bin/sh
# Drives "hugeplan plan" and "hugeplan cmdline" over the hostile configuration corpus
# (tests/hostile/corpus.sh): for each case, stderr must be exactly the expected one line
# (FILE:LINE: or FILE: and what is wrong), stdout empty, the exit status 2, and nothing
# written: the configuration and the system root are byte-identical afterwards.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/hostile/corpus.sh
. "$TOP/tests/hostile/corpus.sh"
t_init
HP=$B/hugeplan
T_TMP=$(realpath "$T_TMP")

# a private copy of a fixture host, to prove it is not written either
root=$T_TMP/root
cp -R "$TOP/tests/fixtures/two-node-16g-32g" "$root"

snapshot() {
	# every path, type, mode, size and content hash
	find "$1" -printf '%P %y %m %s\n' | LC_ALL=C sort
	find "$1" -type f -exec sha256sum {} + 2>/dev/null | LC_ALL=C sort
}

snapshot "$root" >"$T_TMP/root.before"
n=0
for c in $(hostile_cases); do
	n=$((n + 1))
	d=$T_TMP/case-$n # what the case holds, nothing else
	a=$T_TMP/aux-$n
	conf=$d/conf
	mkdir -p "$d" "$a"
	hostile_make "$c" "$conf"
	case $? in
	1)
		t_skip "hostile $c (plan)" "needs root"
		t_skip "hostile $c (cmdline)" "needs root"
		continue
		;;
	2)
		t_fail "hostile $c: setup failed"
		continue
		;;
	esac
	hostile_expected "$c" "$conf" >"$a/want"
	snapshot "$d" >"$a/before"
	for cmd in plan cmdline; do
		"$HP" $cmd --config "$conf" --root "$root" >"$a/out" 2>"$a/err"
		hostile_refused "hostile $c ($cmd)" $? "$a/want" "$a/out" "$a/err"
	done
	snapshot "$d" >"$a/after"
	if cmp -s "$a/before" "$a/after"; then
		t_ok "hostile $c: nothing written"
	else
		t_fail "hostile $c: nothing written" "$(diff "$a/before" "$a/after" | head -5)"
	fi
done
snapshot "$root" >"$T_TMP/root.after"
t_diff "hostile: the system root is untouched" "$T_TMP/root.before" "$T_TMP/root.after"
if [ "$n" -ge 50 ]; then
	t_ok "hostile: $n cases (at least 50)"
else
	t_fail "hostile: only $n cases"
fi
t_done
