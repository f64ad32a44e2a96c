#!/bin/sh
# What a configuration may hold and still be accepted (comments full of shell syntax, CRLF
# line endings, a byte order mark, blanks and tabs, a file whose name is shell code but whose
# VM has a Name=, disabled VMs, masks) never reaches the kernel arguments: the rendering is
# byte for byte the one of the clean configuration (tests/cli/configs/numa, whose numbers
# tests/cli/README.md derives by hand), and every token matches the strict grammar. Then the
# same through hugeplan apply into the GRUB snippet that root's shell sources.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_init
HP=$B/hugeplan
ROOT=$TOP/tests/fixtures/two-node-16g-32g
WANT=$TOP/tests/cli/expected/numa-cmdline.stdout
# [default_hugepagesz=S] (hugepagesz=S hugepages=N|NODE:N,...)+ [hugetlb_free_vmemmap=on] hugeplan.plan=HEX16
S='[1-9][0-9]*[KMGTPE]?'
N='(0|[1-9][0-9]*)'
GRAMMAR="^(default_hugepagesz=$S )?(hugepagesz=$S hugepages=($N|$N:$N(,$N:$N)*) )+(hugetlb_free_vmemmap=on )?hugeplan\\.plan=[0-9a-f]{16}\$"
# shellcheck disable=SC2016 # hostile text, never to be expanded
HOSTILE='$(reboot) `id` ; rm -rf / | sh && "q" '"'q'"' \ ${IFS} > /etc/passwd init=/bin/sh -- hugepages=9'

t_grep "the clean rendering follows the grammar" "$GRAMMAR" "$WANT"

# hostile_copy NAME: a copy of the numa configuration in $T_TMP/NAME
hostile_copy() {
	rm -rf "${T_TMP:?}/$1"
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

# --- the same through hugeplan apply, into the GRUB snippet root's shell will source: every
# variant above leaves the snippet of the clean configuration byte for byte, and its one
# variable line holds the grammar's tokens alone, single-quoted
IMG=$T_TMP/image
t_image "$IMG" "$(basename "$ROOT")" 'GRUB_CMDLINE_LINUX_DEFAULT="quiet"'
SNIP=$IMG/etc/default/grub.d/99-hugeplan.cfg
"$HP" apply --root "$IMG" --config "$(hostile_copy clean)" >"$T_TMP/apply.out" 2>&1
t_eq "apply of the clean configuration" 0 "$?"
cp "$SNIP" "$T_TMP/snippet.want"
sed -n "s/^GRUB_CMDLINE_LINUX_DEFAULT=\$(hugeplan_edit \"\${GRUB_CMDLINE_LINUX_DEFAULT-}\" '\(.*\)')\$/\1/p" \
	"$T_TMP/snippet.want" >"$T_TMP/snippet.toks"
t_diff "the snippet's tokens are the rendering" "$WANT" "$T_TMP/snippet.toks"
# another plan changes that one line and nothing else of the snippet
cp -R "$IMG" "$IMG.other"
mkdir -p "$T_TMP/other/vms.d"
printf '[VM]\nMemory=3G\nPageSize=2M\n' >"$T_TMP/other/vms.d/other.conf"
"$HP" apply --root "$IMG.other" --config "$T_TMP/other" >"$T_TMP/apply-other.out" 2>&1
t_eq "apply of another plan" 0 "$?"
diff "$T_TMP/snippet.want" "$IMG.other/etc/default/grub.d/99-hugeplan.cfg" |
	grep '^[<>]' | cut -c1-31 >"$T_TMP/other.diff"
printf '%s\n' "< GRUB_CMDLINE_LINUX_DEFAULT=\$(" "> GRUB_CMDLINE_LINUX_DEFAULT=\$(" >"$T_TMP/other.want"
t_diff "another plan changes the tokens line of the snippet and nothing else" \
	"$T_TMP/other.want" "$T_TMP/other.diff"
for v in comments crlf names; do
	# hostile_copy made them above; apply each over the image that holds the clean plan
	"$HP" apply --root "$IMG" --config "$T_TMP/$v" >"$T_TMP/apply-$v.out" 2>&1
	rc=$?
	if [ "$rc" = 0 ] && cmp -s "$T_TMP/snippet.want" "$SNIP"; then
		t_ok "apply $v: the snippet is byte for byte the clean one"
	else
		t_fail "apply $v: the snippet is byte for byte the clean one" "exit $rc" \
			"$(diff "$T_TMP/snippet.want" "$SNIP" | head -n 10)"
	fi
done
# shellcheck disable=SC2016 # `id` is the text looked for
if grep -q 'reboot\|xqjw\|quoted\|/etc/passwd\|`id`' "$SNIP"; then
	t_fail "no hostile byte in the snippet"
else
	t_ok "no hostile byte in the snippet"
fi
t_done
