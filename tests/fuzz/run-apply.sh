#!/bin/sh
# The config harness's inputs through the real "hugeplan apply": what the fuzzer found, as
# files on disk, on two fixture hosts. The harness proves that the planner's tokens follow
# the grammar; this proves the same of the file root's shell sources, end to end.
#
# The config harness (fuzz-config) grows a corpus from its seeds for APPLY_FUZZ_SECONDS
# (default 10); tests/fuzz/split-config.py turns each input into a tree under etc/hugeplan,
# split as the harness splits it; APPLY_MAX of them (default 400, 0: all, sorted by libFuzzer's
# hash names, so an unbiased sample) go through "hugeplan apply --root R --no-update" on
# one-node-32g and two-node-16g-32g. For each:
#   - exit 0: the snippet is the fixed text of hugeplan's but for the quoted token list,
#     which is exactly "hugeplan cmdline" and passes kargs-check (the grammar of fuzz.h and
#     the FNV-1a plan id); "sh -n" in dash and bash; sourced with "set -eu" in both, from an
#     empty directory with an empty PATH and nothing else in the environment, it exits 0,
#     creates nothing, sets GRUB_CMDLINE_LINUX_DEFAULT to the old words without their huge
#     page ones plus the tokens, takes them out of GRUB_CMDLINE_LINUX, and (dash, whose "set"
#     lists variables only) changes no other variable. A plan that reserves nothing leaves no
#     snippet.
#   - exit 1 (does not fit) or 2 (invalid): a message, and no file under the root but the
#     configuration newer than before the run (nothing written).
#   - anything else: a failure.
# A run where fewer than 10 inputs reach a snippet fails: the check must not be vacuous.
# Long form: APPLY_FUZZ_SECONDS=600 APPLY_MAX=0 tests/fuzz/run-apply.sh
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_init
: "${APPLY_FUZZ_SECONDS:=10}" "${APPLY_MAX:=400}"
HP=$B/hugeplan
KC=$B/tests/kargs-check
FZ=$B/fuzz/fuzz-config
W=$T_TMP

for p in "$HP" "$KC" "$FZ"; do
	[ -x "$p" ] || {
		t_fail "fuzzed apply: $p is not built (make all unit-tests fuzz)"
		t_done
		exit
	}
done

# --- the inputs
mkdir -p "$W/corpus"
"$FZ" -dict="$TOP/tests/fuzz/config.dict" -max_total_time="$APPLY_FUZZ_SECONDS" -timeout=10 \
	-artifact_prefix="$W/crash-" "$W/corpus" "$TOP/tests/fuzz/corpus/config" >"$W/fuzz.log" 2>&1 ||
	t_fail "fuzzed apply: the config harness itself fails" "$(grep -E 'property failed|ERROR' "$W/fuzz.log" | head -3)"
[ -f "$TOP/tests/fuzz/config.dict" ] || t_fail "fuzzed apply: no tests/fuzz/config.dict"
{
	ls "$TOP"/tests/fuzz/corpus/config/*
	find "$W/corpus" -type f | sort | if [ "$APPLY_MAX" -gt 0 ]; then head -n "$APPLY_MAX"; else cat; fi
} >"$W/inputs"
# shellcheck disable=SC2046 # one argument per input file (libFuzzer names: hex digits)
python3 "$TOP/tests/fuzz/split-config.py" "$W/trees" $(cat "$W/inputs") >"$W/trees.list" ||
	t_fail "fuzzed apply: split-config.py failed"
ninputs=$(wc -l <"$W/inputs")
ntrees=$(wc -l <"$W/trees.list")
t_ok "fuzzed apply: $ninputs inputs ($(find "$W/corpus" -type f | wc -l) grown in ${APPLY_FUZZ_SECONDS} s), $ntrees trees"

# --- the hosts
for host in one-node-32g two-node-16g-32g; do
	t_image "$W/${host%%-*}" $host "$(printf 'GRUB_CMDLINE_LINUX_DEFAULT="quiet hugepages=64"\nGRUB_CMDLINE_LINUX="console=ttyS0"')"
done
mkdir -p "$W/nobin"

# the snippet's fixed text: hugeplan's words of a known plan replaced by @TOKENS@
line_for() { # TOKENS: the snippet line that carries them
	printf "GRUB_CMDLINE_LINUX_DEFAULT=\$(hugeplan_edit \"\${GRUB_CMDLINE_LINUX_DEFAULT-}\" '%s')\n" "$1"
}
R=$W/one
mkdir -p "$R/etc/hugeplan/vms.d"
printf '[VM]\nMemory=2G\nPageSize=1G\n' >"$R/etc/hugeplan/vms.d/db.conf"
"$HP" apply --root "$R" --no-update >/dev/null 2>&1
toks=$("$HP" cmdline --root "$R")
SNIP=$R/etc/default/grub.d/99-hugeplan.cfg
if [ -f "$SNIP" ] && grep -qxF "$(line_for "$toks")" "$SNIP"; then
	grep -vxF "$(line_for "$toks")" "$SNIP" >"$W/template"
	t_ok "fuzzed apply: the snippet's fixed text taken from a known plan ($(wc -l <"$W/template") lines)"
else
	t_fail "fuzzed apply: a known plan gives no snippet with the token line"
fi

# source SHELL SNIPPET OUT: the snippet sourced as grub-mkconfig does, with nothing around
source_in() {
	rm -rf "$W/sandbox" && mkdir "$W/sandbox"
	# shellcheck disable=SC2016 # the script the shell under test runs, expanded there
	(cd "$W/sandbox" && env -i PATH="$W/nobin" "$(command -v "$1")" -eu -c '
		GRUB_CMDLINE_LINUX="console=ttyS0 hugepages=3"
		GRUB_CMDLINE_LINUX_DEFAULT="quiet hugepagesz=2M"
		set >"$1.pre"
		. "$2"
		set >"$1.post"
		printf "%s\n%s\n" "$GRUB_CMDLINE_LINUX" "$GRUB_CMDLINE_LINUX_DEFAULT" >"$1"' \
		sh "$3" "$2") >"$3.log" 2>&1
}

# snippet_problem SNIP TOKENS: what is wrong with the snippet apply wrote for these tokens;
# nothing when all is as it must be
snippet_problem() {
	# shellcheck disable=SC2086 # one argument per token, globbing off
	kc=$(set -f && "$KC" $2 2>&1) || { echo "tokens outside the grammar: $kc"; return; }
	grep -qxF "$(line_for "$2")" "$1" 2>/dev/null ||
		{ echo "no snippet line carrying exactly '$2'"; return; }
	grep -vxF "$(line_for "$2")" "$1" | cmp -s - "$W/template" ||
		{ echo "the snippet differs from the fixed text but for its tokens"; return; }
	for sh in dash bash; do
		"$sh" -n "$1" 2>"$W/n.err" || { echo "$sh -n: $(head -n1 "$W/n.err")"; return; }
		source_in "$sh" "$1" "$W/vars" ||
			{ echo "sourced in $sh -eu: $(head -n1 "$W/vars.log")"; return; }
		[ -z "$(ls -A "$W/sandbox")" ] ||
			{ echo "sourcing in $sh created $(find "$W/sandbox" -mindepth 1 | head -n1)"; return; }
		[ "$(cat "$W/vars")" = "$(printf 'console=ttyS0\nquiet %s' "$2")" ] ||
			{ echo "$sh: the variables became $(tr '\n' '|' <"$W/vars")"; return; }
		[ "$sh" = dash ] || continue # bash's "set" lists functions and its own variables too
		grep -v '^GRUB_CMDLINE_LINUX' "$W/vars.pre" >"$W/v1"
		grep -v '^GRUB_CMDLINE_LINUX' "$W/vars.post" >"$W/v2"
		cmp -s "$W/v1" "$W/v2" ||
			{ echo "sourcing changed other variables: $(diff "$W/v1" "$W/v2" | grep '^[<>]' | head -n 2 | tr '\n' ' ')"; return; }
	done
}

ok=0 snippets=0 empty=0 refused=0 nofit=0 bad=0
while read -r n input; do
	for host in one two; do
		R=$W/$host
		SNIP=$R/etc/default/grub.d/99-hugeplan.cfg
		rm -rf "$R/etc/hugeplan" "$R/etc/default/grub.d" "$R/var/lib/hugeplan"
		cp -R "$W/trees/$n/etc/hugeplan" "$R/etc/hugeplan"
		touch "$W/stamp"
		"$HP" apply --root "$R" --no-update >"$W/out" 2>"$W/err"
		rc=$?
		why=
		case $rc in
		0)
			if ! toks=$("$HP" cmdline --root "$R" 2>>"$W/err"); then
				why="cmdline fails after apply succeeded"
			elif [ -z "$toks" ]; then
				empty=$((empty + 1))
				[ ! -e "$SNIP" ] || why="a plan reserving nothing left a snippet"
			else
				snippets=$((snippets + 1))
				why=$(snippet_problem "$SNIP" "$toks")
			fi
			;;
		1 | 2)
			[ -s "$W/err" ] || why="exit $rc without a message"
			newer=$(find "$R" -newer "$W/stamp" ! -path "$R/etc/hugeplan*" | head -n 3)
			[ -z "$newer" ] || why="exit $rc but wrote $newer"
			if [ $rc = 1 ]; then nofit=$((nofit + 1)); else refused=$((refused + 1)); fi
			;;
		*)
			why="exit $rc: $(tail -n1 "$W/err")"
			;;
		esac
		if [ -n "$why" ]; then
			bad=$((bad + 1))
			[ $bad -le 10 ] && t_fail "fuzzed apply: $(basename "$input") on $host" \
				"$why; input (base64): $(base64 -w0 "$input" | head -c 2000)"
		else
			ok=$((ok + 1))
		fi
	done
done <"$W/trees.list"
t_eq "fuzzed apply: every run as it must be" 0 "$bad"
t_ok "fuzzed apply: $ok runs: $snippets snippets checked, $empty reserving nothing, $nofit not fitting, $refused invalid"
if [ "$snippets" -ge 10 ]; then
	t_ok "fuzzed apply: at least 10 snippets checked"
else
	t_fail "fuzzed apply: only $snippets inputs reached a snippet"
fi
t_done
