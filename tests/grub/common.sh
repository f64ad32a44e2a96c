# Shared by the grub tier's scripts (sourced after ../lib.sh and t_init).
# shellcheck shell=sh

# build_tool: $TOOL, tests/grub/tool.c as make unit-tests builds it, or a failed test and exit.
build_tool() {
	TOOL=$B/tests/grub-tool
	if [ ! -x "$TOOL" ]; then
		t_fail "$TOOL exists" "run: make unit-tests"
		t_done
		exit 1
	fi
}
