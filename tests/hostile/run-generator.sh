#!/bin/sh
# The systemd generator over the hostile configuration corpus: it runs at every boot, so it
# must never fail one. For each case laid out as the root's /etc/hugeplan, with a command line
# that reserves nothing: exit status 0 within 10 s (a FIFO must not stall it), nothing on
# stdout, every stderr line its own, and whatever it reports about the configuration is the
# case's own message (it does not plan, so errors the planner finds are not its to report).
# It reads the [Host] settings only, never vms.d (whether a plan exists is apply's state's
# answer, issue 20): a case whose broken file is in vms.d must be met with silence.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/hostile/corpus.sh
. "$TOP/tests/hostile/corpus.sh"
t_init
G=$B/hugeplan-generator
T_TMP=$(realpath "$T_TMP")
if [ ! -x "$G" ]; then
	t_skip "generator over the hostile corpus" "$G is not built"
	t_done
	exit 0
fi

n=0 reported=0 host=0
for c in $(hostile_cases); do
	n=$((n + 1))
	root=$T_TMP/case-$n/root
	out=$T_TMP/case-$n/out
	mkdir -p "$out" "$out.early" "$out.late" "$root/etc"
	cp -R "$TOP/tests/fixtures/two-node-16g-32g/." "$root/"
	echo "BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro quiet" >"$root/proc/cmdline"
	hostile_make "$c" "$root/etc/hugeplan"
	case $? in
	1)
		t_skip "generator: hostile $c" "needs root"
		continue
		;;
	2)
		t_fail "generator: hostile $c: setup failed"
		continue
		;;
	esac
	want=$(hostile_expected "$c" "$root/etc/hugeplan")
	env -u SYSTEMD_SCOPE -u SYSTEMD_LOG_LEVEL -u SYSTEMD_LOG_TARGET -u SYSTEMD_IN_INITRD \
		HUGEPLAN_ROOT="$root" timeout 10 "$G" "$out" "$out.early" "$out.late" \
		>"$T_TMP/stdout" 2>"$T_TMP/stderr"
	rc=$?
	bad=
	[ "$rc" = 0 ] || bad="exit $rc"
	[ -s "$T_TMP/stdout" ] && bad="$bad, output on stdout"
	grep -qv '^hugeplan-generator: ' "$T_TMP/stderr" && bad="$bad, a stderr line not its own"
	case $want in
	*/vms.d/*) invms=1 ;;
	*)
		invms=
		host=$((host + 1))
		;;
	esac
	if [ -n "$invms" ] && [ -s "$T_TMP/stderr" ]; then
		bad="$bad, a message about vms.d, which it must not read"
	elif grep -q 'configuration\|/etc/hugeplan' "$T_TMP/stderr"; then
		if grep -qF "hugeplan-generator: $want; " "$T_TMP/stderr"; then
			reported=$((reported + 1))
		else
			bad="$bad, another message than the case's"
		fi
	fi
	if [ -z "$bad" ]; then
		t_ok "generator: hostile $c"
	else
		t_fail "generator: hostile $c: ${bad#, }" "want: $want" "got:  $(cat "$T_TMP/stderr")"
	fi
done
# most cases outside vms.d are errors in files the generator reads: it must have told them
if [ "$host" -gt 0 ] && [ "$reported" -ge $((host * 2 / 3)) ]; then
	t_ok "generator: $reported of the $host cases outside vms.d (of $n) reported with their exact message"
else
	t_fail "generator: only $reported of the $host cases outside vms.d (of $n) reported with their exact message"
fi
t_done
