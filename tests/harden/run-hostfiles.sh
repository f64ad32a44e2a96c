#!/bin/sh
# Issue 20 kept issue 12's rule on the running system: the verifier and the generator open
# /proc/cmdline, /proc/sys/kernel/osrelease and /sys/devices/system/node/online without a
# look first (sys/root.c kernel_file(): the kernel's own filesystems hold no device or FIFO),
# so what root may mount there all the same must still be refused after the open, and never
# wait. Here, in a private mount namespace (nothing of the host changes), each file in turn
# is covered by a FIFO nobody writes to, then by /dev/zero (a character device), and each
# program runs as at boot (no --root, no HUGEPLAN_ROOT): it must finish within 20 s, the
# verifier with exit 2 and "PATH: not a regular file", the generator with exit 0, a message
# naming the file and nothing generated. A regular file there is read as the kernel's.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_init
# shellcheck source=tests/harden/common.sh
. "$TOP/tests/harden/common.sh"

if [ "$(id -u)" != 0 ] || ! unshare -m true 2>/dev/null; then
	t_skip "the kernel's files covered in a private mount namespace" "needs root and unshare -m"
	t_done
	exit 0
fi

# in.sh PATH KIND -- CMD...: CMD in a private mount namespace where PATH shows KIND (fifo,
# device, file), /run is a tmpfs and /dev/kmsg a regular file (the verifier writes to both)
cat >"$T_TMP/in.sh" <<'EOF'
set -e
path=$1 kind=$2 tmp=$3
shift 4
mount --make-rprivate /
case $kind in
fifo) mkfifo "$tmp/cover" ;;
device) ln -s /dev/zero "$tmp/cover" ;;
file) printf 'root=/dev/sda1 ro\n' >"$tmp/cover" ;;
esac
mount --bind "$tmp/cover" "$path"
: >"$tmp/kmsg"
mount --bind "$tmp/kmsg" /dev/kmsg
mount -t tmpfs tmpfs /run
exec "$@"
EOF

for path in /proc/cmdline /proc/sys/kernel/osrelease /sys/devices/system/node/online; do
	[ -e "$path" ] || continue
	for kind in fifo device; do
		what="$kind over $path"
		d=$T_TMP/ns && rm -rf "$d" && mkdir -p "$d"
		run verify unshare -m sh "$T_TMP/in.sh" "$path" "$kind" "$d" -- "$HV"
		if [ "$RC" = 124 ]; then
			t_fail "$what: the verifier finishes" "it hung (timeout)"
		else
			t_eq "$what: the verifier exits 2" 2 "$RC"
			t_grep "$what: the verifier says it is not a regular file" \
				"$path: not a regular file" "$T_TMP/verify.err"
		fi
		rm -rf "$d" && mkdir -p "$d/out"
		run gen unshare -m sh "$T_TMP/in.sh" "$path" "$kind" "$d" -- \
			env -u SYSTEMD_SCOPE -u SYSTEMD_LOG_LEVEL -u HUGEPLAN_ROOT \
			SYSTEMD_LOG_TARGET=console "$HG" "$d/out" "$d/out" "$d/out"
		if [ "$RC" = 124 ]; then
			t_fail "$what: the generator finishes" "it hung (timeout)"
		else
			t_eq "$what: the generator exits 0" 0 "$RC"
			t_grep "$what: the generator names the file" "$path" "$T_TMP/gen.err"
			t_eq "$what: the generator generates nothing" "" "$(ls -A "$d/out")"
		fi
	done
done

# the same place with a regular file: read (the verifier finds no request in it: exit 0)
d=$T_TMP/ns && rm -rf "$d" && mkdir -p "$d"
run verify unshare -m sh "$T_TMP/in.sh" /proc/cmdline file "$d" -- "$HV"
t_eq "a regular file over /proc/cmdline: the verifier reads it (exit 0)" 0 "$RC"
t_grep "... and says nothing was requested" "nothing requested" "$T_TMP/verify.out"
t_done
