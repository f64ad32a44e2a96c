#!/bin/sh
# The dracut hook never blocks a boot: dracut-module/50hugeplan/hugeplan-verify.sh, in its
# non-strict default, returns 0 and never calls emergency_shell, whatever the command line,
# sysfs, /dev/kmsg and /run look like.
#
# What runs is what dracut's init runs: the real dracut-lib.sh (getarg, getargbool, info,
# warn, with the real dracut-getarg) sources the real hook, in dash or bash, with and without
# DRACUT_SYSTEMD. Only two things are test doubles: emergency_shell, which would take over
# the console, records its call instead; and "hugeplan-verify" on PATH runs the real
# build/hugeplan-verify with --root on a fixture root (the shipped hook is unchanged). In a
# private mount namespace, /proc/cmdline, /dev (with or without kmsg), /run and /var/log are
# the test's own.
#
# Each of HOOK_CASES cases (default 80; HOOK_SEED picks them and is printed) draws a command
# line (random bytes, a 64 KiB line, 16 times the kernel's limit, or hugetlb and rd.hugeplan
# words with bad values, quotes and shell syntax), breaks some of the fixture's sysfs files (missing, empty, random bytes,
# out of range, a directory), its kmsg, its run folder, the host's /dev/kmsg and /run. The
# hook must print nothing that stops the boot: it returns 0 within 20 s, emergency_shell is
# not called, no word of the command line runs as a command, the verifier exits 0, 1 or 2
# (never a signal), and every report it writes is strict JSON. Controls that must trip:
# rd.hugeplan.strict=1 on a short boot calls emergency_shell; rd.hugeplan=0 skips the check.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/lib/ns.sh
. "$TOP/tests/lib/ns.sh"
ns_reexec "$0" "$@"
t_init
T=$T_TMP
: "${HOOK_CASES:=80}"
: "${HOOK_SEED:=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}"
echo "# HOOK_CASES=$HOOK_CASES HOOK_SEED=$HOOK_SEED"
HOOK=$TOP/dracut-module/50hugeplan/hugeplan-verify.sh
LIB=/usr/lib/dracut/modules.d/99base/dracut-lib.sh
UTIL=/usr/lib/dracut/dracut-util
FIXSRC=$TOP/tests/fixtures/qemu-numa-1g2g
if [ ! -f "$LIB" ] || [ ! -x "$UTIL" ]; then
	t_fail "dracut's dracut-lib.sh and dracut-util are installed (dracut-core, tests/install-deps.sh)"
	t_done
	exit 1
fi
# shellcheck source=tests/lib/rand.sh
. "$TOP/tests/lib/rand.sh"
rand_init "$HOOK_SEED"

# the namespace: our /run (with /run/initramfs, else dracut-lib.sh links /var/log to it), our
# /var/log, /proc/cmdline from a file, /dev holding null (and kmsg, a file, when wanted)
mkdir -p "$T/dev"
if ! { mount --make-rprivate / && mount -t tmpfs hp-run /run && mkdir -p /run/initramfs &&
	mount -t tmpfs hp-log /var/log && : >"$T/cmdline" &&
	mount --bind "$T/cmdline" /proc/cmdline && mount -t tmpfs hp-dev "$T/dev" &&
	: >"$T/dev/null" && mount --bind /dev/null "$T/dev/null" && mount --bind "$T/dev" /dev; }; then
	t_fail "private /run, /var/log, /proc/cmdline and /dev"
	t_done
	exit 1
fi
t_ok "private /run, /var/log, /proc/cmdline and /dev"

mkdir -p "$T/bin"
ln -s "$UTIL" "$T/bin/dracut-getarg"
cat >"$T/bin/hugeplan-verify" <<X
#!/bin/sh
"$B/hugeplan-verify" --root "$T/fix" "\$@"
rc=\$?
echo \$rc >>"$T/verify.rc"
exit \$rc
X
chmod 755 "$T/bin/hugeplan-verify"
# what dracut's init does for a hook, and no more
cat >"$T/driver.sh" <<'X'
wait_for_dev() { :; } # else dracut-lib.sh sources /lib/dracut-dev-lib.sh, not needed here
. "$HP_LIB"
emergency_shell() { echo "emergency_shell $*" >>"$HP_EMERG"; }
. "$HP_HOOK"
echo "hook returned $?"
X


# shellcheck disable=SC2016 # hostile words, for the hook to read as they are
WORDS='hugepagesz=2M hugepagesz=1G hugepagesz=1Q hugepagesz= hugepages=64 hugepages=-1
hugepages=99999999999999999999999 hugepages=0:64,1:32 hugepages=0:1,x hugepages=:: hugepages
default_hugepagesz=1G default_hugepagesz=banana hugetlb_free_vmemmap=on rd.hugeplan
rd.hugeplan=1 rd.hugeplan=yes rd.hugeplan=no rd.hugeplan=off rd.hugeplan=2 rd.hugeplan=-1
rd.hugeplan= rd.hugeplan=0x1 rd.hugeplan="1 rd.hugeplan=$(touch${IFS}@PWN@)
rd.hugeplan=`touch${IFS}@PWN@` rd.hugeplan=;touch${IFS}@PWN@ rd.hugeplan.strict=0
rd.hugeplan.strict=no rd.hugeplan.strict=off hugeplan.plan=zzz hugeplan.plan=0123456789abcdef
hugeplan.plan= quiet loglevel=99 rd.info root=/dev/sda " x="unclosed ; | & \ * ? ~ $HOME
-- init=/bin/sh é ☃'
for w in $WORDS; do echo "$w"; done >"$T/words"
NWORDS=$(wc -l <"$T/words")

cmdline() { # the case's command line, on stdout
	rnd 8
	case $R in
	0)
		rnd 4096
		bytes "$R"
		;;
	1) awk 'BEGIN { for (i = 0; i < 5000; i++) printf "hugepages=%d ", i; print "rd.hugeplan=maybe" }' ;;
	2) ;;
	3 | 4)
		[ "$R" = 3 ] && printf '%s ' "$(cat "$FIXSRC/proc/cmdline")"
		rnd 30
		n=$((R + 1)) line=
		while [ "$n" -gt 0 ]; do
			rnd "$NWORDS"
			line="$line$(sed -n "$((R + 1))p" "$T/words") "
			n=$((n - 1))
		done
		printf '%s' "$line" | sed "s|@PWN@|$T/pwned|g"
		rnd 4
		[ "$R" = 0 ] && bytes 40
		;;
	esac
}

# break the fixture root's files, pools and logs
breakfix() {
	find "$T/fix/sys" -type f >"$T/sysfiles"
	nf=$(wc -l <"$T/sysfiles")
	rnd 8
	k=$((R > 4 ? 0 : R))
	while [ "$k" -gt 0 ]; do
		k=$((k - 1))
		rnd "$nf"
		f=$(sed -n "$((R + 1))p" "$T/sysfiles")
		[ -f "$f" ] || continue
		rnd 8
		case $R in
		0) rm -f "$f" ;;
		1) : >"$f" ;;
		2)
			rnd 300
			bytes "$R" >"$f"
			;;
		3) echo -5 >"$f" ;;
		4) echo 18446744073709551616 >"$f" ;;
		5) printf ' 12 \n\n3\n' >"$f" ;;
		6) rm -f "$f" && mkdir "$f" ;;
		7) bytes 100000 >"$f" ;;
		esac
	done
	rnd 20
	case $R in
	0) rm -rf "$T/fix/sys/kernel/mm/hugepages" ;;
	1) rm -rf "$T/fix/sys/devices/system/node" ;;
	2) rm -rf "$T/fix/sys" ;;
	3) rm -f "$T/fix/proc/sys/kernel/osrelease" ;;
	4) bytes 64 >"$T/fix/proc/sys/kernel/osrelease" ;;
	esac
	rnd 10
	case $R in
	0) rm -f "$T/fix/dev/kmsg" ;;
	1) : >"$T/fix/dev/kmsg" ;;
	2)
		rnd 20000
		bytes "$R" >"$T/fix/dev/kmsg"
		;;
	esac
	rnd 10
	[ "$R" = 0 ] && rm -rf "$T/fix/run" && echo "not a directory" >"$T/fix/run"
	return 0
}

# run_hook SHELL: the driver; sets HOUT, HRC
run_hook() {
	rm -f "$T/emergency" "$T/verify.rc"
	env -i PATH="$T/bin:/usr/sbin:/usr/bin:/sbin:/bin" HP_LIB="$LIB" HP_HOOK="$HOOK" \
		HP_EMERG="$T/emergency" ${SYSD:+DRACUT_SYSTEMD=1} \
		timeout 20 "$1" "$T/driver.sh" >"$T/hook.out" 2>"$T/hook.err"
	HRC=$?
	HOUT=$(tail -n1 "$T/hook.out")
}

fresh() {
	rm -rf "$T/fix" && cp -a "$FIXSRC" "$T/fix" && rm -rf "$T/fix/run" && mkdir -p "$T/fix/run"
	rm -rf /run/hugeplan
}

# --- controls: the recorder and the switches work
CASE=0
fresh
cp "$FIXSRC/proc/cmdline" "$T/cmdline"
SYSD=
run_hook dash
t_eq "control: the real boot capture (short), default: hook returns 0, no emergency shell" \
	"hook returned 0|1|no" "$HOUT|$(cat "$T/verify.rc")|$([ -e "$T/emergency" ] && echo yes || echo no)"
t_grep "control: the summary is shown" "short" "$T/hook.err"
printf '%s rd.hugeplan.strict=1\n' "$(cat "$FIXSRC/proc/cmdline")" >"$T/cmdline"
fresh
run_hook dash
t_eq "control: rd.hugeplan.strict=1 on a short boot calls emergency_shell -n hugeplan" \
	"hook returned 0|emergency_shell -n hugeplan" "$HOUT|$(cut -d' ' -f1-3 "$T/emergency" 2>/dev/null)"
printf '%s rd.hugeplan=0\n' "$(cat "$FIXSRC/proc/cmdline")" >"$T/cmdline"
fresh
run_hook dash
t_eq "control: rd.hugeplan=0 skips the verifier" "hook returned 0|" "$HOUT|$(cat "$T/verify.rc" 2>/dev/null)"

# --- the cases
mkdir -p "$T/reports"
RAN=0 SHORT=0 ERR=0 SKIPPED=0
CASE=1
while [ "$CASE" -le "$HOOK_CASES" ]; do
	fresh
	cmdline >"$T/cmdline.new"
	cat "$T/cmdline.new" >"$T/cmdline" # the same file: the bind mount stays
	cp "$T/cmdline.new" "$T/fix/proc/cmdline"
	breakfix
	desc=
	SYSD=
	rnd 2
	[ "$R" = 0 ] && SYSD=1 desc="$desc DRACUT_SYSTEMD=1"
	sh=dash
	rnd 4
	[ "$R" = 0 ] && sh=bash
	rnd 5
	if [ "$R" = 0 ]; then
		rm -f /dev/kmsg
		desc="$desc no-/dev/kmsg"
	else
		: >/dev/kmsg
	fi
	ro=
	rnd 7
	if [ "$R" = 0 ]; then
		mount -o remount,ro /run && ro=1 desc="$desc read-only-/run"
	fi
	run_hook $sh
	[ -n "$ro" ] && mount -o remount,rw /run
	bad=
	[ "$HRC" = 0 ] || bad="$bad; the shell exits $HRC$([ "$HRC" = 124 ] && echo ' (timed out)')"
	[ "$HOUT" = "hook returned 0" ] || bad="$bad; the hook did not return 0: '$HOUT'"
	[ ! -e "$T/emergency" ] || bad="$bad; emergency_shell called: $(cat "$T/emergency")"
	[ ! -e "$T/pwned" ] || bad="$bad; a command line word ran as a command"
	rm -f "$T/pwned"
	vrc=$(cat "$T/verify.rc" 2>/dev/null)
	case $vrc in
	0) RAN=$((RAN + 1)) ;;
	1) SHORT=$((SHORT + 1)) ;;
	2) ERR=$((ERR + 1)) ;;
	"") SKIPPED=$((SKIPPED + 1)) ;;
	*) bad="$bad; hugeplan-verify exits $vrc" ;;
	esac
	[ -f "$T/fix/run/hugeplan/boot-report.json" ] &&
		cp "$T/fix/run/hugeplan/boot-report.json" "$T/reports/$CASE.json"
	what="case $CASE: $sh$desc, cmdline $(wc -c <"$T/cmdline") bytes, verifier ${vrc:-not run}"
	if [ -z "$bad" ]; then
		t_ok "$what: hook returns 0, no emergency shell"
	else
		t_fail "$what" "${bad#; }" "cmdline: $(head -c 200 "$T/cmdline" | tr -c '[:print:]' '?')"
		cp "$T/cmdline" "$T/failed-cmdline.$CASE"
	fi
	CASE=$((CASE + 1))
done
echo "# verifier: $RAN met or nothing to check, $SHORT short, $ERR errors, $SKIPPED not run (rd.hugeplan=0, read-only /run)"

n=$(find "$T/reports" -mindepth 1 -maxdepth 1 | wc -l)
if python3 - "$T/reports" >"$T/json.err" 2>&1 <<'X'; then
import json, os, sys
d = sys.argv[1]
def no_const(c):
    raise ValueError("not JSON: " + c)
for f in sorted(os.listdir(d)):
    with open(os.path.join(d, f), "rb") as fp:
        raw = fp.read()
    try:
        json.loads(raw.decode("utf-8"), parse_constant=no_const)
    except Exception as e:
        print(f, e)
        sys.exit(1)
X
	t_ok "the $n reports written are strict JSON (UTF-8)"
else
	t_fail "the $n reports written are strict JSON (UTF-8)" "$(cat "$T/json.err")"
fi
umount /dev && umount "$T/dev/null" && umount "$T/dev" && umount /proc/cmdline
t_done
