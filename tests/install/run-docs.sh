#!/bin/sh
# The documentation covers what the programs really accept: every command and option their
# --help lists is in hugeplan(8), every key the config parser knows is in hugeplan.conf(5)
# and in the documented example files, and those files, with every key uncommented, are a
# valid configuration. The lists come from the built programs, so a new option or key
# without its documentation fails here. The man pages render without a groff warning
# (lintian's own command).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_init
cd "$TOP" || exit 1
HP=$B/hugeplan
M8=man/hugeplan.8.scd
M5=man/hugeplan.conf.5.scd

for m in "$B"/man/*.[0-9]; do
	[ -f "$m" ] || continue
	LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 \
		man --warnings -E UTF-8 -l -Tutf8 -Z "$m" >/dev/null 2>"$T_TMP/groff.err"
	if [ -s "$T_TMP/groff.err" ]; then
		t_fail "$(basename "$m") renders without groff warnings" "$(head -5 "$T_TMP/groff.err")"
	else
		t_ok "$(basename "$m") renders without groff warnings"
	fi
done
for p in hugeplan.8 hugeplan.conf.5 hugeplan-generator.8 dracut.hugeplan.7; do
	if [ -f "$B/man/$p" ]; then
		t_ok "man page $p is built"
	else
		t_fail "man page $p is built"
	fi
done

# commands: the indented lines under "Commands:" in hugeplan --help
"$HP" --help | sed -n '/^Commands:/,/^$/p' | awk 'NF && !/:$/ {print $1}' >"$T_TMP/cmds"
[ -s "$T_TMP/cmds" ] || t_fail "hugeplan --help lists commands"
while read -r cmd; do
	# a command is a term of the COMMANDS section: a line "*cmd*" alone
	t_grep "hugeplan(8) documents the command $cmd" "^\*$cmd\*\$" "$M8"
	"$HP" "$cmd" --help >"$T_TMP/help" 2>&1
	grep -Eo -- '--[a-z][a-z-]+' "$T_TMP/help" | sort -u >"$T_TMP/opts"
	[ -s "$T_TMP/opts" ] || t_fail "hugeplan $cmd --help lists options"
	while read -r opt; do
		t_grep "hugeplan(8) documents $cmd $opt" "\*$opt\*" "$M8"
		# and names it in the command's synopsis
		[ "$opt" = --help ] || t_grep "hugeplan(8) synopsis of $cmd has $opt" "^\*hugeplan $cmd\*.*\*$opt\*" "$M8"
	done <"$T_TMP/opts"
	for s in $(grep -Eo '^  -[a-zA-Z],' "$T_TMP/help" | tr -d ' ,'); do
		t_grep "hugeplan(8) documents $cmd $s" "^\*$s\*, " "$M8"
	done
done <"$T_TMP/cmds"

# config keys: the parser's own list, from its message for an unknown key
mkdir -p "$T_TMP/conf/vms.d"
printf '[Host]\nNoSuchKey=1\n' >"$T_TMP/conf/hugeplan.conf"
"$HP" plan --config "$T_TMP/conf" --root tests/fixtures/one-node-32g 2>&1 |
	sed -n 's/.*(known: \(.*\))$/\1/p' | tr -d ' ' | tr , '\n' >"$T_TMP/host-keys"
printf '[VM]\nNoSuchKey=1\n' >"$T_TMP/conf/vms.d/x.conf"
printf '[Host]\n' >"$T_TMP/conf/hugeplan.conf"
"$HP" plan --config "$T_TMP/conf" --root tests/fixtures/one-node-32g 2>&1 |
	sed -n 's/.*(known: \(.*\))$/\1/p' | tr -d ' ' | tr , '\n' >"$T_TMP/vm-keys"
t_eq "the parser lists 5 or more [Host] keys" yes "$([ "$(wc -l <"$T_TMP/host-keys")" -ge 5 ] && echo yes)"
t_eq "the parser lists 7 or more [VM] keys" yes "$([ "$(wc -l <"$T_TMP/vm-keys")" -ge 7 ] && echo yes)"
while read -r k; do
	t_grep "hugeplan.conf(5) documents [Host] $k=" "^\*$k=\*" "$M5"
	t_grep "conf/hugeplan.conf documents $k= (commented out)" "^#$k=" conf/hugeplan.conf
done <"$T_TMP/host-keys"
while read -r k; do
	t_grep "hugeplan.conf(5) documents [VM] $k=" "^\*$k=\*" "$M5"
	t_grep "conf/example-vm.conf documents $k=" "^#?$k=" conf/example-vm.conf
done <"$T_TMP/vm-keys"
t_eq "the vendor hugeplan.conf sets nothing" "" "$(grep -Ev '^(#|$|\[Host\]$)' conf/hugeplan.conf)"
# systemd-analyze cat-config heads each file with "# /path": no comment may look like one
t_eq "no comment of the vendor hugeplan.conf reads like a cat-config file header" "" \
	"$(grep -n '^# /' conf/hugeplan.conf)"

# the documented files as they are, and with every key uncommented, are valid
rm -rf "$T_TMP/conf" && mkdir -p "$T_TMP/conf/vms.d"
cp conf/hugeplan.conf "$T_TMP/conf/hugeplan.conf"
cp conf/example-vm.conf "$T_TMP/conf/vms.d/example.conf"
"$HP" cmdline --config "$T_TMP/conf" --root tests/fixtures/one-node-32g >"$T_TMP/out" 2>&1
t_eq "the example files, as shipped, plan (exit 0)" 0 $?
sed -i 's/^#\([A-Z][A-Za-z]*=\)/\1/' "$T_TMP/conf/hugeplan.conf" "$T_TMP/conf/vms.d/example.conf"
"$HP" cmdline --config "$T_TMP/conf" --root tests/fixtures/one-node-32g >"$T_TMP/out" 2>&1
rc=$?
t_eq "the example files with every key uncommented plan (exit 0)" 0 "$rc"
[ "$rc" = 0 ] || sed 's/^/#   /' "$T_TMP/out"

# every unit hugeplan ships is named in a man page (what it is for, how it is enabled)
for u in units/*.in; do
	u=$(basename "$u" .in)
	if grep -qF -- "*$u*" man/*.scd; then
		t_ok "a man page names the unit $u"
	else
		t_fail "a man page names the unit $u"
	fi
done
# Sources= values: the parser's (from its message for an unknown one) are documented
printf '[Host]\nSources=nosuch\n' >"$T_TMP/conf/hugeplan.conf"
rm -f "$T_TMP/conf/vms.d/"*
"$HP" plan --config "$T_TMP/conf" --root tests/fixtures/one-node-32g 2>&1 |
	sed -n 's/.*(use auto, or one or more of \(.*\))$/\1/p' | tr -d ' ' | tr , '\n' >"$T_TMP/sources"
t_eq "the parser names 3 sources" 3 "$(wc -l <"$T_TMP/sources")"
while read -r v; do
	t_grep "hugeplan.conf(5) documents Sources=$v" "\*$v\*" "$M5"
done <"$T_TMP/sources"

# The README's and the man pages' examples run only what hugeplan has: every
# "# hugeplan CMD [--opt...]" line names a command that --help lists, with options that the
# command's --help lists. A made-up line checks that the check can fail.
example_bad() { # LINE: prints what is wrong, nothing when it is a real command line
	# shellcheck disable=SC2086 # one word per option: the line is split as the shell would
	set -- $1
	if ! grep -qx "$2" "$T_TMP/cmds"; then
		echo "no command $2"
		return
	fi
	"$HP" "$2" --help >"$T_TMP/help" 2>&1
	ecmd=$2
	shift 2
	for w in "$@"; do
		case $w in
		--*) grep -qE -- "(^| )${w%%=*}([ ,=]|\$)" "$T_TMP/help" || echo "hugeplan $ecmd has no ${w%%=*}" ;;
		esac
	done
}
grep -hE '^[#$] hugeplan [a-z]' README.md man/*.scd |
	sed 's/^[#$] //; s/ *#.*//; s/[|&;].*//; s/ *$//' | sort -u >"$T_TMP/examples"
[ -s "$T_TMP/examples" ] || t_fail "the docs hold hugeplan examples"
while read -r line; do
	bad=$(example_bad "$line")
	if [ -n "$bad" ]; then
		t_fail "the docs' example \"$line\" is a real command line" "$bad"
	else
		t_ok "the docs' example \"$line\" is a real command line"
	fi
done <"$T_TMP/examples"
t_eq "control: a made-up example is refused" "no command frobnicate hugeplan plan has no --nosuch" \
	"$(example_bad "hugeplan frobnicate" | tr '\n' ' ')$(example_bad "hugeplan plan --nosuch")"
t_done
