# Shared by tests/bootpath/run*.sh (sourced after ../lib.sh and t_init).
# shellcheck shell=sh

# build_tool: $TOOL, tests/bootpath/tool.c as make unit-tests builds it, or a failed test and exit
build_tool() {
	TOOL=$B/tests/bootpath-tool
	if [ ! -x "$TOOL" ]; then
		t_fail "$TOOL exists" "run: make unit-tests"
		t_done
		exit 1
	fi
}

# need CMD PACKAGE: a failed test and exit when CMD is missing (tests/install-deps.sh installs it)
need() {
	command -v "$1" >/dev/null 2>&1 && return 0
	t_fail "$1 is installed (package $2, tests/install-deps.sh)"
	t_done
	exit 1
}

# in_ns: 0 when this shell may make a private mount namespace; else one skipped test and exit
in_ns() {
	unshare -m sh -c "mount --bind '$T_TMP' '$T_TMP'" 2>"$T_TMP/unshare.err" && return 0
	t_skip "$(basename "$0") in a private mount namespace" \
		"unshare -m / mount --bind not permitted here: $(head -n1 "$T_TMP/unshare.err")"
	t_done
	exit 0
}
