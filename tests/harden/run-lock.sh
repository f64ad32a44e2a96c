#!/bin/sh
# Issue 12 item 1, the lock itself (sys/lock.h; the race of concurrent runs with the real
# grub-mkconfig is tests/grub/run-race.sh):
#   - another holder of /var/lib/hugeplan/lock beneath the root (util-linux flock(1), an
#     exclusive flock as hugeplan takes it): apply and remove wait --wait seconds, name the
#     holder (its PID, its command line, when it started: what the kernel and ps say), give
#     up with exit 2 and nothing written; once it lets go, the next run goes through;
#   - the lock file is never written and stays with the state: an apply that changes nothing
#     changes no file, directory or time stamp; remove, or a refused apply on an image never
#     applied to, leaves nothing behind;
#   - something else at the lock's path (a FIFO, a link, a hard link) is refused, untouched.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_init
# shellcheck source=tests/harden/common.sh
. "$TOP/tests/harden/common.sh"
LOCK=var/lib/hugeplan/lock
STATE=var/lib/hugeplan/applied
SNIP=etc/default/grub.d/99-hugeplan.cfg

# tree_t DIR: tree(), with each path's modification time
tree_t() {
	(cd "$1" && find . -printf '%p %y %s %m %T@\n' | LC_ALL=C sort)
}

R=$T_TMP/g
image "$R" grub

# a refused first apply (the plan does not fit) leaves the image as it was
printf '[VM]\nMemory=64G\nPageSize=1G\n' >"$R/etc/hugeplan/vms.d/huge.conf"
tree_t "$R" >"$T_TMP/before"
run refused "$HP" apply --root "$R"
t_eq "a plan that does not fit: exit 1" 1 "$RC"
tree_t "$R" >"$T_TMP/after"
t_diff "a refused first apply: the image as it was (no lock file, no directory, no time stamp)" \
	"$T_TMP/before" "$T_TMP/after"
rm "$R/etc/hugeplan/vms.d/huge.conf"

run first "$HP" apply --root "$R"
t_eq "first apply: exit 0" 0 "$RC"
t_eq "first apply: the lock file stays with the state, empty, 0644" "0 644" \
	"$(stat -c '%s %a' "$R/$LOCK" 2>&1)"
sleep 0.05
tree_t "$R" >"$T_TMP/before"
run again "$HP" apply --root "$R"
t_eq "an unchanged plan: exit 0" 0 "$RC"
t_grep "an unchanged plan: said so" "^unchanged: " "$T_TMP/again.out"
tree_t "$R" >"$T_TMP/after"
t_diff "an unchanged plan: no file, directory or time stamp changed" "$T_TMP/before" "$T_TMP/after"

# another holder: waited for, named, given up on with nothing written
flock -x -o "$R/$LOCK" sleep 30 &
holder=$!
i=0
while [ $i -lt 100 ] && ! grep -q "FLOCK  *ADVISORY  *WRITE $holder " /proc/locks; do
	sleep 0.05
	i=$((i + 1))
done
since=$(date -u -d "$(ps -o lstart= -p "$holder")" +%Y-%m-%dT%H:%M:%SZ)
printf '[VM]\nMemory=256M\nPageSize=2M\n' >"$R/etc/hugeplan/vms.d/web.conf"
tree_t "$R" >"$T_TMP/before"
t0=$(date +%s)
run wait "$HP" apply --root "$R" --wait 2
t1=$(date +%s)
t_eq "held by another: exit 2" 2 "$RC"
t_grep "held by another: says it waits, naming the holder as ps does" \
	"^hugeplan apply: waiting for $R/$LOCK, held by PID $holder \(flock -x -o $R/$LOCK sleep 30\), started $since$" "$T_TMP/wait.err"
t_grep "held by another: gives up, naming it again" \
	"^hugeplan apply: $R/$LOCK is held by PID $holder \(flock -x -o $R/$LOCK sleep 30\), started $since; gave up after 2 s: nothing written" "$T_TMP/wait.err"
t_eq "held by another: waited the 2 s asked (2-3 s)" yes \
	"$([ $((t1 - t0)) -ge 2 ] && [ $((t1 - t0)) -le 3 ] && echo yes || echo "no: $((t1 - t0)) s")"
tree_t "$R" >"$T_TMP/after"
t_diff "held by another: nothing written" "$T_TMP/before" "$T_TMP/after"
run rm-wait "$HP" remove --root "$R" --wait 0
t_eq "held by another, remove --wait 0: exit 2 at once" 2 "$RC"
t_grep "remove --wait 0: names the holder" \
	"^hugeplan remove: $R/$LOCK is held by PID $holder \(flock -x -o $R/$LOCK sleep 30\)" "$T_TMP/rm-wait.err"
t_eq "remove --wait 0: the snippet still there" yes "$([ -e "$R/$SNIP" ] && echo yes || echo no)"
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
run after "$HP" apply --root "$R" --wait 0
t_eq "the holder gone: the next apply goes through" 0 "$RC"
t_grep "the holder gone: the change made" "^wrote $R/$SNIP: .*hugepagesz=2M hugepages=128" "$T_TMP/after.out"

# remove: the state goes, and the lock with it
run rm "$HP" remove --root "$R"
t_eq "remove: exit 0" 0 "$RC"
t_eq "remove: no state, no lock file left" "no no" \
	"$([ -e "$R/$STATE" ] && echo yes || echo no) $([ -e "$R/$LOCK" ] && echo yes || echo no)"

# not hugeplan's lock: refused, left as it is
"$HP" apply --root "$R" >/dev/null 2>&1 || t_fail "apply before the foreign locks"
for kind in fifo link hardlink; do
	rm -f "$R/$LOCK" "$T_TMP/elsewhere"
	case $kind in
	fifo) mkfifo "$R/$LOCK" ;;
	link) : >"$T_TMP/elsewhere" && ln -s "$T_TMP/elsewhere" "$R/$LOCK" ;;
	hardlink) : >"$T_TMP/elsewhere" && ln "$T_TMP/elsewhere" "$R/$LOCK" ;;
	esac
	printf '[VM]\nMemory=%sM\nPageSize=2M\n' "$(date +%N | cut -c1-2)2" >"$R/etc/hugeplan/vms.d/web.conf"
	tree_t "$R" >"$T_TMP/before"
	run "foreign-$kind" "$HP" apply --root "$R" --wait 1
	t_eq "a $kind at the lock's path: exit 2" 2 "$RC"
	t_grep "a $kind at the lock's path: says why" \
		"^hugeplan apply: $R/${LOCK}[: ].*nothing written" "$T_TMP/foreign-$kind.err"
	tree_t "$R" >"$T_TMP/after"
	t_diff "a $kind at the lock's path: nothing written, it left as it is" "$T_TMP/before" "$T_TMP/after"
done
t_done
