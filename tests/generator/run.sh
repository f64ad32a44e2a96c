#!/bin/sh
# Golden-tree tests of build/hugeplan-generator, in the manner of systemd's
# test/test-fstab-generator.sh: for every tests/generator/cases/NAME/, a copy of the fixture
# root named in `base`, with `cmdline` as its /proc/cmdline and `root/` laid over it, is given
# to the generator ($HUGEPLAN_ROOT) with fresh output directories; the output's file list
# (`tree`: d, f, l lines, symlink targets with the unit directory as @UNITDIR@), each file's
# contents (`expected/`), its stderr (`stderr`, the root as ROOT, the output as OUT) and, if
# the case has `kmsg`, what it wrote to the root's dev/kmsg, must match. Optional: `env`
# (VAR=VALUE lines), `dirs` (1: called with one directory), `pre/` (already in the output).
# Then systemd-analyze verify over every generated unit and the shipped one.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_init
cd "$TOP" || exit 1
G=$B/hugeplan-generator
CASES=tests/generator/cases
# make check passes the directories the build used; alone, the Makefile's defaults
: "${HP_UNITDIR:=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null || echo /usr/local/lib/systemd/system)}"
: "${HP_BINDIR:=/usr/local/bin}"

# one line per entry: "d PATH", "f PATH", "l PATH -> TARGET", sorted
listing() {
	(cd "$1" && find . -mindepth 1 \( -type l -printf 'l %P -> %l\n' \) -o \
		\( -type d -printf 'd %P\n' \) -o \( -type f -printf 'f %P\n' \) -o -printf '? %P\n') |
		sed "s|-> $HP_UNITDIR/|-> @UNITDIR@/|" | LC_ALL=C sort
}

# the generator's environment: nothing from ours that it reads, plus the case's
run_gen() { # ROOT [VAR=VALUE...] GENERATOR DIR...
	gr=$1
	shift
	env -u SYSTEMD_SCOPE -u SYSTEMD_LOG_LEVEL -u SYSTEMD_LOG_TARGET -u SYSTEMD_IN_INITRD \
		HUGEPLAN_ROOT="$gr" "$@"
}

for c in "$CASES"/*/; do
	c=${c%/}
	name=$(basename "$c")
	w=$T_TMP/cases/$name
	root=$w/root out=$w/out
	mkdir -p "$root" "$out" "$w/early" "$w/late"
	cp -a "tests/fixtures/$(cat "$c/base")/." "$root/"
	[ -d "$c/root" ] && cp -a "$c/root/." "$root/"
	cp "$c/cmdline" "$root/proc/cmdline"
	[ -d "$c/pre" ] && cp -a "$c/pre/." "$out/"
	set --
	if [ -f "$c/env" ]; then
		while IFS= read -r kv; do set -- "$@" "$kv"; done <"$c/env"
	fi
	if [ "$(cat "$c/dirs" 2>/dev/null)" = 1 ]; then
		set -- "$@" "$G" "$out"
	else
		set -- "$@" "$G" "$out" "$w/early" "$w/late"
	fi
	run_gen "$root" "$@" >"$w/stdout" 2>"$w/stderr.raw"
	t_eq "$name: exit status 0" 0 $?
	sed -e "s|$root|ROOT|g" -e "s|$out|OUT|g" "$w/stderr.raw" >"$w/stderr"
	t_diff "$name: stderr" "$c/stderr" "$w/stderr"
	t_eq "$name: nothing on stdout" "" "$(cat "$w/stdout")"
	listing "$out" >"$w/tree"
	t_diff "$name: file list" "$c/tree" "$w/tree"
	grep '^f ' "$c/tree" | cut -c3- | while IFS= read -r f; do
		t_diff "$name: $f" "$c/expected/$f" "$out/$f"
	done >"$w/files"
	cat "$w/files"
	T_N=$((T_N + $(grep -c '^ok\|^not ok' "$w/files")))
	T_FAIL=$((T_FAIL + $(grep -c '^not ok' "$w/files")))
	# early and late directories are never written
	t_eq "$name: early and late directories untouched" "" "$(find "$w/early" "$w/late" -mindepth 1)"
	if [ -f "$c/kmsg" ]; then
		sed -e "s|$root|ROOT|g" -e 's/^\(<[0-9]*>hugeplan-generator\)\[[0-9]*\]/\1[PID]/' \
			"$root/dev/kmsg" >"$w/kmsg"
		t_diff "$name: kmsg" "$c/kmsg" "$w/kmsg"
	fi
	# unit names as systemd names them
	for m in "$out"/*.mount; do
		[ -f "$m" ] || continue
		where=$(sed -n 's/^Where=//p' "$m")
		t_eq "$name: $(basename "$m") is systemd-escape's name for $where" \
			"$(systemd-escape --path --suffix=mount "$where")" "$(basename "$m")"
	done
done

# under valgrind: the fullest case (mounts, drop-ins, Strict=) and a malformed one. The
# generator is linked statically (Makefile), where memcheck cannot follow malloc(): its
# objects linked dynamically are checked (make unit-tests builds them)
VG_G=$B/tests/hugeplan-generator-dynamic
[ -x "$VG_G" ] || t_fail "valgrind: $VG_G is built (make unit-tests)"
for name in strict-1g bad-config garbage; do
	rm -rf "$T_TMP/vg.out"
	mkdir -p "$T_TMP/vg.out"
	run_gen "$T_TMP/cases/$name/root" valgrind -q --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite,indirect "$VG_G" "$T_TMP/vg.out" 2>"$T_TMP/vg.err"
	vrc=$?
	if [ $vrc -eq 0 ] && ! grep -q '^==' "$T_TMP/vg.err"; then
		t_ok "valgrind: generator on $name"
	else
		t_fail "valgrind: generator on $name (exit $vrc)" "$(grep '^==' "$T_TMP/vg.err" | head -n 20)"
	fi
done

# Misuse and unusable places: logged, exit 0 all the same
run_gen "$T_TMP/none" "$G" >"$T_TMP/o" 2>"$T_TMP/e"
t_eq "no output directory: exit 0" 0 $?
t_eq "no output directory: says so" \
	"hugeplan-generator: expected one or three output directories, not 0 arguments" \
	"$(cat "$T_TMP/e")"
run_gen "$T_TMP/none" "$G" "$T_TMP/a" "$T_TMP/b" 2>"$T_TMP/e"
t_eq "two output directories: exit 0" 0 $?
t_grep "two output directories: says so" 'not 2 arguments' "$T_TMP/e"
run_gen "$T_TMP/cases/strict-1g/root" "$G" "$T_TMP/does/not/exist" 2>"$T_TMP/e"
t_eq "an output directory that does not exist: exit 0" 0 $?
t_grep "an output directory that does not exist: each write says why" \
	"^hugeplan-generator: cannot write $T_TMP/does/not/exist/dev-hugepages1G.mount: No such file or directory\$" \
	"$T_TMP/e"
run_gen "$T_TMP/does-not-exist" "$G" "$T_TMP/x" 2>"$T_TMP/e"
t_eq "a root that is not a system: exit 0" 0 $?
t_eq "a root that is not a system: nothing written" "" "$(find "$T_TMP/x" -mindepth 1 2>/dev/null)"
out=$("$G" --version)
t_eq "--version" "hugeplan-generator 0.1.0" "$out"

# No XML at boot: with libvirt domains defined and apply's plan recorded, the generator opens
# nothing under /etc/libvirt (strace sees every open) and does not link libxml2 at all.
gw=$T_TMP/cases/applied-no-pool
rm -rf "$gw/out" && mkdir -p "$gw/out"
run_gen "$gw/root" strace -f -qq -e trace=open,openat,openat2 -o "$T_TMP/gen.strace" "$G" "$gw/out" \
	>/dev/null 2>&1
t_grep "no XML at boot: strace saw the generator read apply's state" "var/lib/hugeplan/applied" "$T_TMP/gen.strace"
if grep -q 'etc/libvirt' "$T_TMP/gen.strace"; then
	t_fail "no XML at boot: nothing opened under /etc/libvirt" "$(grep 'etc/libvirt' "$T_TMP/gen.strace")"
else
	t_ok "no XML at boot: nothing opened under /etc/libvirt"
fi
if ldd "$G" | grep -q libxml2; then
	t_fail "no XML at boot: the generator does not link libxml2" "$(ldd "$G")"
else
	t_ok "no XML at boot: the generator does not link libxml2"
fi

# No inventory at boot: with VMs in vms.d and no pool, the generator opens nothing under vms.d
# (strace sees every open; issue 20), only the [Host] settings and apply's state.
gw=$T_TMP/cases/plan-no-pool
rm -rf "$gw/out" && mkdir -p "$gw/out"
run_gen "$gw/root" strace -f -qq -e trace=open,openat,openat2 -o "$T_TMP/gen-vms.strace" "$G" \
	"$gw/out" >/dev/null 2>&1
t_grep "no inventory at boot: strace saw the generator look for apply's state" \
	"var/lib/hugeplan/applied" "$T_TMP/gen-vms.strace"
t_grep "no inventory at boot: strace saw the generator read hugeplan.conf's directory" \
	"etc/hugeplan" "$T_TMP/gen-vms.strace"
if grep -q 'vms\.d' "$T_TMP/gen-vms.strace"; then
	t_fail "no inventory at boot: nothing opened under vms.d" "$(grep 'vms\.d' "$T_TMP/gen-vms.strace")"
else
	t_ok "no inventory at boot: nothing opened under vms.d"
fi

# systemd-analyze verify, in a private root: a copy of this machine's systemd units, the
# shipped units (hugeplan-verify.service where the generator's link points, and the metrics
# service and timer), the hugeplan binary
# where the unit runs it, stand-ins for the VM managers the drop-ins extend (none of them is
# installed here), and the generator's output as /run/systemd/generator. SYSTEMD_UNIT_PATH
# (ending in ":" to keep the default directories) is read under --root.
vr=$T_TMP/verify-root
mkdir -p "$vr$HP_UNITDIR" "$vr$HP_BINDIR" "$vr/usr/bin" "$vr/etc/systemd/system"
cp -a /usr/lib/systemd/system/. "$vr$HP_UNITDIR/"
cp "$B"/units/* "$vr$HP_UNITDIR/"
cp "$B/hugeplan" "$vr$HP_BINDIR/hugeplan"
cp /usr/bin/true "$vr/usr/bin/true"
for m in libvirtd virtqemud pve-guests kubelet; do
	printf '[Unit]\nDescription=stand-in for %s\n\n[Service]\nExecStart=/usr/bin/true\n' \
		"$m" >"$vr/etc/systemd/system/$m.service"
done
verify() { # NAME UNIT...
	vname=$1
	shift
	SYSTEMD_UNIT_PATH=/run/systemd/generator: systemd-analyze verify --man=no --root="$vr" \
		"$@" >"$T_TMP/verify.out" 2>&1
	vrc=$?
	if [ $vrc -eq 0 ] && [ ! -s "$T_TMP/verify.out" ]; then
		t_ok "systemd-analyze verify: $vname ($*)"
	else
		t_fail "systemd-analyze verify: $vname ($*)" "exit $vrc"
		sed 's/^/#     /' "$T_TMP/verify.out"
	fi
}
verify "shipped units" hugeplan-verify.service hugeplan-metrics.service hugeplan-metrics.timer
for u in hugeplan-replan.path hugeplan-replan.service hugeplan-replan.timer; do
	verify "shipped unit" "$u"
done
for c in "$CASES"/*/; do
	name=$(basename "$c")
	out=$T_TMP/cases/$name/out
	units=$(cd "$out" && for u in ./*.mount ./*.service.d; do [ -e "$u" ] && echo "${u#./}"; done | sed 's/\.d$//')
	[ -n "$units" ] || continue
	rm -rf "$vr/run/systemd/generator"
	mkdir -p "$vr/run/systemd"
	cp -a "$out" "$vr/run/systemd/generator"
	# shellcheck disable=SC2086 # one argument per unit name
	verify "$name" $units
done
# and the check can fail: a mount unit under a name that does not match its Where=
rm -rf "$vr/run/systemd/generator"
mkdir -p "$vr/run/systemd/generator"
cp "$T_TMP/cases/strict-1g/out/dev-hugepages1G.mount" "$vr/run/systemd/generator/dev-hugepages2M.mount"
if SYSTEMD_UNIT_PATH=/run/systemd/generator: systemd-analyze verify --man=no --root="$vr" \
	dev-hugepages2M.mount >"$T_TMP/verify.out" 2>&1; then
	t_fail "systemd-analyze verify refuses a misnamed mount unit (the check can fail)"
else
	t_grep "systemd-analyze verify refuses a misnamed mount unit (the check can fail)" \
		"doesn't match unit name" "$T_TMP/verify.out"
fi
t_done
