#!/bin/sh
# Issue 12 item 7: a masked file is a symbolic link to /dev/null or an empty file (and the
# null device itself, however reached); the landed loader took any character device as a
# mask, so a vms.d file that is /dev/zero, a tty or a link to one dropped its VM without a
# word. Any other character device is now an error naming the file in plan; the generator does
# not read vms.d at all (issue 20). (tests/hostile case 115 runs the same through every front end.)
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_init
# shellcheck source=tests/harden/common.sh
. "$TOP/tests/harden/common.sh"
if [ "$(id -u)" != 0 ]; then
	t_skip "character devices in vms.d" "mknod needs root"
	t_done
	exit 0
fi

R=$T_TMP/r
cp -R "$TOP/tests/fixtures/one-node-32g" "$R"
V=$R/etc/hugeplan/vms.d
mkdir -p "$V"
printf '[VM]\nMemory=2G\nPageSize=2M\n' >"$V/db.conf"

# masks: each leaves db alone in the plan
for m in link empty null; do
	rm -f "$V/aa.conf"
	case $m in
	link) ln -s /dev/null "$V/aa.conf" ;;
	empty) : >"$V/aa.conf" ;;
	null) mknod "$V/aa.conf" c 1 3 ;;
	esac
	run mask-$m "$HP" plan --root "$R"
	t_eq "mask ($m): exit 0" 0 "$RC"
	t_grep "mask ($m): aa is not planned, db is" "^db " "$T_TMP/mask-$m.out"
done

# not masks: /dev/zero's numbers, a tty's, and a link to a device node in the root
mkdir -p "$R/dev" && mknod "$R/dev/zero" c 1 5
for m in zero tty link; do
	rm -f "$V/aa.conf"
	case $m in
	zero) mknod "$V/aa.conf" c 1 5 ;;
	tty) mknod "$V/aa.conf" c 5 0 ;;
	link) ln -s /dev/zero "$V/aa.conf" ;;
	esac
	run dev-$m "$HP" plan --root "$R"
	t_eq "character device ($m): exit 2" 2 "$RC"
	t_grep "character device ($m): names it" "^$V/aa.conf: not a regular file \(a character device\)$" "$T_TMP/dev-$m.err"
	O=$T_TMP/gen-$m && mkdir -p "$O/n" "$O/e" "$O/l"
	env -u SYSTEMD_SCOPE -u SYSTEMD_LOG_LEVEL -u SYSTEMD_LOG_TARGET HUGEPLAN_ROOT="$R" \
		"$HG" "$O/n" "$O/e" "$O/l" >/dev/null 2>"$T_TMP/gen-$m.err"
	# the generator decides from the command line and apply's state: vms.d is not read at boot
	t_eq "character device ($m): the generator, which never reads vms.d, says nothing of it" \
		"" "$(grep aa.conf "$T_TMP/gen-$m.err")"
done
t_done
