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
# change (a temporary file left behind shows up here)
files() {
	(cd "$1" && find . \( -type f -o -type l \) ! -path "./$SNIP" ! -path "./$KCMD" \
		! -path "./$STATE" -exec md5sum {} + | LC_ALL=C sort -k2)
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

# points TRACE ROOT DIR...: "LINE SYSCALL ORDINAL" (tests/lib/inject.sh: inj_calls) for the calls
# of the write path in a clean TRACE: from its first mkdir, or directory lock for remove, on,
# the calls on a path under ROOT. hp_mkdirs makes and checks every component of a path the same
# way: only those of the DIRs themselves are taken, unless FAULTS_FULL=1.
points() {
	_pt=$1 _pr=$2
	shift 2
	inj_calls "$_pt" | awk -v root="$_pr" -v dirs="$*" -v full="${FAULTS_FULL:-0}" '
	NR == FNR {
		text[FNR] = $0
		if (!start && ($0 ~ /^mkdir\(/ || $0 ~ /O_RDONLY[|]O_CLOEXEC[|]O_DIRECTORY\)/))
			start = FNR
		next
	}
	$1 < start || !index(text[$1], root) { next }
	!full && text[$1] ~ /^(mkdir|newfstatat)\(/ && text[$1] !~ /^newfstatat\([0-9]/ {
		split(text[$1], q, "\"")
		if (index(" " dirs " ", " " q[2] " ") == 0)
			next
	}
	{ print }' "$_pt" -
}
