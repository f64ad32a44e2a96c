#!/bin/sh
# hugeplan apply and remove on the running system (a private mount namespace, tests/lib/ns.sh)
# where they run update-grub, with the boot menu update failing every way it can and apply
# stopping between its steps. update-grub here is a fake that logs, per call, the snippet it
# would read (its checksum, or "none"), and fails when told to.
#
# The rule under test: after any failure or crash, the next run regenerates the boot menu
# unless the state says it was regenerated after the snippet got its current content
# (update=done with these tokens). So:
#   - the update itself fails (pipe, fork, exec, the child's exit status or signal, wait):
#     exit 2, the step named, the snippet new, the state "pending"; the next run updates.
#   - apply stops after the snippet's rename but before its state (a failed directory
#     fsync, a failed state write, kill -9 while update-grub runs): the next run updates too,
#     although the snippet itself is unchanged by then.
#   - remove: likewise with the snippet gone and the state still there.
# Faults go into the main process only (strace counts per tracee, tests/lib/inject.sh), except
# exec, which is failed in the child by path (-P).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/lib/ns.sh
. "$TOP/tests/lib/ns.sh"
ns_reexec --grub "$0" "$@"
t_init
# shellcheck source=tests/lib/inject.sh
. "$TOP/tests/lib/inject.sh"
if ! inj_usable; then
	t_done
	exit
fi
T=$T_TMP
HP=$B/hugeplan
if ! ns_system "$T"; then
	t_done
	exit 1
fi
printf 'GRUB_CMDLINE_LINUX_DEFAULT="quiet"\n' >/etc/default/grub
cat >"$T/sbin/update-grub" <<X
#!/bin/sh
s=none
[ -f /etc/default/grub.d/99-hugeplan.cfg ] && s=\$(md5sum </etc/default/grub.d/99-hugeplan.cfg | cut -c1-32)
echo "\$s" >>"$T/update.log"
[ -e "$T/fail" ] && exit 3
[ -e "$T/die" ] && kill -9 \$\$
[ -e "$T/slow" ] && sleep 2
exit 0
X
chmod 755 "$T/sbin/update-grub"
ns_update_grub "$T" || {
	t_done
	exit 1
}
[ "$(ls -A /etc/default/grub.d)" = "" ] || t_fail "grub.d starts empty"
SNIP=/etc/default/grub.d/99-hugeplan.cfg
ST=/var/lib/hugeplan/applied
UG=/usr/sbin/update-grub
mkdir -p "$T/conf/vms.d"
plan() { # old|new: small enough for any machine's node 0
	printf '[VM]\nMemory=64M\nPageSize=2M\n' >"$T/conf/vms.d/a.conf"
	if [ "$1" = new ]; then
		printf '[VM]\nMemory=32M\nPageSize=2M\n' >"$T/conf/vms.d/b.conf"
	else
		rm -f "$T/conf/vms.d/b.conf"
	fi
}

# snapshots of the system's hugeplan files: save NAME, load NAME
save() {
	rm -rf "$T/snap/$1" && mkdir -p "$T/snap/$1/grub.d" "$T/snap/$1/lib"
	cp -a /etc/default/grub.d/. "$T/snap/$1/grub.d/"
	cp -a /var/lib/. "$T/snap/$1/lib/"
}
load() {
	rm -rf /etc/default/grub.d/* /etc/default/grub.d/.[!.]* /var/lib/*
	cp -a "$T/snap/$1/grub.d/." /etc/default/grub.d/
	cp -a "$T/snap/$1/lib/." /var/lib/
	rm -f "$T/update.log" "$T/fail" "$T/die" "$T/slow"
}
calls() {
	if [ -f "$T/update.log" ]; then
		wc -l <"$T/update.log" | tr -d ' '
	else
		echo 0
	fi
}
snip() { # what the snippet is: pre, post or absent/other
	if [ ! -e $SNIP ]; then
		echo absent
	elif cmp -s $SNIP "$T/snap/$1/grub.d/99-hugeplan.cfg"; then
		echo "$1"
	else
		echo other
	fi
}
upd() { # the state's update= (or "no state")
	if [ -f $ST ]; then
		sed -n 's/^update=//p' $ST
	else
		echo "no state"
	fi
}
stray() { # temporary files left anywhere hugeplan writes
	find /etc/default /var/lib -name '.*~' | tr '\n' ' '
}

# --- the states: OLD applied (update done), NEW in the configuration
plan old
"$HP" apply --config "$T/conf" >"$T/o" 2>&1 || t_fail "apply the old plan" "$(cat "$T/o")"
t_eq "old plan applied, update done" "done 1" "$(upd) $(calls)"
save old
plan new
rm -f "$T/update.log"
"$HP" apply --config "$T/conf" >"$T/o" 2>&1 || t_fail "apply the new plan" "$(cat "$T/o")"
t_eq "new plan applied, update done" "done 1" "$(upd) $(calls)"
NEWSUM=$(md5sum <$SNIP | cut -c1-32)
t_eq "update-grub read the new snippet" "$NEWSUM" "$(tail -n1 "$T/update.log")"
save new
load old
inj_trace "$T/apply.trace" "$HP" apply --config "$T/conf" >"$T/o" 2>&1
t_eq "clean traced apply: exit 0" 0 $?

# outcome RC STEP_RE UPDATE CALLS: what a faulty run (status $RC, stderr in $T/err) did
# otherwise than wanted, into $bad: its status, message, state, update-grub runs, strays
outcome() {
	bad=
	[ "$RC" = "$1" ] || bad="$bad; exit $RC, not $1"
	[ -z "$2" ] || grep -Eq "$2" "$T/err" || bad="$bad; no message /$2/: $(tail -n2 "$T/err" | tr '\n' ' ')"
	[ "$(upd)" = "$3" ] || bad="$bad; state update=$(upd), not $3"
	[ "$(calls)" = "$4" ] || bad="$bad; update-grub ran $(calls) times, not $4"
	[ -z "$(stray)" ] || bad="$bad; left: $(stray)"
}

# after NAME RC STEP_RE SNIP UPDATE CALLS: the outcome of a faulty run (its stderr in $T/err)
# and of the clean run that follows, which must run update-grub once more and end "done"
after() {
	name=$1 rc=$2 want_snip=$4 want_upd=$5 want_calls=$6
	outcome "$rc" "$3" "$want_upd" "$want_calls"
	[ "$(snip new)" = "$want_snip" ] || bad="$bad; snippet $(snip new), not $want_snip"
	"$HP" apply --config "$T/conf" >"$T/out2" 2>"$T/err2"
	r2=$?
	[ $r2 = 0 ] || bad="$bad; the next apply exits $r2: $(tail -n1 "$T/err2")"
	[ "$(calls)" = $((want_calls + 1)) ] ||
		bad="$bad; the next apply ran update-grub $(($(calls) - want_calls)) times, not once"
	[ "$(tail -n1 "$T/update.log" 2>/dev/null)" = "$NEWSUM" ] ||
		bad="$bad; update-grub did not read the new snippet last"
	[ "$(snip new).$(upd)" = new.done ] || bad="$bad; then snippet $(snip new), update=$(upd)"
	if [ -z "$bad" ]; then
		t_ok "$name: exit $rc, snippet $want_snip, state $want_upd; the next apply runs update-grub"
	else
		t_fail "$name" "${bad#; }"
	fi
}

fault() { # SYSCALL AFTER_RE TARGET_RE: the ordinal of that call in the clean trace
	n=$(inj_nth "$T/apply.trace" "$1" "$2" "$3")
	[ -n "$n" ] || t_fail "find $1 ~ $3 in the clean trace"
	echo "${n:-1}"
}

# apply_fault SYSCALL AFTER_RE TARGET_RE ERRNO: apply from the old state with that call
# (found as fault() finds it) failing once; status in RC, output in $T/out and $T/err
apply_fault() {
	load old
	n=$(fault "$1" "$2" "$3")
	inj_fail "$1" "$n" "$4" "$HP" apply --config "$T/conf" >"$T/out" 2>"$T/err"
	RC=$?
}

# --- the update fails
# the directory is opened once and named relative to it (sys/atomic-file.h): renameat
apply_fault pipe2 '^renameat2?\(' '.' EMFILE
after "pipe2 fails" 2 "^hugeplan apply: $UG: cannot run: pipe: Too many open files; the boot menu is not updated$" new pending 0

apply_fault clone '^renameat2?\(' '.' EAGAIN
after "fork (clone) fails" 2 "^hugeplan apply: $UG: cannot run: fork: Resource temporarily unavailable; " new pending 0

load old
strace -f -qq -o /dev/null -P $UG -e trace=execve -e inject=execve:error=EACCES:when=1 \
	"$HP" apply --config "$T/conf" >"$T/out" 2>"$T/err"
RC=$?
after "exec fails in the child" 2 "^hugeplan apply: $UG: cannot run: exec: Permission denied; " new pending 0

load old
: >"$T/fail"
"$HP" apply --config "$T/conf" >"$T/out" 2>"$T/err"
RC=$?
rm -f "$T/fail"
after "update-grub exits 3" 2 "^hugeplan apply: $UG: exit status 3; the boot menu is not updated" new pending 1

load old
: >"$T/die"
"$HP" apply --config "$T/conf" >"$T/out" 2>"$T/err"
RC=$?
rm -f "$T/die"
after "update-grub killed" 2 "^hugeplan apply: $UG: exit status 137; " new pending 1

apply_fault wait4 '^renameat2?\(' '.' ECHILD
sleep 0.2 # the child was not waited for
after "wait fails" 2 "^hugeplan apply: $UG: cannot run: wait: No child processes; " new pending 1

# reading the child's exec report fails: it ran; its exit status is what counts
load old
n=$(inj_nth "$T/apply.trace" read '^clone' '.')
inj_fail read "${n:-1}" EIO "$HP" apply --config "$T/conf" >"$T/out" 2>"$T/err"
RC=$?
bad=
[ $RC = 0 ] || bad="exit $RC"
[ "$(snip new).$(upd).$(calls)" = new.done.1 ] || bad="$bad snippet $(snip new) update $(upd) calls $(calls)"
if [ -z "$bad" ]; then
	t_ok "the exec report cannot be read: update-grub ran, exit 0, state done"
else
	t_fail "the exec report cannot be read" "$bad"
fi

# --- apply stops between the snippet and its state
apply_fault fsync '^renameat2?\(.*"99-hugeplan.cfg"\)' '.' EIO
after "the snippet's directory fsync fails" 2 "^hugeplan apply: $SNIP: fsync directory: Input/output error: the change is made" new "done" 0

RN=$(inj_name "$T/apply.trace" '^rename(at2?)?\(')
apply_fault "$RN" '.' '"applied"\)' EIO
after "the state's rename fails after update-grub ran" 2 "^hugeplan apply: $ST: rename temporary file over target: " new "done" 1

apply_fault openat '^wait4' 'O_EXCL' ENOSPC
after "the state's temporary file cannot be created" 2 "^hugeplan apply: $ST: create temporary file: No space left on device" new "done" 1

# killed while update-grub runs: the orphan finishes, nothing records it
load old
: >"$T/slow"
n=$(fault wait4 '^renameat2?\(' '.')
inj_kill wait4 "$n" "$HP" apply --config "$T/conf" >"$T/out" 2>"$T/err"
RC=$?
sleep 2.5
rm -f "$T/slow"
after "killed (-9) while update-grub runs" 137 "" new "done" 1

# killed right after the snippet's rename, on the very first apply (no state at all)
load old
rm -rf /var/lib/hugeplan /etc/default/grub.d/99-hugeplan.cfg
inj_trace "$T/first.trace" "$HP" apply --config "$T/conf" >"$T/o" 2>&1
load old
rm -rf /var/lib/hugeplan /etc/default/grub.d/99-hugeplan.cfg
n=$(inj_nth "$T/first.trace" fsync '^renameat2?\(.*"99-hugeplan.cfg"\)' '.')
inj_kill fsync "${n:-1}" "$HP" apply --config "$T/conf" >"$T/out" 2>"$T/err"
RC=$?
after "first apply killed (-9) after the snippet's rename" 137 "" new "no state" 0

# --- remove
# rm_after NAME RC STEP_RE STATE_UPD CALLS: after a faulty remove, the next one must run
# update-grub (with the snippet gone) and remove the state
rm_after() {
	name=$1 rc=$2 want_upd=$4 want_calls=$5
	outcome "$rc" "$3" "$want_upd" "$want_calls"
	[ ! -e $SNIP ] || bad="$bad; the snippet is still there"
	"$HP" remove >"$T/out2" 2>"$T/err2"
	r2=$?
	[ $r2 = 0 ] || bad="$bad; the next remove exits $r2: $(tail -n1 "$T/err2")"
	[ "$(calls)" = $((want_calls + 1)) ] ||
		bad="$bad; the next remove ran update-grub $(($(calls) - want_calls)) times, not once"
	[ "$(tail -n1 "$T/update.log" 2>/dev/null)" = none ] ||
		bad="$bad; update-grub did not run without the snippet last"
	[ "$(upd)" = "no state" ] || bad="$bad; the state is still there"
	if [ -z "$bad" ]; then
		t_ok "remove: $name: exit $rc, snippet gone, state $want_upd; the next remove runs update-grub"
	else
		t_fail "remove: $name" "${bad#; }"
	fi
}

load new
inj_trace "$T/remove.trace" "$HP" remove >"$T/o" 2>&1
t_eq "clean traced remove: exit 0, update-grub ran once" "0 1" "$? $(calls)"

load new
: >"$T/fail"
"$HP" remove >"$T/out" 2>"$T/err"
RC=$?
rm -f "$T/fail"
rm_after "update-grub exits 3" 2 "^hugeplan remove: $UG: exit status 3; " pending 1

load new
n=$(inj_nth "$T/remove.trace" fsync '^unlinkat\(.*"99-hugeplan.cfg"' '.')
inj_fail fsync "${n:-1}" EIO "$HP" remove >"$T/out" 2>"$T/err"
RC=$?
rm_after "the snippet's directory fsync fails" 2 "^hugeplan remove: $SNIP: fsync directory: " "done" 0

load new
n=$(inj_nth "$T/remove.trace" unlinkat '.' '"applied"')
inj_fail unlinkat "${n:-1}" EROFS "$HP" remove >"$T/out" 2>"$T/err"
RC=$?
rm_after "the state cannot be removed" 2 "^hugeplan remove: $ST: remove file: Read-only file system" "done" 1

load new
: >"$T/slow"
n=$(inj_nth "$T/remove.trace" wait4 '.' '.')
inj_kill wait4 "${n:-1}" "$HP" remove >"$T/out" 2>"$T/err"
RC=$?
sleep 2.5
rm -f "$T/slow"
rm_after "killed (-9) while update-grub runs" 137 "" "done" 1

t_done
