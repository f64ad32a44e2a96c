# Helpers for the tiers that re-run other tiers under a checker (tests/asan, tests/valgrind).
# shellcheck shell=sh

# san_prefix LABEL: prefix the description of every TAP line read on stdin with LABEL
san_prefix() {
	sed -e "s/^\(\(not \)\{0,1\}ok [0-9]*\) - /\1 - $1: /"
}

# san_unit LABEL BINARY [WRAPPER...]: a cmocka binary as TAP; a binary that dies without a
# "not ok" line (a crash, a sanitizer abort, an error exit of the checker) fails here
san_unit() {
	_su_label=$1
	_su_bin=$2
	shift 2
	env CMOCKA_MESSAGE_OUTPUT=TAP "$@" "$_su_bin" >"$T_TMP/unit.out" 2>&1
	_su_rc=$?
	san_prefix "$_su_label" <"$T_TMP/unit.out"
	if [ "$_su_rc" -ne 0 ] && ! grep -q '^not ok' "$T_TMP/unit.out"; then
		t_fail "$_su_label: $(basename "$_su_bin") exited with status $_su_rc" \
			"$(tail -n 5 "$T_TMP/unit.out")"
	elif [ "$_su_rc" -eq 0 ]; then
		t_ok "$_su_label: $(basename "$_su_bin") exited 0"
	fi
}

# san_reports LABEL DIR: no report file in DIR may hold anything
san_reports() {
	_sr_bad=
	for _sr_f in "$2"/*; do
		[ -s "$_sr_f" ] && _sr_bad="$_sr_bad $_sr_f"
	done
	if [ -z "$_sr_bad" ]; then
		t_ok "$1: no report"
	else
		t_fail "$1: reports in$_sr_bad"
		for _sr_f in $_sr_bad; do
			head -n 40 "$_sr_f" | sed 's/^/#   /'
		done
	fi
}
