#!/bin/sh
# The two readings of grub/owned-params.list agree: the C predicate (hp_word_owned(), what
# apply and remove take out of /etc/kernel/cmdline and look for in GRUB's settings) and the
# case patterns of the rendered 99-hugeplan.cfg (what GRUB's own sourcing takes out). Both
# are generated from the list; this proves the generation, word by word, over every name in
# the fuzzers' kernel-parameter dictionary (tests/fuzz/kcmdline.dict) and the list itself,
# each bare, with a value, with an empty value, '-' and '_' swapped, in double quotes, and
# with a prefix or a suffix that makes another name. Expected: a word is owned exactly when
# the list names it (NAME= with a value, PREFIX.* in every form) - written out here from the
# list's rules, not taken from either side.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_init
# shellcheck source=tests/grub/common.sh
. "$TOP/tests/grub/common.sh"
build_tool

# names: the dictionary's entries that are parameter names, and the list's
{
	sed -n 's/^"\([A-Za-z0-9_.-]*\)=\{0,1\}"$/\1/p' "$TOP/tests/fuzz/kcmdline.dict"
	sed -e 's/[[:space:]]*#.*//' -e '/^$/d' -e 's/=$//' -e 's/\*$//' "$TOP/grub/owned-params.list"
	echo hugetlb_cma
	echo hugepage
	echo hugeplan
} | sed '/^$/d' | LC_ALL=C sort -u >"$T_TMP/names"
[ "$(wc -l <"$T_TMP/names")" -ge 8 ] || t_fail "the dictionary gives names" "$(cat "$T_TMP/names")"

# the forms of each name
while read -r n; do
	swapped=$(printf '%s' "$n" | tr '_-' '-_')
	for w in "$n" "$swapped"; do
		printf '%s\n' "$w" "$w=1" "$w=" "\"$w=1\"" "x$w=1" "${w}x=1" "$w.sub=1"
	done
done <"$T_TMP/names" | LC_ALL=C sort -u >"$T_TMP/words"

# expected, from the list's rules: NAME= owns NAME (- and _ alike) with a value; PREFIX.*
# owns every name under PREFIX.; a leading double quote is the kernel's, stripped
awk '
NR == FNR {
	sub(/[ \t]*#.*/, "")
	if ($0 ~ /=$/) { v = substr($0, 1, length($0) - 1); gsub(/-/, "_", v); value[v] = 1 }
	else if ($0 ~ /\.\*$/) prefix[substr($0, 1, length($0) - 1)] = 1
	next
}
{
	w = $0
	sub(/^"/, "", w); sub(/"$/, "", w)
	name = w; has = 0
	if ((i = index(w, "=")) > 0) { name = substr(w, 1, i - 1); has = 1 }
	own = 0
	for (p in prefix) if (index(name, p) == 1) own = 1
	n2 = name; gsub(/-/, "_", n2)
	if (has && (n2 in value)) own = 1
	print own
}' "$TOP/grub/owned-params.list" "$T_TMP/words" >"$T_TMP/want"

# C: hp_word_owned()
"$TOOL" owned <"$T_TMP/words" >"$T_TMP/c"

# sh: the rendered snippet, sourced with each word as GRUB_CMDLINE_LINUX_DEFAULT; the word is
# owned when it is gone (the token list is appended after it either way)
"$TOOL" snippet hugeplan.plan=t >"$T_TMP/snippet.cfg" || t_fail "render the snippet"
while IFS= read -r w; do
	# shellcheck disable=SC2016 # the script dash runs
	GRUB_CMDLINE_LINUX_DEFAULT=$w dash -e -c '. "$1"; printf "%s\n" "$GRUB_CMDLINE_LINUX_DEFAULT"' \
		sh "$T_TMP/snippet.cfg"
done <"$T_TMP/words" | awk '{ print ($0 == "hugeplan.plan=t") ? 1 : 0 }' >"$T_TMP/sh"

n=$(wc -l <"$T_TMP/words")
owned=$(grep -c 1 "$T_TMP/want")
paste -d ' ' "$T_TMP/want" "$T_TMP/c" "$T_TMP/sh" "$T_TMP/words" >"$T_TMP/all"
if awk '$1 != $2 { bad = 1 } END { exit bad }' "$T_TMP/all"; then
	t_ok "hp_word_owned() owns exactly what the list says: $n words, $owned owned"
else
	t_fail "hp_word_owned() owns exactly what the list says" \
		"$(awk '$1 != $2 { print "want " $1 ", C " $2 ": " $4 }' "$T_TMP/all" | head -n 20)"
fi
if awk '$1 != $3 { bad = 1 } END { exit bad }' "$T_TMP/all"; then
	t_ok "99-hugeplan.cfg takes out exactly what the list says: $n words, $owned owned"
else
	t_fail "99-hugeplan.cfg takes out exactly what the list says" \
		"$(awk '$1 != $3 { print "want " $1 ", sh " $3 ": " $4 }' "$T_TMP/all" | head -n 20)"
fi
if [ "$owned" -ge 20 ] && [ "$((n - owned))" -ge 20 ]; then
	t_ok "both kinds are there: $owned owned, $((n - owned)) not"
else
	t_fail "both kinds are there" "$owned owned of $n"
fi
t_done
