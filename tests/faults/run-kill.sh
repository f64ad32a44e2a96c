#!/bin/sh
# kill -9 at any point of hugeplan apply (the real binary, --root fixture hosts of
# tests/faults/common.sh): strace delivers SIGKILL on entering a chosen system call
# (tests/lib/inject.sh: inj_kill), the way a crash or a power cut would stop it there.
#
# Points, per scenario: every call of the write path (tests/faults/common.sh: points), then
# up to KILL_RUNS (default 10) random calls across the whole run (KILL_SEED picks them; it is
# printed); KILL_ALL=1: every call of the run instead. After each killed run:
#   - the boot loader file is exactly the old or exactly the new content, never anything
#     else, and so is the state; the state is new only if the boot loader file is;
#   - nothing else under the root differs, except at most one temporary file of the killed
#     write (".NAME.XXXXXX~" next to its target);
#   - the next, clean run exits 0, makes the change exactly, and leaves no temporary file.
# Then the pile-up check: many kills in a row at the temporary file's write, with no clean
# run between them, leave one temporary file at a time, never more.
#   KILL_ALL=1 sh tests/faults/run-kill.sh       the long run: every call, about 1100 runs
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_init
# shellcheck source=tests/lib/inject.sh
. "$TOP/tests/lib/inject.sh"
# shellcheck source=tests/faults/common.sh
. "$TOP/tests/faults/common.sh"

if ! inj_usable; then
	t_done
	exit
fi
: "${KILL_RUNS:=10}"
: "${KILL_SEED:=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}"
echo "# KILL_RUNS=$KILL_RUNS KILL_SEED=$KILL_SEED"

KILLS=0 LEFT=0 OLDS=0 NEWS=0

# temps ROOT: our temporary files under ROOT, one per line
temps() {
	find "$1" -name '.*.[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]~' | LC_ALL=C sort
}

# kill_at NAME TARGET LINE SC N ARGS...: one run killed at the Nth SC (trace line LINE)
kill_at() {
	name=$1 target=$2 line=$3 sc=$4 n=$5
	shift 5
	d=$W/$name r=$W/$name/r
	rm -rf "$r" && cp -a "$d/pre" "$r"
	inj_kill "$sc" "$n" "$HP" apply "$@" --root "$r" >"$d/out" 2>"$d/err"
	rc=$?
	KILLS=$((KILLS + 1))
	bad=
	[ $rc = 137 ] || bad="$bad; exit $rc, not 137 (killed)"
	t1=$(state_of "$target" "$r" "$d/pre" "$d/post")
	t2=$(state_of "$STATE" "$r" "$d/pre" "$d/post")
	[ "$t1" != other ] || bad="$bad; $target is neither old nor new: $(head -c 200 "$r/$target" | tr '\n' ' ')"
	[ "$t2" != other ] || bad="$bad; the state is neither old nor new"
	[ "$t1.$t2" != pre.post ] || bad="$bad; the state is new before $target is"
	[ "$t1" = pre ] && OLDS=$((OLDS + 1))
	[ "$t1" = post ] && NEWS=$((NEWS + 1))
	left=$(temps "$r")
	nleft=$(echo "$left" | grep -c .)
	[ "$nleft" -le 1 ] || bad="$bad; $nleft temporary files left"
	[ "$nleft" = 0 ] || LEFT=$((LEFT + 1))
	case $left in
	"" | "$r/$(dirname "$target")/.$(basename "$target")."*~ | "$r/$(dirname "$STATE")/.$(basename "$STATE")."*~) ;;
	*) bad="$bad; a temporary file that is not the write's: $left" ;;
	esac
	files "$r" | grep -v '~$' >"$d/files.now"
	cmp -s "$d/files.pre" "$d/files.now" || bad="$bad; other files changed"
	"$HP" apply "$@" --root "$r" >"$d/out2" 2>"$d/err2"
	rc=$?
	[ $rc = 0 ] || bad="$bad; the next apply exits $rc: $(tail -n1 "$d/err2")"
	same "$target" "$r" "$d/post" && same "$STATE" "$r" "$d/post" ||
		bad="$bad; the next apply does not complete the change"
	[ -z "$(temps "$r")" ] || bad="$bad; the next apply leaves $(temps "$r")"
	files "$r" >"$d/files.now"
	cmp -s "$d/files.pre" "$d/files.now" || bad="$bad; other files changed after the next apply"
	what="$name: killed at $sc #$n (line $line)"
	if [ -z "$bad" ]; then
		t_ok "$what: $target $t1, state $t2$([ "$nleft" = 0 ] || echo ", a temporary file left"); the next apply completes and cleans"
	else
		t_fail "$what" "${bad#; }"
	fi
}

# scenario NAME TARGET ARGS...: trace a clean run, then kill it everywhere on the write path
# and at random points of the whole run
scenario() {
	name=$1 target=$2
	shift 2
	d=$W/$name r=$W/$name/r
	rm -rf "$r" && cp -a "$d/pre" "$r"
	# the same redirections as the killed runs: stdio asks a terminal or /dev/null more
	inj_trace "$d/clean.trace" "$HP" apply "$@" --root "$r" >"$d/out" 2>"$d/err"
	t_eq "$name: a clean traced run exits 0" 0 $?
	cp -a "$r" "$d/post"
	files "$d/pre" >"$d/files.pre"
	# not the exec of hugeplan itself: strace cannot stop a program before it exists
	inj_calls "$d/clean.trace" | grep -v '^1 execve 1$' >"$d/calls"
	points "$d/clean.trace" "$r" "$target" apply | cut -d" " -f1-3 >"$d/path"
	total=$(wc -l <"$d/calls")
	if [ "$(wc -l <"$d/path")" -lt 20 ] || [ "$total" -lt 100 ]; then
		t_fail "$name: the clean trace shows the write path ($total calls)"
		return
	fi
	if [ "${KILL_ALL:-0}" = 1 ]; then
		cp "$d/calls" "$d/picks"
	else
		cp "$d/path" "$d/picks"
		awk -v seed="$KILL_SEED$name" -v k="$KILL_RUNS" -v total="$total" '
			BEGIN { srand(seed); for (i = 0; i < k; i++) pick[int(rand() * total) + 1] = 1 }
			NR in pick' "$d/calls" >>"$d/picks"
	fi
	while read -r line sc n; do
		kill_at "$name" "$target" "$line" "$sc" "$n" "$@"
	done <"$d/picks"
}

mkdir -p "$W/grub-change" "$W/ki-change"
host "$W/grub-change/pre" grub
plan "$W/grub-change/pre" old
"$HP" apply --root "$W/grub-change/pre" >/dev/null 2>&1 || t_fail "grub-change: apply the old plan"
plan "$W/grub-change/pre" new
host "$W/ki-change/pre" ki
plan "$W/ki-change/pre" old
"$HP" apply --bootloader=kernel-install --root "$W/ki-change/pre" >/dev/null 2>&1 ||
	t_fail "ki-change: apply the old plan"
plan "$W/ki-change/pre" new

scenario grub-change "$SNIP"
scenario ki-change "$KCMD" --bootloader=kernel-install

# the pile-up: kill run after run just after the temporary file is written, no clean run
d=$W/grub-change r=$d/r
rm -rf "$r" && cp -a "$d/pre" "$r"
n=$(inj_nth "$d/clean.trace" fsync '.' '~>')
most=0
for _ in 1 2 3 4 5 6 7 8 9 10; do
	inj_kill fsync "${n:-1}" "$HP" apply --root "$r" >/dev/null 2>&1
	k=$(temps "$r" | grep -c .)
	[ "$k" -gt "$most" ] && most=$k
done
t_eq "10 runs killed in a row after writing the temporary file: never more than one left" 1 "$most"
t_eq "... and the snippet is still the old one" pre "$(state_of "$SNIP" "$r" "$d/pre" "$d/post")"

echo "# $KILLS runs killed: $OLDS left the old file, $NEWS the new, $LEFT left a temporary file (cleaned by the next run)"
t_done
