#!/bin/sh
# hugeplan apply and remove on the running system, without touching it: the script re-runs
# itself in a private mount namespace where /boot, /etc/default and /var/lib are test
# folders, /usr/lib gains a module tree for the running kernel (for apply's checks), and
# later /usr/sbin gains a fake update-grub. hugeplan itself then runs the real grub-mkconfig
# (no update-grub installed) or the fake update-grub, by fork/exec, and the grub.cfg that
# comes out is read back: exactly the planned tokens on normal entries, none on recovery.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

# shellcheck source=tests/lib/ns.sh
. "$TOP/tests/lib/ns.sh"
ns_reexec --grub "$0" "$@"
t_init
HP=$B/hugeplan
T=$T_TMP

# the fake system folders
if ! ns_system "$T"; then
	t_done
	exit 1
fi
mkdir -p "$T/conf/vms.d"
cat >"$T/default/grub" <<'X'
GRUB_DEFAULT=0
GRUB_CMDLINE_LINUX_DEFAULT="quiet hugepages=64"
GRUB_CMDLINE_LINUX="console=ttyS0"
GRUB_DISABLE_OS_PROBER=true
X
[ -e /usr/sbin/update-grub ] && t_fail "this test expects no update-grub installed"

# vms: 1G on 1G pages and some M on 2M pages, small enough for this machine's node 0
# (one node: plain counts, see tests/cli/run-apply.sh)
printf '[VM]\nMemory=1G\nPageSize=1G\n' >"$T/conf/vms.d/db.conf"
web() {
	printf '[VM]\nMemory=%s\nPageSize=2M\n' "$1" >"$T/conf/vms.d/web.conf"
}
toks() {
	res="hugepagesz=2M hugepages=$1 hugepagesz=1G hugepages=1"
	echo "$res hugeplan.plan=$(fnv "$res")"
}

# entries: "normal|recovery", owned words, split by "|", per linux line of grub.cfg
entries() {
	awk '
	/^[ \t]*menuentry / { kind = ($0 ~ /\(recovery mode\)/) ? "recovery" : "normal" }
	/^[ \t]*linux[ \t]/ {
		own = ""
		for (i = 3; i <= NF; i++)
			if ($i ~ /^"?(hugepages|hugepagesz|default[-_]hugepagesz|hugetlb[-_]free[-_]vmemmap)=/ ||
			    $i ~ /^"?hugeplan\./)
				own = own (own == "" ? "" : " ") $i
		printf "%s|%s\n", kind, own
	}' /boot/grub/grub.cfg
}

# grub_has WHAT NORMAL_WORDS: every normal linux line carries exactly these owned words,
# every recovery line none, and both kinds exist
grub_has() {
	entries >"$T/entries"
	bad=$(awk -F'|' -v want="$2" '
		$1 == "normal" { n++; if ($2 != want) print "normal: " $2 }
		$1 == "recovery" { r++; if ($2 != "") print "recovery: " $2 }
		END { if (!n || !r) print "normal " n + 0 ", recovery " r + 0 }' "$T/entries")
	if [ -z "$bad" ]; then
		t_ok "$1"
	else
		t_fail "$1" "$bad"
	fi
}

state() {
	grep "^$1=" /var/lib/hugeplan/applied | cut -d= -f2-
}

run() {
	run_name=$1
	shift
	"$HP" "$@" >"$T/$run_name.out" 2>"$T/$run_name.err"
	RC=$?
}

# 1. no update-grub: hugeplan runs grub-mkconfig -o /boot/grub/grub.cfg itself
web 128M
T1=$(toks 64)
run a1 apply --config "$T/conf"
t_eq "apply: exits 0" 0 "$RC"
t_grep "apply: runs grub-mkconfig without update-grub" \
	"^running /usr/sbin/grub-mkconfig -o /boot/grub/grub.cfg$" "$T/a1.out"
t_grep "apply: reports its result" "^/usr/sbin/grub-mkconfig -o /boot/grub/grub.cfg: done$" "$T/a1.out"
grub_has "apply: grub.cfg normal entries carry exactly the tokens, recovery none" "$T1"
t_eq "apply: state says the boot menu is done" "done" "$(state update)"

# 2. unchanged: nothing rewritten, nothing run
touch -d @978307200 /boot/grub/grub.cfg /etc/default/grub.d/99-hugeplan.cfg
run a2 apply --config "$T/conf"
t_eq "apply again: exits 0" 0 "$RC"
t_grep "apply again: unchanged" "^unchanged: /etc/default/grub.d/99-hugeplan.cfg" "$T/a2.out"
t_grep "apply again: grub-mkconfig not run" "^not running .*: nothing changed$" "$T/a2.out"
t_eq "apply again: grub.cfg and snippet mtimes kept" "978307200 978307200" \
	"$(stat -c %Y /boot/grub/grub.cfg /etc/default/grub.d/99-hugeplan.cfg | paste -sd' ')"

# 3. with update-grub (a fake one that logs, fails on demand, else does what Debian's does)
cat >"$T/sbin/update-grub" <<X
#!/bin/sh
echo "update-grub \$#" >>"$T/update.log"
[ -e "$T/fail" ] && exit 3
exec grub-mkconfig -o /boot/grub/grub.cfg
X
chmod 755 "$T/sbin/update-grub"
ns_update_grub "$T"
calls() {
	wc -l <"$T/update.log" 2>/dev/null | tr -d ' ' || echo 0
}
web 256M
T2=$(toks 128)
run a3 apply --config "$T/conf"
t_eq "changed plan: exits 0" 0 "$RC"
t_eq "changed plan: update-grub ran once, without arguments" "update-grub 0" "$(cat "$T/update.log")"
grub_has "changed plan: grub.cfg has the new tokens" "$T2"

# 4. update-grub fails: exit 2, the state remembers, the next apply finishes the job
: >"$T/fail"
web 384M
T3=$(toks 192)
run a4 apply --config "$T/conf"
t_eq "failing update-grub: exits 2" 2 "$RC"
t_grep "failing update-grub: reports its exit status" "/usr/sbin/update-grub: exit status 3; the boot menu is not updated" "$T/a4.err"
t_eq "failing update-grub: state pending" "pending" "$(state update)"
grub_has "failing update-grub: grub.cfg still has the previous tokens" "$T2"
rm "$T/fail"
n=$(calls)
run a5 apply --config "$T/conf"
t_eq "after a failed update: exits 0" 0 "$RC"
t_grep "after a failed update: says why it runs update-grub again" "did not complete" "$T/a5.out"
t_eq "after a failed update: update-grub ran once more" $((n + 1)) "$(calls)"
grub_has "after a failed update: grub.cfg has the tokens" "$T3"
t_eq "after a failed update: state done" "done" "$(state update)"
run a6 apply --config "$T/conf"
t_eq "then unchanged: update-grub not run" $((n + 1)) "$(calls)"

# 5. --no-update
web 128M
run a7 apply --config "$T/conf" --no-update
t_eq "--no-update: exits 0" 0 "$RC"
t_eq "--no-update: update-grub not run" $((n + 1)) "$(calls)"
t_grep "--no-update: says so" "^not running /usr/sbin/update-grub: --no-update" "$T/a7.out"
grub_has "--no-update: grub.cfg not regenerated" "$T3"
run a8 apply --config "$T/conf" --dry-run
t_grep "dry run with a pending update: would run it" "^would run: /usr/sbin/update-grub$" "$T/a8.out"
t_eq "dry run: update-grub not run" $((n + 1)) "$(calls)"

# 6. remove: the snippet goes, update-grub runs, the user's own settings come back as they were
run r1 remove
t_eq "remove: exits 0" 0 "$RC"
t_eq "remove: snippet and state gone" "no no" \
	"$([ -e /etc/default/grub.d/99-hugeplan.cfg ] && echo yes || echo no) $([ -e /var/lib/hugeplan/applied ] && echo yes || echo no)"
t_eq "remove: update-grub ran" $((n + 2)) "$(calls)"
grub_has "remove: grub.cfg has the user's own words again, hugeplan's none" "hugepages=64"

t_done
