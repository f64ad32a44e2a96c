# Hostile and malformed configurations, for any front end to be driven over.
# shellcheck shell=sh
#
# Each case is a directory tests/hostile/cases/NNN-NAME/ with:
#   conf/      the configuration directory as git can hold it (may be missing or partial)
#   setup      optional: "sh setup CONFDIR" adds what git cannot hold (a FIFO, a socket, a
#              1 MiB file, a file name with a newline, modes and owners)
#   expected   the one line hugeplan must print on stderr; @CONF@ stands for CONFDIR
#   needs-root present when the case only means something as root (StrictModes checks)
# Every case is refused: exit status 2, nothing on stdout, nothing written.
#
# Usage, from a driver (TOP set to the top of the tree):
#   . "$TOP/tests/hostile/corpus.sh"
#   for c in $(hostile_cases); do
#       hostile_make "$c" "$dir/conf" || continue   # 1: skipped (needs root), 2: setup failed
#       hugeplan-something --config "$dir/conf" ...
#       hostile_expected "$c" "$dir/conf" >want
#   done
# CONFDIR must be absolute, canonical (no symbolic link on the way: permission errors name
# the resolved path) and not exist yet; hostile_make creates it, root-owned and not group- or
# world-writable unless the case says otherwise, so the same case gives the same error as
# root and as any other user.

HOSTILE_DIR=${TOP:?}/tests/hostile/cases

hostile_cases() {
	for _hc_d in "$HOSTILE_DIR"/*/; do
		basename "$_hc_d"
	done
}

# hostile_make CASE CONFDIR: 0 made, 1 skipped (needs root), 2 failed
# (variables are prefixed: sh has no locals, and drivers loop over their own)
hostile_make() {
	_hc_dir=$HOSTILE_DIR/$1
	if [ -e "$_hc_dir/needs-root" ] && [ "$(id -u)" != 0 ]; then
		return 1
	fi
	mkdir -p "$2" || return 2
	if [ -d "$_hc_dir/conf" ]; then
		# -R without -p: new files, owned by whoever runs this, modes from the umask
		cp -R "$_hc_dir/conf/." "$2/" || return 2
	fi
	chmod -R go-w "$2" || return 2
	if [ -f "$_hc_dir/setup" ]; then
		sh "$_hc_dir/setup" "$2" || return 2
	fi
	return 0
}

# hostile_expected CASE CONFDIR: the expected stderr line
hostile_expected() {
	sed "s|@CONF@|$2|g" "$HOSTILE_DIR/$1/expected"
}

# hostile_refused WHAT RC WANT OUT ERR: the verdict on one run over a case: refused as it must
# be when it exited 2, printed nothing on stdout and exactly the expected line (file WANT) on
# stderr
hostile_refused() {
	if [ "$2" = 2 ] && [ ! -s "$4" ] && cmp -s "$3" "$5"; then
		t_ok "$1"
	else
		t_fail "$1" "exit $2 (want 2), stdout $(wc -c <"$4") bytes" \
			"want: $(cat "$3")" "got:  $(cat "$5")"
	fi
}
