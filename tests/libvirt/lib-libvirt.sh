# The real libvirt (Debian's libvirt-daemon-system), started by hand in a private mount
# namespace so that the host's libvirt, its /etc/libvirt and its /var/lib/libvirt are never
# touched (E2E-NOTES.md, "libvirt, for real"). For this tier and for the libvirt-runtime and
# libvirt-hook tiers (issues 15, 16). Sourced after tests/lib.sh.
# shellcheck shell=sh
#
# Interface:
#   lv_start DIR [NODES]  hold a mount namespace; in it tmpfs over /etc/libvirt (seeded from
#                         the package's defaults without domains, autostart links and hooks),
#                         /var/lib/libvirt, /run/libvirt, /var/log/libvirt, /var/cache/libvirt;
#                         hugetlbfs for 2M and 1G (0 pages) at $LV_HP2M and $LV_HP1G; with
#                         NODES=2, a 2-node copy of /sys/devices/system/node bind-mounted (libvirt
#                         then accepts host nodes 0-1); then virtlogd and libvirtd. DIR is a
#                         scratch folder of the caller. 0, or 1 with the reason in $LV_ERR.
#   lv_run CMD...         run CMD inside the namespace (virsh, cat, ...)
#   virsh_ns ARGS...      virsh -c qemu:///system ARGS inside the namespace
#   lv_stop               stop libvirtd, virtlogd and the namespace, by PID; safe to call twice;
#                         lv_start installs it as an EXIT trap (a caller with its own trap calls it)
# Variables: LV_HOLD (the namespace's holder PID), LV_PIDS, LV_HP2M, LV_HP1G (the mounts'
# paths inside the namespace: under /var/lib/libvirt, so nothing is made on the host's /dev).

LV_HOLD=
LV_PIDS=
LV_HP2M=/var/lib/libvirt/hugepages2M
LV_HP1G=/var/lib/libvirt/hugepages1G
LV_ERR=

lv_run() {
	nsenter -t "$LV_HOLD" -m -- "$@"
}

virsh_ns() {
	lv_run virsh -q -c qemu:///system "$@"
}

# (each kill may find its process gone: "|| :", so that a caller under set -e gets through)
lv_stop() {
	for _p in $LV_PIDS; do
		kill "$_p" 2>/dev/null || :
	done
	for _p in $LV_PIDS; do
		_i=0
		while kill -0 "$_p" 2>/dev/null && [ $_i -lt 50 ]; do
			sleep 0.1
			_i=$((_i + 1))
		done
		kill -9 "$_p" 2>/dev/null || :
	done
	LV_PIDS=
	if [ -n "$LV_HOLD" ]; then
		kill "$LV_HOLD" 2>/dev/null || :
		wait "$LV_HOLD" 2>/dev/null || :
	fi
	LV_HOLD=
}

# _lv_fake_nodes DIR N: a sysfs node directory with N nodes (CPUs and memory split evenly)
_lv_fake_nodes() {
	_d=$1 _n=$2
	mkdir -p "$_d"
	_last=$((_n - 1))
	for _f in online possible has_memory has_normal_memory has_cpu; do
		echo "0-$_last" >"$_d/$_f"
	done
	_i=0
	_cpus=$(nproc)
	while [ $_i -lt "$_n" ]; do
		mkdir -p "$_d/node$_i/hugepages/hugepages-2048kB" "$_d/node$_i/hugepages/hugepages-1048576kB"
		echo $((_i % _cpus)) >"$_d/node$_i/cpulist"
		_dist=
		_j=0
		while [ $_j -lt "$_n" ]; do
			[ $_j -eq $_i ] && _dist="$_dist 10" || _dist="$_dist 20"
			_j=$((_j + 1))
		done
		echo "${_dist# }" >"$_d/node$_i/distance"
		printf 'Node %d MemTotal:       8388608 kB\nNode %d MemFree:        4194304 kB\n' $_i $_i >"$_d/node$_i/meminfo"
		for _s in 2048kB 1048576kB; do
			for _k in nr_hugepages free_hugepages surplus_hugepages; do
				echo 0 >"$_d/node$_i/hugepages/hugepages-$_s/$_k"
			done
		done
		_i=$((_i + 1))
	done
}

lv_start() {
	_dir=$1 _nodes=${2:-1}
	for _c in libvirtd virtlogd virsh nsenter unshare; do
		command -v "$_c" >/dev/null 2>&1 || {
			LV_ERR="$_c is not installed (tests/install-deps.sh)"
			return 1
		}
	done
	mkdir -p "$_dir/seed"
	cp -a /etc/libvirt/. "$_dir/seed/"
	rm -rf "$_dir/seed/hooks" "$_dir/seed/qemu/autostart" "$_dir/seed/qemu/networks/autostart"
	find "$_dir/seed/qemu" -maxdepth 1 -name '*.xml' -delete
	[ "$_nodes" -gt 1 ] && _lv_fake_nodes "$_dir/nodes" "$_nodes"
	# its output is not the caller's: a pipe the caller reads would stay open for an hour
	unshare -m --propagation private sleep 3600 >/dev/null 2>&1 </dev/null &
	LV_HOLD=$!
	trap 'lv_stop; command -v t_cleanup >/dev/null && t_cleanup' EXIT
	sleep 0.2
	# shellcheck disable=SC2016 # the $1 and $2 are the inner shell's
	if ! lv_run sh -ec '
		for d in /etc/libvirt /var/lib/libvirt /run/libvirt /var/log/libvirt /var/cache/libvirt; do
			mkdir -p "$d" && mount -t tmpfs -o mode=0755 none "$d"
		done
		cp -a "$1/seed/." /etc/libvirt/
		mkdir -p "$2" "$3"
		mount -t hugetlbfs -o pagesize=2M none "$2"
		mount -t hugetlbfs -o pagesize=1G none "$3"
		if [ -d "$1/nodes" ]; then mount --bind "$1/nodes" /sys/devices/system/node; fi
	' sh "$_dir" "$LV_HP2M" "$LV_HP1G" >"$_dir/ns.log" 2>&1; then
		LV_ERR="cannot set up the namespace: $(tr '\n' ' ' <"$_dir/ns.log")"
		lv_stop
		return 1
	fi
	# nsenter without a PID namespace execs the daemon itself: $! is the daemon's PID
	# their PID files in the namespace's /run/libvirt: the defaults (/run/libvirtd.pid,
	# /run/virtlogd.pid) are on the host's /run, where another run's daemons hold them
	nsenter -t "$LV_HOLD" -m -- virtlogd -p /run/libvirt/virtlogd.pid >"$_dir/virtlogd.log" 2>&1 &
	LV_PIDS="$!"
	nsenter -t "$LV_HOLD" -m -- libvirtd -p /run/libvirt/libvirtd.pid >"$_dir/libvirtd.log" 2>&1 &
	LV_PIDS="$LV_PIDS $!"
	_i=0
	while ! virsh_ns version >/dev/null 2>&1; do
		_i=$((_i + 1))
		if [ $_i -gt 300 ] || ! kill -0 "${LV_PIDS##* }" 2>/dev/null; then
			# shellcheck disable=SC2034 # the callers read it (the interface above)
			LV_ERR="libvirtd did not answer: $(tail -n 5 "$_dir/libvirtd.log" | tr '\n' ' ')"
			lv_stop
			return 1
		fi
		sleep 0.1
	done
	return 0
}
