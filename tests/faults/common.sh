# Shared by the faults tier (sourced after ../lib.sh, t_init and ../lib/inject.sh).
#
# A host here is a copy of tests/fixtures/one-node-32g with a module tree for its kernel (so
# apply's checks pass) and a boot loader; two plans: OLD (db: 2G on 1G pages) and NEW (db and
# web: 512M on 2M pages). A scenario is a root in its "before" state ($W/NAME/pre), a hugeplan
# command, and the root after a clean run of it ($W/NAME/post); the tests put a fresh copy of
# "pre" at $W/NAME/r (always the same path, so a clean trace's calls are those of the runs).
# shellcheck shell=sh

# shellcheck disable=SC2034 # for the scripts that source this
HP=$B/hugeplan
SNIP=etc/default/grub.d/99-hugeplan.cfg
KCMD=etc/kernel/cmdline
STATE=var/lib/hugeplan/applied
W=$T_TMP/w
mkdir -p "$W"

# base_host DIR: the fixture with modules and a configuration directory, built once
base_host() {
	if [ ! -d "$W/base" ]; then
		t_host "$W/base" one-node-32g
		mkdir -p "$W/base/etc/hugeplan/vms.d"
	fi
	cp -a "$W/base" "$1"
}

# plan DIR old|new: the configuration of that plan under root DIR
plan() {
	printf '[VM]\nMemory=2G\nPageSize=1G\n' >"$1/etc/hugeplan/vms.d/db.conf"
	if [ "$2" = new ]; then
		printf '[VM]\nMemory=512M\nPageSize=2M\n' >"$1/etc/hugeplan/vms.d/web.conf"
	else
		rm -f "$1/etc/hugeplan/vms.d/web.conf"
	fi
}

# host DIR grub|ki: a host whose boot loader is GRUB (Debian's grub-mkconfig, which reads
# grub.d) or kernel-install (an /etc/kernel/cmdline)
host() {
	base_host "$1"
	case $2 in
	grub)
		mkdir -p "$1/usr/sbin" "$1/etc/default/grub.d"
		cp /usr/sbin/grub-mkconfig "$1/usr/sbin/grub-mkconfig"
		printf 'GRUB_CMDLINE_LINUX_DEFAULT="quiet"\n' >"$1/etc/default/grub"
		;;
	ki)
		mkdir -p "$1/etc/kernel"
		printf 'root=UUID=1234 ro quiet -- single\n' >"$1/$KCMD"
		;;
	esac
}

# files DIR: every file and link under DIR but the targets, with a checksum: what must not
# change (a temporary file left behind shows up here). The lock (sys/lock.h), which stays with
# the state and goes without it, is not one of them.
files() {
	(cd "$1" && find . \( -type f -o -type l \) ! -path "./$SNIP" ! -path "./$KCMD" \
		! -path "./$STATE" ! -path ./var/lib/hugeplan/lock -exec md5sum {} + | LC_ALL=C sort -k2)
}

# norm FILE: FILE as compared: the state's time of apply masked; "(absent)" for no file
norm() {
	if [ -e "$1" ] || [ -L "$1" ]; then
		sed 's/^applied=.*/applied=TIME/' "$1"
	else
		echo "(absent)"
	fi
}

# same REL A B: file REL is the same under roots A and B (both absent counts)
same() {
	[ "$(norm "$2/$1")" = "$(norm "$3/$1")" ]
}

# state_of REL ROOT PRE POST: "pre", "post" or "other": what REL under ROOT is
state_of() {
	if same "$1" "$2" "$3"; then
		echo pre
	elif same "$1" "$2" "$4"; then
		echo post
	else
		echo other
	fi
}

# points TRACE ROOT TARGET CMD: "LINE SYSCALL ORDINAL PHASE" (tests/lib/inject.sh: inj_calls) for
# the calls of the write path of "hugeplan CMD" in a clean TRACE that are on a path under
# ROOT, with the phase each belongs to:
#   lock    taking the lock (sys/lock.h): from the mkdir of its directory to its flock;
#   write   from the first step of TARGET's replacement (hp_root_mkdirs of its directory) or
#           removal (the directory's open) to the end: TARGET, then the state.
# The reads between the two (the state, the boot loader's files) are not the write path.
# Every path is opened beneath the root (sys/root.h): an openat() of the root itself, the
# openat2() of the path, the root's close; the first names the second's path on the next
# line. hp_root_mkdirs checks every component the same way (O_PATH | O_DIRECTORY, which
# nothing else uses): only the directories themselves are taken, unless FAULTS_FULL=1.
points() {
	inj_calls "$1" | awk -v root="$2" -v target="$3" -v cmd="$4" -v full="${FAULTS_FULL:-0}" '
	function dir(p) { sub(/\/[^\/]*$/, "", p); return p }
	function path(t) { split(t, q, "\""); return q[2] }
	function prefix(p, d) { return index(d "/", p "/") == 1 }
	NR == FNR {
		text[FNR] = $0
		tdir = "/" dir(target)
		if (!l0 && $0 ~ /^openat2\(/ && prefix(path($0), "/var/lib/hugeplan") &&
		    $0 ~ /O_PATH[|]O_DIRECTORY/)
			l0 = FNR - 1
		if (l0 && !l1 && $0 ~ /^flock\(/ && index($0, "/var/lib/hugeplan/lock>"))
			l1 = FNR
		if (l1 && !l2 && $0 ~ /^openat2\(/ &&
		    ((cmd == "apply" && $0 ~ /O_PATH[|]O_DIRECTORY/ && prefix(path($0), tdir)) ||
		     (cmd == "remove" && path($0) == tdir && $0 ~ /O_DIRECTORY/)))
			l2 = FNR - 1
		next
	}
	!(($1 >= l0 && $1 <= l1) || (l2 && $1 >= l2)) || !index(text[$1], root) { next }
	{
		t = text[$1]
		p = ""
		if (t ~ /^openat2\(/ && t ~ /O_PATH[|]O_DIRECTORY/)
			p = path(t)
		else if (t ~ /^openat\(AT_FDCWD/ && text[$1 + 1] ~ /O_PATH[|]O_DIRECTORY/)
			p = path(text[$1 + 1])
		if (!full && p != "" && p != "/var/lib/hugeplan" && p != tdir)
			next
		print $0, ($1 <= l1 ? "lock" : "write")
	}' "$1" -
}
