#!/bin/sh
# What a configuration may hold and still be accepted (comments full of shell syntax, CRLF
# line endings, a byte order mark, blanks and tabs, a file whose name is shell code but whose
# VM has a Name=, disabled VMs, masks) never reaches the kernel arguments: the rendering is
# byte for byte the one of the clean configuration (tests/cli/configs/numa, whose numbers
# tests/cli/README.md derives by hand), and every token matches the strict grammar.
. "$(dirname "$0")/../lib.sh"
t_init
HP=$B/hugeplan
ROOT=$TOP/tests/fixtures/two-node-16g-32g
WANT=$TOP/tests/cli/expected/numa-cmdline.stdout
# [default_hugepagesz=S] (hugepagesz=S hugepages=N|NODE:N,...)+ [hugetlb_free_vmemmap=on] hugeplan.plan=HEX16
S='[1-9][0-9]*[KMGTPE]?'
N='(0|[1-9][0-9]*)'
GRAMMAR="^(default_hugepagesz=$S )?(hugepagesz=$S hugepages=($N|$N:$N(,$N:$N)*) )+(hugetlb_free_vmemmap=on )?hugeplan\\.plan=[0-9a-f]{16}\$"
HOSTILE='$(reboot) `id` ; rm -rf / | sh && "q" '"'q'"' \ ${IFS} > /etc/passwd init=/bin/sh -- hugepages=9'

t_grep "the clean rendering follows the grammar" "$GRAMMAR" "$WANT"

# hostile_copy NAME: a copy of the numa configuration in $T_TMP/NAME
hostile_copy() {
	rm -rf "$T_TMP/$1"
	cp -R "$TOP/tests/cli/configs/numa" "$T_TMP/$1"
	chmod -R go-w "$T_TMP/$1"
	echo "$T_TMP/$1"
}

# check NAME DIR: cmdline and plan --json over DIR give the clean rendering
check() {
	"$HP" cmdline --config "$2" --root "$ROOT" >"$T_TMP/$1.out" 2>"$T_TMP/$1.err"
	rc=$?
	if [ "$rc" = 0 ] && cmp -s "$WANT" "$T_TMP/$1.out" && [ ! -s "$T_TMP/$1.err" ]; then
		t_ok "$1: the same kernel arguments"
	else
		t_fail "$1: the same kernel arguments" "exit $rc" "$(cat "$T_TMP/$1.out" "$T_TMP/$1.err")"
	fi
	t_grep "$1: every token in the grammar" "$GRAMMAR" "$T_TMP/$1.out"
	"$HP" plan --json --config "$2" --root "$ROOT" 2>/dev/null |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["kernel_args"])' >"$T_TMP/$1.json"
	t_diff "$1: the same kernel_args in plan --json" "$WANT" "$T_TMP/$1.json"
}

d=$(hostile_copy comments)
for f in "$d/hugeplan.conf" "$d"/vms.d/*.conf; do
	{ printf '# %s\n; %s\n' "$HOSTILE" "$HOSTILE"; cat "$f"; printf '#%s\n' "$HOSTILE"; } >"$f.new"
	mv "$f.new" "$f"
done
check "comments with shell syntax" "$d"

d=$(hostile_copy crlf)
for f in "$d/hugeplan.conf" "$d"/vms.d/*.conf; do
	{ printf '\357\273\277'; sed 's/$/\r/; s/^/ \t /; s/=/ = /' "$f"; } >"$f.new"
	mv "$f.new" "$f"
done
check "byte order mark, CRLF, blanks and tabs" "$d"

d=$(hostile_copy names)
# the file name is shell code, the VM keeps its name through Name=
mv "$d/vms.d/web.conf" "$d/vms.d/\$(reboot);\`id\`.conf"
printf 'Name=web\n' >>"$d/vms.d/\$(reboot);\`id\`.conf"
# a disabled VM and a mask, both with hostile names and comments
printf '[VM]\n# %s\nName=xqjw-evil.name_1\nMemory=64G\nPageSize=1G\nEnabled=no\n' "$HOSTILE" \
	>"$d/vms.d/zz-\"quoted\" name.conf"
: >"$d/vms.d/| sh.conf"
check "hostile file names, a disabled VM, a mask" "$d"
if grep -q 'xqjw\|reboot\|quoted' "$T_TMP/hostile file names, a disabled VM, a mask.out"; then
	t_fail "no name reaches the kernel arguments"
else
	t_ok "no name reaches the kernel arguments"
fi
t_done
