#!/bin/sh
# tests/fixtures/mkdump.sh captures every file hugeplan reads: a capture of a fixture root
# (MKDUMP_ROOT) holds each of its files unchanged, and hugeplan gives the same answers on the
# capture as on the root itself (plan, check, the verifier's report, status); the console
# form decodes (tests/boot/hpt.py) to the same tree. And every committed capture with a
# guest's report (tests/fixtures/*/run/hugeplan/boot-report.json, from a real boot) gives that
# report again when the verifier runs on it here.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_init
HP=$B/hugeplan
V=$B/hugeplan-verify
MK=$TOP/tests/fixtures/mkdump.sh
CONF=$TOP/tests/cli/configs/numa

# same_report A B: the two reports are equal but for the time the verifier took
same_report() {
	python3 - "$1" "$2" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for d in (a, b):
    d.pop("elapsed_us")
sys.exit(0 if a == b else "differ:\n%s\n%s" % (json.dumps(a), json.dumps(b)))
PY
}

for fix in one-node-32g two-node-16g-32g qemu-numa-1g2g; do
	src=$T_TMP/$fix.src dst=$T_TMP/$fix.dump
	cp -a "$TOP/tests/fixtures/$fix" "$src"
	mkdir -p "$src/etc/hugeplan" && cp -a "$CONF/." "$src/etc/hugeplan/"
	if ! MKDUMP_ROOT=$src sh "$MK" "$dst" 2>"$T_TMP/mk.err"; then
		t_fail "$fix: mkdump.sh captures it" "$(cat "$T_TMP/mk.err")"
		continue
	fi
	bad=
	for f in $(cd "$dst" && find . -type f); do
		cmp -s "$src/$f" "$dst/$f" || bad="$bad $f"
	done
	t_eq "$fix: every captured file is the root's, unchanged ($(cd "$dst" && find . -type f | wc -l) files)" "" "$bad"
	for cmd in plan check; do
		"$HP" "$cmd" --root "$src" >"$T_TMP/a.out" 2>&1
		a=$?
		"$HP" "$cmd" --root "$dst" >"$T_TMP/b.out" 2>&1
		b=$?
		sed "s|$dst|ROOT|g" "$T_TMP/b.out" >"$T_TMP/b.norm"
		sed "s|$src|ROOT|g" "$T_TMP/a.out" >"$T_TMP/a.norm"
		if [ "$a" = "$b" ] && cmp -s "$T_TMP/a.norm" "$T_TMP/b.norm"; then
			t_ok "$fix: hugeplan $cmd says the same of the capture (exit $a)"
		else
			t_fail "$fix: hugeplan $cmd says the same of the capture" "exit $a and $b" \
				"$(diff "$T_TMP/a.norm" "$T_TMP/b.norm" | head -n 10)"
		fi
	done
	rm -rf "$src/run/hugeplan" "$dst/run/hugeplan"
	"$V" --root "$src" >/dev/null 2>&1
	a=$?
	"$V" --root "$dst" >/dev/null 2>&1
	b=$?
	if [ "$a" = "$b" ] && same_report "$src/run/hugeplan/boot-report.json" \
		"$dst/run/hugeplan/boot-report.json" >"$T_TMP/cmp" 2>&1; then
		t_ok "$fix: the verifier's report on the capture is the one on the root (exit $a)"
	else
		t_fail "$fix: the verifier's report on the capture is the one on the root" \
			"exit $a and $b" "$(cat "$T_TMP/cmp")"
	fi
done

# the console form, decoded as the boot tier decodes a guest's
src=$T_TMP/qemu-numa-1g2g.src
MKDUMP_ROOT=$src sh "$MK" --console HPT >"$T_TMP/console.log"
MKDUMP_ROOT=$src sh "$MK" "$T_TMP/copied"
mkdir -p "$T_TMP/decoded"
if python3 "$TOP/tests/boot/hpt.py" files "$T_TMP/console.log" "$T_TMP/decoded" 2>"$T_TMP/hpt.err" &&
	diff -r "$T_TMP/copied" "$T_TMP/decoded" >"$T_TMP/diff" 2>&1; then
	t_ok "the console form decodes to the same capture"
else
	t_fail "the console form decodes to the same capture" "$(cat "$T_TMP/hpt.err" "$T_TMP/diff" | head)"
fi

# every committed capture of a real boot: the guest's report, again
n=0
for rep in "$TOP"/tests/fixtures/*/run/hugeplan/boot-report.json; do
	[ -f "$rep" ] || continue
	fix=${rep%/run/hugeplan/boot-report.json}
	name=$(basename "$fix")
	n=$((n + 1))
	rm -rf "$T_TMP/real" && cp -a "$fix" "$T_TMP/real"
	"$V" --root "$T_TMP/real" >/dev/null 2>&1
	if same_report "$rep" "$T_TMP/real/run/hugeplan/boot-report.json" >"$T_TMP/cmp" 2>&1; then
		t_ok "$name: the verifier here gives the report the guest wrote at boot"
	else
		t_fail "$name: the verifier here gives the report the guest wrote at boot" "$(cat "$T_TMP/cmp")"
	fi
done
if [ "$n" -ge 3 ]; then
	t_ok "$n captures of real boots checked"
else
	t_fail "at least 3 captures of real boots" "$n found"
fi
t_done
