#!/bin/sh
# Issue 12 item 1: concurrent hugeplan apply and remove with the real grub-mkconfig, in a
# private mount namespace whose /boot, /etc/default and /var/lib are the test's (tests/lib/ns.sh).
# Each round starts RACE_PROCS runs at once (applies of two plans and removes, mixed), then:
#   - grub.cfg parses (grub-script-check) and holds every section grub-mkconfig writes
#     (each "### BEGIN /etc/grub.d/NN_name ###" with its END, as in a grub.cfg made alone);
#   - the snippet, the state and grub.cfg agree with what the last run to succeed printed:
#     after "wrote ...: TOKENS" or "unchanged: ... already has plan ID", the snippet holds
#     those tokens, the state records them with update=done, and every normal linux line of
#     grub.cfg carries exactly them; after a remove, none of the three has hugeplan's words.
# Without one lock over the whole operation (the landed binaries), two runs interleave
# snippet, update-grub and state: grub.cfg truncated or empty, or files that disagree.
# RACE_ROUNDS (default 3, make check) and RACE_PROCS (default 4); tests/grub/README.md has
# the long form.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

# shellcheck source=tests/lib/ns.sh
. "$TOP/tests/lib/ns.sh"
ns_reexec --grub "$0" "$@"
t_init
HP=$B/hugeplan
T=$T_TMP
ROUNDS=${RACE_ROUNDS:-3}
PROCS=${RACE_PROCS:-4}

if ! command -v grub-script-check >/dev/null 2>&1; then
	t_fail "grub-script-check is installed (grub-common)"
	t_done
	exit 1
fi
if ! ns_system "$T"; then
	t_done
	exit 1
fi
[ -e /usr/sbin/update-grub ] && t_fail "this test expects no update-grub installed"
cat >"$T/default/grub" <<'X'
GRUB_DEFAULT=0
GRUB_CMDLINE_LINUX_DEFAULT="quiet"
GRUB_CMDLINE_LINUX="console=ttyS0"
GRUB_DISABLE_OS_PROBER=true
X
# two plans, small enough for this machine (one node: plain counts)
for p in a b; do
	mkdir -p "$T/conf-$p/vms.d"
	printf '[VM]\nMemory=1G\nPageSize=1G\n' >"$T/conf-$p/vms.d/db.conf"
done
printf '[VM]\nMemory=128M\nPageSize=2M\n' >"$T/conf-a/vms.d/web.conf"
printf '[VM]\nMemory=256M\nPageSize=2M\n' >"$T/conf-b/vms.d/web.conf"
toks() { # 2M PAGES: the plan's tokens, from the planner's rules (tests/grub/run-apply-e2e.sh)
	res="hugepagesz=2M hugepages=$1 hugepagesz=1G hugepages=1"
	echo "$res hugeplan.plan=$(fnv "$res")"
}
TA=$(toks 64)
TB=$(toks 128)

# the sections of a grub.cfg grub-mkconfig writes alone, without hugeplan
grub-mkconfig -o "$T/alone.cfg" >/dev/null 2>&1 || t_fail "grub-mkconfig alone"
sections() {
	grep -E '^### (BEGIN|END) ' "$1"
}
sections "$T/alone.cfg" >"$T/sections.want"
[ -s "$T/sections.want" ] || t_fail "grub-mkconfig alone writes sections"

# owned NORMAL|RECOVERY: hugeplan's words on each linux line of that kind of entry
owned() {
	awk -v kind="$1" '
	/^[ \t]*menuentry / { k = ($0 ~ /\(recovery mode\)/) ? "recovery" : "normal" }
	/^[ \t]*linux[ \t]/ && k == kind {
		own = ""
		for (i = 3; i <= NF; i++)
			if ($i ~ /^(hugepages|hugepagesz|default_hugepagesz|hugeplan\.plan)=/)
				own = own (own == "" ? "" : " ") $i
		print own
	}' /boot/grub/grub.cfg
}

state() {
	grep "^$1=" /var/lib/hugeplan/applied 2>/dev/null | cut -d= -f2-
}

# one run, in the background: its output, its PID (the shell execs hugeplan: the PID a
# waiter names), and "RC END_NS KIND" when it is done
launch() { # N KIND
	(
		n=$1 kind=$2
		case $kind in
		a | b) set -- apply --config "$T/conf-$kind" ;;
		rm) set -- remove ;;
		esac
		# shellcheck disable=SC2016 # $$ and $@ are the inner shell's
		sh -c 'echo $$ >"$0" && exec "$@"' "$T/run$n.pid" "$HP" "$@" >"$T/run$n.out" 2>"$T/run$n.err"
		echo "$? $(date +%s%N) $kind" >"$T/run$n.done"
	) &
}

# holders ROUND_START: every "waiting for ..., held by PID P (COMMAND), started TIME" of the
# round names one of its own runs, by its PID, with that run's command line, started within
# the round (seconds of the epoch, from one second before); counted in named and misnamed
holders() {
	for e in "$T"/run*.err; do
		sed -n 's/^hugeplan [a-z]*: waiting for \/var\/lib\/hugeplan\/lock, held by PID \([0-9]*\) (\(.*\)), started \(.*\)$/\1|\2|\3/p' "$e"
	done >"$T/holders"
	while IFS='|' read -r pid cmd since; do
		f=$(grep -lx "$pid" "$T"/run*.pid | head -n 1)
		k=$(cut -d' ' -f3 "${f%.pid}.done" 2>/dev/null)
		case $k in
		a | b) want="$HP apply --config $T/conf-$k" ;;
		rm) want="$HP remove" ;;
		*) want="one of this round's runs" ;;
		esac
		s=$(date -d "$since" +%s 2>/dev/null || echo 0)
		if [ -n "$f" ] && [ "$cmd" = "$want" ] && [ "$s" -ge $(($1 - 1)) ] && [ "$s" -le "$(date +%s)" ]; then
			named=$((named + 1))
		else
			misnamed="$misnamed; PID $pid ($cmd), started $since: want $want"
		fi
	done <"$T/holders"
}
named=0
misnamed=

bad_rounds=0
for round in $(seq 1 "$ROUNDS"); do
	rm -f "$T"/run*.out "$T"/run*.err "$T"/run*.done "$T"/run*.pid
	start=$(date +%s)
	i=0
	for k in $(echo "a b rm a b rm a b" | cut -d' ' -f1-"$PROCS"); do
		i=$((i + 1))
		launch $i "$k"
	done
	wait
	holders "$start"
	# the last run to succeed, by the time it ended
	last=$(cat "$T"/run*.done | awk '$1 == 0' | sort -k2,2n | tail -n1)
	kind=${last##* }
	bad=
	if [ -z "$last" ]; then
		bad="no run succeeded: $(cat "$T"/run*.err | grep -v '^warning\|^ \|^ok' | head -n 3)"
	fi
	if ! grub-script-check /boot/grub/grub.cfg >"$T/check.out" 2>&1; then
		bad="$bad; grub.cfg does not parse: $(head -n 2 "$T/check.out")"
	fi
	sections /boot/grub/grub.cfg >"$T/sections.now"
	cmp -s "$T/sections.want" "$T/sections.now" ||
		bad="$bad; grub.cfg sections: $(wc -l <"$T/sections.now") lines of $(wc -l <"$T/sections.want") ($(wc -c </boot/grub/grub.cfg) bytes)"
	case $kind in
	a | b)
		[ "$kind" = a ] && want=$TA || want=$TB
		n=$(grep -l " $kind\$" "$T"/run*.done | while read -r f; do
			[ "$(cat "$f")" = "$last" ] && echo "${f%.done}.out"
		done | head -n1)
		grep -qE "^(wrote .*: $want|unchanged: .* already has plan ${want##*=})\$" "$n" ||
			bad="$bad; the last apply ($kind) printed no result for its plan"
		grep -qF "'$want')" /etc/default/grub.d/99-hugeplan.cfg 2>/dev/null ||
			bad="$bad; the snippet is not the last apply's"
		[ "$(state tokens)" = "$want" ] || bad="$bad; the state's tokens are not the last apply's"
		[ "$(state update)" = "done" ] || bad="$bad; the state says update=$(state update)"
		;;
	rm)
		want=
		[ -e /etc/default/grub.d/99-hugeplan.cfg ] && bad="$bad; a snippet after the last remove"
		[ -e /var/lib/hugeplan/applied ] && bad="$bad; a state after the last remove"
		;;
	esac
	if [ -n "$kind" ]; then
		owned normal | sort -u >"$T/normal"
		[ "$(cat "$T/normal")" = "$want" ] ||
			bad="$bad; grub.cfg's normal entries carry '$(head -c 120 "$T/normal")', not the last run's ($kind)"
		[ -z "$(owned recovery | tr -d '\n')" ] || bad="$bad; a recovery entry carries hugeplan's words"
	fi
	if [ -z "$bad" ]; then
		t_ok "round $round: $PROCS runs at once; grub.cfg whole, and agrees with the last ($kind)"
	else
		bad_rounds=$((bad_rounds + 1))
		t_fail "round $round: $PROCS runs at once" "${bad#; }"
	fi
done
echo "# $bad_rounds of $ROUNDS rounds went wrong"
# and the lock was what made them wait: runs said so, naming the holder right each time
if [ "$named" -gt 0 ] && [ -z "$misnamed" ]; then
	t_ok "a run that waited named the run it waited for ($named times: PID, command line, start)"
else
	t_fail "a run that waited named the run it waited for (PID, command line, start)" \
		"named right $named times${misnamed:-; none misnamed}; $(cat "$T"/run*.err | grep -v '^warning\|^ ' | head -n 3)"
fi
t_done
