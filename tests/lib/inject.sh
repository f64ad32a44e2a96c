# System call fault injection with strace (E2E-NOTES.md: strace -e inject), shared by the
# tiers that fail a real program's system calls one at a time (sourced after lib.sh and
# t_init). The call to fail is found in a clean trace of the same run, so a test follows
# whatever the loader, libc and the program do before it instead of hard-coding counts.
#
# strace counts a system call per tracee ("accounting ... is done per syscall and per
# tracee"): the traces and injections here follow the main process only (no -f), so a
# program's children (update-grub) run untouched and the ordinals are the main process's.
# A test that must reach a child says so and uses inj_strace with its own options.
# shellcheck shell=sh

# inj_usable: 0 when strace can trace here; else one test line (a failure when strace is
# missing: install-deps.sh installs it; a skip when ptrace is not permitted) and 1.
inj_usable() {
	if ! command -v strace >/dev/null 2>&1; then
		t_fail "strace is installed (tests/install-deps.sh)"
		return 1
	fi
	if ! strace -o /dev/null true 2>"$T_TMP/strace.err"; then
		t_skip "system call injection" "ptrace not permitted here: $(head -n1 "$T_TMP/strace.err")"
		return 1
	fi
	return 0
}

# inj_trace TRACE CMD...: run CMD once, cleanly, its system calls into TRACE with the paths
# of file descriptors shown (-y: "fsync(3</etc/default/grub.d>)"); CMD's stdin, stdout and
# stderr are the caller's, its exit status is returned.
inj_trace() {
	_it=$1
	shift
	strace -qq -y -o "$_it" "$@"
}

# inj_nth TRACE SYSCALL AFTER_RE TARGET_RE: among TRACE's calls of SYSCALL (a name as strace
# prints it), the position of the first one matching TARGET_RE that comes at or after the
# first line matching AFTER_RE; nothing when there is none. The regexes reach awk through
# the environment: awk -v processes escapes, and gawk (unlike mawk) turns "\(" into "(".
inj_nth() {
	INJ_AFTER=$3 INJ_RE=$4 awk -v sc="$2" '
	BEGIN { after = ENVIRON["INJ_AFTER"]; re = ENVIRON["INJ_RE"] }
	$0 ~ after { seen = 1 }
	$0 ~ "^" sc "\\(" { n++; if (seen && $0 ~ re) { print n; exit } }' "$1"
}

# inj_name TRACE RE: the name of the first system call in TRACE matching RE ("rename",
# "renameat2", ... as libc chose), for the calls libc may make under more than one name.
inj_name() {
	grep -E "$2" "$1" | head -n1 | sed 's/(.*//'
}

# inj_fail SYSCALL N ERRNO CMD...: CMD with the Nth call of SYSCALL failing with ERRNO (the
# call is not made). Returns CMD's exit status.
inj_fail() {
	_is=$1 _in=$2 _ie=$3
	shift 3
	strace -qq -o /dev/null -e trace="$_is" -e inject="$_is:error=$_ie:when=$_in" "$@"
}

# inj_kill SYSCALL N CMD...: CMD killed by SIGKILL on entering the Nth call of SYSCALL (the
# call is not made): a crash, or a power cut, at exactly that point.
inj_kill() {
	_is=$1 _in=$2
	shift 2
	strace -qq -o /dev/null -e trace="$_is" -e inject="$_is:signal=KILL:when=$_in" "$@"
}

# inj_calls TRACE: "LINE SYSCALL ORDINAL" for every system call in TRACE, the ordinal counted
# per system call as strace's when= counts it (for choosing points across a whole run).
inj_calls() {
	awk 'match($0, /^[a-z_0-9]+\(/) {
		sc = substr($0, 1, RLENGTH - 1)
		print NR, sc, ++n[sc]
	}' "$1"
}
