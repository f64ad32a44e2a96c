# Shared by tests/bootpath/run*.sh (sourced after ../lib.sh and t_init).
# shellcheck shell=sh

# build_tool: $TOOL, tests/bootpath/tool.c linked with the core library, or a failed test and exit
build_tool() {
	TOOL=$T_TMP/tool
	if ! ${CC:-cc} -D_GNU_SOURCE -I"$TOP/generator" -o "$TOOL" "$TOP/tests/bootpath/tool.c" \
		"$B/libhugeplan-core.a" 2>"$T_TMP/cc.err"; then
		t_fail "build tests/bootpath/tool.c against $B/libhugeplan-core.a" "$(cat "$T_TMP/cc.err")"
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
