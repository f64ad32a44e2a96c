#!/bin/sh
# The atomic file layer under real system call failures: strace fails one chosen call
# (E2E-NOTES: strace -e inject) at each step of the replace. Up to and including the rename
# the old file must stay byte-for-byte and no temporary file may remain; the error must name
# the step and the path. The call to fail is found in a clean trace of the same run, so the
# test follows whatever the loader and libc do before it.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_init
# shellcheck source=tests/grub/common.sh
. "$TOP/tests/grub/common.sh"
# shellcheck source=tests/lib/inject.sh
. "$TOP/tests/lib/inject.sh"
build_tool

if ! inj_usable; then
	t_done
	exit
fi

D=$T_TMP/d
F=$D/99-hugeplan.cfg
OLD="old content: hugepagesz=2M hugepages=16"
NEW="new content: hugepagesz=1G hugepages=4"

reset() {
	rm -rf "$D" && mkdir -p "$D" && printf '%s\n' "$OLD" >"$F" && cp "$F" "$T_TMP/old.copy"
}

reset
printf '%s\n' "$NEW" | inj_trace "$T_TMP/clean.trace" "$TOOL" write "$F" >"$T_TMP/out" 2>&1
t_eq "clean run writes" "written" "$(cat "$T_TMP/out")"
t_eq "clean run: new content" "$NEW" "$(cat "$F")"
RN=$(inj_name "$T_TMP/clean.trace" '^rename(at2?)?\(')
[ -n "$RN" ] || t_fail "the clean trace shows a rename system call" "$(cat "$T_TMP/clean.trace")"

# inject NAME SYSCALL AFTER_RE TARGET_RE ERRNO STEP KEEPS_OLD
inject() {
	name=$1 sc=$2 after=$3 re=$4 err=$5 step=$6 keeps=$7
	n=$(inj_nth "$T_TMP/clean.trace" "$sc" "$after" "$re")
	if [ -z "$n" ]; then
		t_fail "$name: find the call in the clean trace ($sc ~ $re)"
		return
	fi
	reset
	printf '%s\n' "$NEW" | inj_fail "$sc" "$n" "$err" "$TOOL" write "$F" >"$T_TMP/out" 2>"$T_TMP/err"
	rc=$?
	t_eq "$name: fails (exit 1)" 1 "$rc"
	t_grep "$name: error names the path and the step" "^tool: $F: $step: " "$T_TMP/err"
	if [ "$keeps" = yes ]; then
		if cmp -s "$T_TMP/old.copy" "$F"; then
			t_ok "$name: old file byte-for-byte"
		else
			t_fail "$name: old file byte-for-byte" "now: $(cat "$F")"
		fi
	else
		t_eq "$name: rename done, new content in place" "$NEW" "$(cat "$F")"
	fi
	t_eq "$name: no temporary file left" "99-hugeplan.cfg" "$(ls -A "$D")"
}

inject "open directory" openat '.' "\"$D\", O_RDONLY.*O_DIRECTORY" EMFILE "open directory" yes
inject "read current file" openat '.' '"99-hugeplan.cfg", O_RDONLY' EACCES "read current file" yes
inject "create temporary file" openat '.' 'O_EXCL' EDQUOT "create temporary file" yes
inject "write" write '.' "\"new content" ENOSPC "write temporary file" yes
inject "fsync file" fsync 'O_EXCL' '.' EIO "fsync temporary file" yes
inject "close" close 'O_EXCL' '.' EIO "close temporary file" yes
inject "rename" "$RN" '.' '~"' EXDEV "rename temporary file over target" yes
inject "fsync directory" fsync '^rename' '.' EIO "fsync directory" no
# the directory is opened once, the file and its temporary file named relative to it
# (sys/atomic-file.h): nothing else in the trace names the target's full path
if grep -E '^(openat|renameat2?|unlinkat)\(' "$T_TMP/clean.trace" | grep -v "\"$D\"" | grep -qF "\"$F\""; then
	t_fail "the file and its temporary file are named relative to the directory"
else
	t_ok "the file and its temporary file are named relative to the directory"
fi

# Removal: a failed unlink keeps the file.
reset
inj_trace "$T_TMP/clean.trace" "$TOOL" remove "$F" >"$T_TMP/out" 2>&1
t_eq "clean remove" "removed" "$(cat "$T_TMP/out")"
UN=$(inj_name "$T_TMP/clean.trace" '^unlink(at)?\(')
reset
inj_fail "$UN" 1 EROFS "$TOOL" remove "$F" >"$T_TMP/out" 2>"$T_TMP/err"
t_eq "failed unlink: exit 1" 1 "$?"
t_grep "failed unlink: error names the path and the step" "^tool: $F: remove file: " "$T_TMP/err"
t_eq "failed unlink: file kept" "$OLD" "$(cat "$F")"

t_done
