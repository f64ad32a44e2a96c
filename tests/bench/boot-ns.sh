#!/bin/sh
# boot-ns.sh [-v] ROOT -- CMD [ARG...]: CMD in a private mount namespace where the places
# hugeplan-generator and hugeplan-verify read at boot show ROOT's copies, so that make bench
# times them as they run at boot (no HUGEPLAN_ROOT, no --root: no in-root path resolution, no
# StrictModes walk above a root) on a fixture's data. CMD is typically bench-spawn: both
# compared commands then run in the same namespace. -v says on stderr what was mounted.
#
# Run it as it is: it re-executes itself under "unshare -m --propagation private", so every
# mount below is undone when CMD ends and the host's own files are never written. Exit 3 with
# the reason on stderr when the namespace cannot be made (not root, no unshare): the caller
# then says "not measured" (exit 2 is what bench-spawn returns for a failed run). Any other
# failure to set up exits 1 and names the path.
#
# What is shown (each place from ROOT when ROOT has it; the list is what the two programs open
# at boot, found with "strace -f -e trace=%file,%desc" on both, rooted and not):
#   /run                        a fresh tmpfs, holding a copy of ROOT/run if there is one;
#                               at boot /run is a tmpfs too (the search dir /run/hugeplan and
#                               the verifier's report go there)
#   /proc/cmdline, /proc/sys/kernel/osrelease
#   /sys/kernel/mm/hugepages, /sys/devices/system/node (whole directories)
#   /dev/kmsg                   a regular file, read from its start and appended to by the
#                               verifier; at a real boot /dev/kmsg returns one record per
#                               read(), which a file does not show (a read here takes up to
#                               4 KiB of records at once)
#   /etc/fstab                  systemd-fstab-generator's input (set no SYSTEMD_FSTAB then)
#   /etc/hugeplan, /var/lib/hugeplan, /usr/lib/hugeplan, /etc/libvirt/qemu
#                               hugeplan's configuration, apply's state and libvirt's domains:
#                               where ROOT has none, an empty directory hides the host's (an
#                               absent directory cannot be made without changing the host)
# A place that ROOT has and the host lacks cannot be mounted on without creating it on the
# host: refused. The generator runs as root and judges ownership and modes from / down
# (config/perms.c), so the configuration directories bound must be root's and not group- or
# other-writable: checked here, before anything is mounted.
set -u
me=boot-ns.sh
usage() {
	echo "usage: $me [-v] ROOT -- CMD [ARG...]" >&2
	exit 1
}

inner=0
verbose=0
while [ $# -gt 0 ]; do
	case $1 in
	--in-namespace) inner=1 ;; # set by the re-execution below, not for callers
	-v) verbose=1 ;;
	-*) usage ;;
	*) break ;;
	esac
	shift
done
if [ $# -lt 3 ] || [ "$2" != -- ]; then
	usage
fi
root=$(cd "$1" 2>/dev/null && pwd) || {
	echo "$me: $1: not a directory" >&2
	exit 1
}
shift 2

if [ "$inner" = 0 ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "$me: needs root for a private mount namespace (uid $(id -u))" >&2
		exit 3
	fi
	if ! command -v unshare >/dev/null 2>&1; then
		echo "$me: unshare (util-linux) is not installed" >&2
		exit 3
	fi
	if ! err=$(unshare -m --propagation private true 2>&1); then
		echo "$me: unshare -m is not permitted here: $err" >&2
		exit 3
	fi
	v=
	[ "$verbose" = 1 ] && v=-v
	exec unshare -m --propagation private sh "$0" --in-namespace $v "$root" -- "$@"
fi

say() { [ "$verbose" = 0 ] || echo "$me: $*" >&2; }
die() {
	echo "$me: $*" >&2
	exit 1
}

# the places, "KIND PATH": fixture data bound where ROOT has it, hugeplan's own directories
# hidden behind an empty one where it has not
PLACES="data /proc/cmdline
data /proc/sys/kernel/osrelease
data /sys/kernel/mm/hugepages
data /sys/devices/system/node
data /dev/kmsg
data /etc/fstab
conf /etc/hugeplan
conf /var/lib/hugeplan
conf /usr/lib/hugeplan
conf /etc/libvirt/qemu"

# first every check, then the mounts: a refused ROOT mounts nothing
if ! echo "$PLACES" | {
	bad=0
	while read -r kind p; do
		if [ -e "$root$p" ]; then
			if [ ! -e "$p" ]; then
				echo "$me: $root$p: $p does not exist on this host, and making it would change the host" >&2
				bad=1
			fi
			a=file b=file
			[ -d "$root$p" ] && a=dir
			[ -d "$p" ] && b=dir
			if [ -e "$p" ] && [ "$a" != "$b" ]; then
				echo "$me: $root$p is a $a, $p a $b" >&2
				bad=1
			fi
			if [ "$kind" = conf ]; then
				w=$(find "$root$p" \( ! -user 0 -o -perm /022 \) ! -type l -print 2>&1 | head -n 3)
				if [ -n "$w" ]; then
					echo "$me: not root's or writable by group or others (the generator refuses it): $w" >&2
					bad=1
				fi
			fi
		fi
	done
	exit "$bad"
}; then
	exit 1
fi

mount -n --make-rprivate / || die "cannot make the namespace's mounts private"
mount -n -t tmpfs -o mode=0755 hugeplan-bench /run || die "cannot mount a tmpfs on /run"
if [ -d "$root/run" ]; then
	cp -a "$root/run/." /run/ || die "cannot copy $root/run into the namespace's /run"
fi
say "/run: a tmpfs$([ -d "$root/run" ] && echo ", with a copy of $root/run")"
while read -r kind p; do
	if [ -e "$root$p" ]; then
		mount -n --bind "$root$p" "$p" || die "cannot bind $root$p on $p"
		say "$p: $root$p"
	elif [ "$kind" = conf ] && [ -d "$p" ]; then
		# an empty read-only tmpfs: root's, mode 0755, gone with the namespace
		mount -n -t tmpfs -o ro,mode=0755,size=4k hugeplan-bench-empty "$p" ||
			die "cannot hide $p behind an empty directory"
		say "$p: an empty directory (none in $root)"
	fi
done <<EOF
$PLACES
EOF
# what the mounts show must be ROOT's (a bench that timed the host's own sysfs or
# configuration instead would be wrong without a sign)
while read -r kind p; do
	if [ -e "$root$p" ]; then
		if [ -d "$p" ]; then
			diff -r "$root$p" "$p" >/dev/null 2>&1 || die "$p does not show $root$p"
		else
			cmp -s "$root$p" "$p" || die "$p does not show $root$p"
		fi
	elif [ "$kind" = conf ] && [ -d "$p" ] && [ -n "$(ls -A "$p")" ]; then
		die "$p is not empty"
	fi
done <<EOF
$PLACES
EOF
exec "$@"
