#!/bin/sh
# bash completion: driven with COMP_WORDS as bash does on TAB (complete.bash). The commands
# and options it offers must be exactly those the built hugeplan lists in its --help; VM
# names come from vms.d in the search path under --root, or from --config DIR.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_init
cd "$TOP" || exit 1
HP=$B/hugeplan
COMP=$TOP/completion/hugeplan
DRV=$TOP/tests/install/complete.bash

if [ ! -f /usr/share/bash-completion/bash_completion ]; then
	t_fail "bash-completion is installed (tests/install-deps.sh installs it)"
	t_done
	exit
fi
complete_() { bash "$DRV" "$COMP" "$@"; }

"$HP" --help | sed -n '/^Commands:/,/^$/p' | awk 'NF && !/:$/ {print $1}' | sort >"$T_TMP/want"
complete_ '' >"$T_TMP/got"
t_diff "completes the commands of hugeplan --help" "$T_TMP/want" "$T_TMP/got"
complete_ c >"$T_TMP/got"
grep '^c' "$T_TMP/want" >"$T_TMP/want.c"
t_diff "completes a command's prefix" "$T_TMP/want.c" "$T_TMP/got"
printf '%s\n' --help --version -V -h | sort >"$T_TMP/want"
complete_ - >"$T_TMP/got"
t_diff "completes the global options" "$T_TMP/want" "$T_TMP/got"

while read -r cmd; do
	"$HP" "$cmd" --help | grep -Eo -- '(^|[ ,])--?[a-zA-Z][a-z-]*' | tr -d ' ,' | sort -u >"$T_TMP/want"
	complete_ "$cmd" - >"$T_TMP/got"
	t_diff "completes the options of hugeplan $cmd --help" "$T_TMP/want" "$T_TMP/got"
	# options after other options and their values
	complete_ "$cmd" --root /x --he >"$T_TMP/got"
	t_eq "completes $cmd --root /x --he" "--help" "$(cat "$T_TMP/got")"
done <<EOF2
$("$HP" --help | sed -n '/^Commands:/,/^$/p' | awk 'NF && !/:$/ {print $1}')
EOF2

# values: directories for --config and --root, kernel releases under --root for --kver
mkdir -p "$T_TMP/cwd/confdir/vms.d" "$T_TMP/cwd/rootdir/lib/modules/6.1.0-27-amd64" \
	"$T_TMP/cwd/rootdir/lib/modules/6.12.0-1-amd64"
touch "$T_TMP/cwd/confile"
(cd "$T_TMP/cwd" && complete_ plan --config '') >"$T_TMP/got"
printf '%s\n' confdir rootdir >"$T_TMP/want"
t_diff "--config completes directories only" "$T_TMP/want" "$T_TMP/got"
(cd "$T_TMP/cwd" && complete_ plan --root=ro) >"$T_TMP/got"
t_eq "--root=PREFIX completes a directory" rootdir "$(cat "$T_TMP/got")"
complete_ plan --root "$T_TMP/cwd/rootdir" --kver 6.1 >"$T_TMP/got"
printf '%s\n' 6.1.0-27-amd64 6.12.0-1-amd64 >"$T_TMP/want"
t_diff "--kver completes the releases in ROOT/lib/modules" "$T_TMP/want" "$T_TMP/got"
complete_ apply --bootloader k >"$T_TMP/got"
t_eq "--bootloader completes the boot loaders" kernel-install "$(cat "$T_TMP/got")"
complete_ plan --kver=6.12 --root "$T_TMP/cwd/rootdir" '' >"$T_TMP/got"
t_eq "no file names as plan's arguments" "" "$(cat "$T_TMP/got")"

# VM names: the search path with overrides, masking and Name=, or --config DIR alone
R=$T_TMP/root
mkdir -p "$R/etc/hugeplan/vms.d" "$R/run/hugeplan/vms.d" "$R/usr/lib/hugeplan/vms.d"
printf '[VM]\nMemory=1G\n' >"$R/usr/lib/hugeplan/vms.d/db.conf"
printf '[VM]\nName=database\nMemory=1G\n' >"$R/etc/hugeplan/vms.d/db.conf" # overrides
printf '[VM]\nMemory=1G\n' >"$R/usr/lib/hugeplan/vms.d/lab.conf"
ln -s /dev/null "$R/etc/hugeplan/vms.d/lab.conf"                          # masks lab
printf '[VM]\nMemory=1G\n' >"$R/usr/lib/hugeplan/vms.d/old.conf"
: >"$R/run/hugeplan/vms.d/old.conf"                                       # masks old
printf '[VM]\n  Name = web-1\nMemory=2G\n' >"$R/run/hugeplan/vms.d/web.conf"
printf '[VM]\nMemory=1G\n' >"$R/usr/lib/hugeplan/vms.d/win.conf"
printf '[VM]\nMemory=1G\n' >"$R/usr/lib/hugeplan/vms.d/.hidden.conf"
printf '[VM]\nMemory=1G\n' >"$R/usr/lib/hugeplan/vms.d/notes.txt"
printf '%s\n' database web-1 win >"$T_TMP/want"
COMPLETE_VMS=1 bash "$DRV" "$COMP" "" "$R" >"$T_TMP/got"
t_diff "VM names from the search path under --root" "$T_TMP/want" "$T_TMP/got"
# the same list as hugeplan itself plans
mkdir -p "$T_TMP/host" && cp -r tests/fixtures/one-node-32g/. "$T_TMP/host/" &&
	cp -r "$R/etc" "$R/run" "$R/usr" "$T_TMP/host/"
"$HP" plan --json --root "$T_TMP/host" |
	python3 -c 'import json,sys; [print(v["name"]) for v in json.load(sys.stdin)["vms"]]' |
	sort >"$T_TMP/hp-names"
t_diff "the completion's VM names are the ones hugeplan plans" "$T_TMP/hp-names" "$T_TMP/got"
COMPLETE_VMS=1 bash "$DRV" "$COMP" "$R/usr/lib/hugeplan" "/nonexistent" >"$T_TMP/got"
printf '%s\n' db lab old win >"$T_TMP/want"
t_diff "VM names from --config DIR alone" "$T_TMP/want" "$T_TMP/got"
t_done
