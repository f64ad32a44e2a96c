# Shared by the grub tier's scripts (sourced after ../lib.sh and t_init).
# shellcheck shell=sh

# build_tool: $TOOL, tests/grub/tool.c linked with the core library, or a failed test and exit.
build_tool() {
	TOOL=$T_TMP/tool
	if ! ${CC:-cc} -D_GNU_SOURCE -I"$TOP/generator" -o "$TOOL" "$TOP/tests/grub/tool.c" \
		"$B/libhugeplan-core.a" 2>"$T_TMP/cc.err"; then
		t_fail "build tests/grub/tool.c against $B/libhugeplan-core.a" "$(cat "$T_TMP/cc.err")"
		t_done
		exit 1
	fi
}
