#!/bin/sh
# Issue 12 item 6: as root, what the configuration reads must be what only root can change,
# along the whole chain of links: every link and every directory on the way, the links'
# targets and the directories those go through, not only where the chain ends (the landed
# check took the realpath() and judged its directories, so a hop through a world-writable
# directory, or a link another user owns, passed). A link another user could retarget is
# refused, not followed; so is one to a device or a directory.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_init
# shellcheck source=tests/harden/common.sh
. "$TOP/tests/harden/common.sh"
if [ "$(id -u)" != 0 ]; then
	t_skip "the chain of links" "the check runs as root"
	t_done
	exit 0
fi

R=$T_TMP/r
cp -R "$TOP/tests/fixtures/one-node-32g" "$R"
chmod -R go-w "$R"
V=$R/etc/hugeplan/vms.d
mkdir -p "$V" "$R/srv/hop" "$R/srv/safe" "$R/tmp" "$R/dev"
printf '[VM]\nMemory=2G\nPageSize=2M\n' >"$R/srv/safe/real.conf"
chmod 0777 "$R/srv/hop"
chmod 1777 "$R/tmp"

plan() { # NAME: hugeplan plan --root R, as root
	run "$1" "$HP" plan --root "$R"
}
refused() { # NAME WANT_RE
	t_eq "$1: refused (exit 2)" 2 "$RC"
	t_grep "$1: names what another user could change" "$2" "$T_TMP/$1.err"
}

# links are relative: they lead to the same files inside the root and, for the landed code,
# outside it
# a safe chain: accepted (the check is not just refusing links)
ln -s ../../../srv/safe/real.conf "$V/a.conf"
plan safe
t_eq "a root-owned link to a safe file: exit 0" 0 "$RC"

# a hop through a world-writable directory: its link is theirs to retarget
rm "$V/a.conf" && ln -s ../../../srv/hop/b.conf "$V/a.conf" && ln -s ../safe/real.conf "$R/srv/hop/b.conf"
plan hop
refused hop "^$R/srv/hop: writable by group or others \(mode 0777\): refusing configuration that another user could change"

# a link another user owns, in a sticky directory (where others cannot replace root's links)
rm "$V/a.conf" "$R/srv/hop/b.conf" && ln -s ../../../tmp/b.conf "$V/a.conf" && ln -s ../srv/safe/real.conf "$R/tmp/b.conf"
plan sticky-root
t_eq "a root-owned link in a sticky directory: exit 0" 0 "$RC"
chown -h 4242 "$R/tmp/b.conf"
plan sticky-user
refused sticky-user "^$R/tmp/b.conf: a symbolic link owned by uid 4242, not root: .*\(fix: chown -h root $R/tmp/b.conf\)"

# links to a device and to a directory: refused, not read
rm "$R/tmp/b.conf" && mknod "$R/dev/zero" c 1 5 && ln -s ../dev/zero "$R/tmp/b.conf"
plan zero
refused zero "^$V/a.conf: not a regular file \(a character device\)"
rm "$R/tmp/b.conf" && ln -s ../etc "$R/tmp/b.conf"
plan dir
refused dir "^$V/a.conf: not a regular file \(a directory\)"

# a directory judged once is not walked from "/" again for each file in it (config/perms.c):
# every file after the first still gets its own judgement, and a link in it its whole walk
rm "$V/a.conf" "$R/tmp/b.conf"
cp "$R/srv/safe/real.conf" "$V/a.conf"
cp "$R/srv/safe/real.conf" "$V/z.conf"
plan two
t_eq "two safe files in one directory: exit 0" 0 "$RC"
chmod 0666 "$V/z.conf"
plan later-mode
refused later-mode "^$V/z.conf: writable by group or others \(mode 0666\)"
chmod 0644 "$V/z.conf" && chown 4242 "$V/z.conf"
plan later-owner
refused later-owner "^$V/z.conf: owned by uid 4242, not root"
rm "$V/z.conf" && ln -s ../../../srv/hop/b.conf "$V/z.conf" && ln -s ../safe/real.conf "$R/srv/hop/b.conf"
plan later-hop
refused later-hop "^$R/srv/hop: writable by group or others \(mode 0777\)"
t_done
