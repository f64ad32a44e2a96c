#!/bin/sh
# make install into a temporary DESTDIR: the exact list of files and their modes, for the
# directories pkg-config gives on Debian 12 (PREFIX=/usr, as the package builds) and for the
# fallbacks without pkg-config (PREFIX=/usr/local); then what an installed tree must do
# (the programs run, systemd-analyze cat-config and hugeplan read the same configuration,
# bash-completion and man find their files); then make uninstall leaves nothing behind.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_init
cd "$TOP" || exit 1
VERSION=$(sed -n 's/^VERSION := //p' Makefile)
# Installs for other directories rebuild what names them (the generator, the unit): do
# that in a copy of the build tree, so the tiers that run after this one find it as it was.
mkdir -p "$T_TMP/build"
(cd "$B" && tar -cf - --exclude=./e2e-cache .) | (cd "$T_TMP/build" && tar -xf -)
B=$T_TMP/build

# expected DIRS...: files.txt with the directories of one scenario, "MODE PATH" sorted
expected() {
	grep -v '^#' tests/install/files.txt |
		sed -e "s|\$BINDIR|$BINDIR|; s|\$LIBEXECDIR|$LIBEXECDIR|; s|\$GENERATORDIR|$GENERATORDIR|" \
			-e "s|\$UNITDIR|$UNITDIR|; s|\$DRACUTMODULESDIR|$DRACUTMODULESDIR|" \
			-e "s|\$DRACUTCONFDIR|$DRACUTCONFDIR|; s|\$DOCDIR|$DOCDIR|; s|\$MANDIR|$MANDIR|" \
			-e "s|\$COMPLETIONDIR|$COMPLETIONDIR|; s|\$DATADIR|$DATADIR|" >"$T_TMP/files"
	while read -r mode path _; do
		[ -n "$mode" ] && echo "$mode $path"
	done <"$T_TMP/files" | sort
}

# installed D: "MODE PATH" of every file and symlink under D, sorted
installed() {
	(cd "$1" && find . \( -type f -o -type l \) -printf '%m /%P\n') | sort
}

# scenario NAME MAKE-ARGS...: install, compare, check, uninstall
scenario() {
	name=$1
	shift
	D=$T_TMP/dest-$name
	if make -s --no-print-directory install DESTDIR="$D" B="$B" "$@" >"$T_TMP/make.out" 2>&1; then
		t_ok "$name: make install $*"
	else
		t_fail "$name: make install $*" "$(tail -5 "$T_TMP/make.out")"
		return
	fi
	expected >"$T_TMP/want"
	installed "$D" >"$T_TMP/got"
	t_diff "$name: the installed files and modes are exactly files.txt" "$T_TMP/want" "$T_TMP/got"

	out=$("$D$BINDIR/hugeplan" --version 2>&1)
	t_eq "$name: the installed hugeplan runs" "hugeplan $VERSION" "$out"
	out=$("$D$LIBEXECDIR/hugeplan/hugeplan-verify" --version 2>&1)
	t_eq "$name: the installed hugeplan-verify runs" "hugeplan-verify $VERSION" "$out"
	ms=$D$DRACUTMODULESDIR/50hugeplan/module-setup.sh
	t_grep "$name: the dracut module looks for the verifier in $LIBEXECDIR" \
		"$LIBEXECDIR/hugeplan/hugeplan-verify" "$ms"
	[ "$LIBEXECDIR" = /usr/libexec ] ||
		t_eq "$name: and nowhere else" "" "$(grep -n '/usr/libexec/' "$ms")"
	t_grep "$name: dracut.conf.d adds the module" '^add_dracutmodules\+=" hugeplan "$' \
		"$D$DRACUTCONFDIR/50-hugeplan.conf"

	# the installed generator enables the unit where it was installed, and the unit runs the
	# command where it was installed
	R=$T_TMP/genroot
	rm -rf "$R" "$T_TMP/gen"
	cp -r tests/fixtures/one-node-32g "$R"
	echo 'ro default_hugepagesz=2M hugepagesz=2M hugepages=16 hugepagesz=1G hugepages=1' \
		>"$R/proc/cmdline"
	mkdir "$T_TMP/gen"
	HUGEPLAN_ROOT=$R "$D$GENERATORDIR/hugeplan-generator" "$T_TMP/gen" >"$T_TMP/gen.log" 2>&1
	link=$(readlink "$T_TMP/gen/multi-user.target.wants/hugeplan-verify.service")
	t_eq "$name: the generator enables the unit where it is installed" \
		"$UNITDIR/hugeplan-verify.service" "$link"
	t_eq "$name: and the unit is there" yes "$([ -f "$D$link" ] && echo yes)"
	exe=$(sed -n 's/^ExecStart=\([^ ]*\) .*/\1/p' "$D$UNITDIR/hugeplan-verify.service")
	t_eq "$name: the unit runs the installed hugeplan" "$BINDIR/hugeplan" "$exe"

	# bash-completion loads the completion from where it was installed
	out=$(XDG_DATA_DIRS=$D${COMPLETIONDIR%/bash-completion/completions} bash -c '
		. /usr/share/bash-completion/bash_completion
		__load_completion hugeplan && complete -p hugeplan' 2>&1)
	t_eq "$name: bash-completion finds the completion" "complete -F _hugeplan hugeplan" "$out"
	# man finds every page in its section
	for p in hugeplan.8 hugeplan-generator.8 hugeplan.conf.5 dracut.hugeplan.7; do
		sec=${p##*.}
		out=$(MANPATH=$D$MANDIR man -w "$sec" "${p%.*}" 2>&1)
		t_eq "$name: man $sec ${p%.*} finds the page" "$D$MANDIR/man$sec/$p" "$out"
	done

	make -s --no-print-directory uninstall DESTDIR="$D" B="$B" "$@" >"$T_TMP/make.out" 2>&1
	t_eq "$name: make uninstall exits 0" 0 $?
	installed "$D" >"$T_TMP/got"
	t_diff "$name: no file is left after make uninstall" /dev/null "$T_TMP/got"
	left=$(cd "$D" && find . -name '*hugeplan*')
	t_eq "$name: no hugeplan directory is left" "" "$left"
}

# Debian 12's pkg-config answers, as the package builds
BINDIR=/usr/bin LIBEXECDIR=/usr/libexec GENERATORDIR=/lib/systemd/system-generators
UNITDIR=/lib/systemd/system DRACUTMODULESDIR=/usr/lib/dracut/modules.d
DRACUTCONFDIR=/usr/lib/dracut/dracut.conf.d DOCDIR=/usr/share/doc/hugeplan MANDIR=/usr/share/man
COMPLETIONDIR=/usr/share/bash-completion/completions DATADIR=/usr/share
for pc in systemd:systemdsystemgeneratordir:$GENERATORDIR systemd:systemdsystemunitdir:$UNITDIR \
	dracut:dracutmodulesdir:$DRACUTMODULESDIR dracut:dracutconfdir:$DRACUTCONFDIR \
	bash-completion:completionsdir:$COMPLETIONDIR; do
	IFS=: read -r pkg var want <<EOF2
$pc
EOF2
	t_eq "pkg-config $pkg $var is Debian 12's" "$want" "$(pkg-config --variable="$var" "$pkg")"
done
scenario debian PREFIX=/usr

# the configuration as systemd-analyze cat-config and hugeplan read it, on an installed tree
D=$T_TMP/dest-debian
make -s --no-print-directory install DESTDIR="$D" B="$B" PREFIX=/usr >/dev/null 2>&1
cp -r tests/fixtures/one-node-32g/proc tests/fixtures/one-node-32g/sys "$D/"
mkdir -p "$D/etc/hugeplan/hugeplan.conf.d"
printf '[Host]\nReserveMemory=3G\n' >"$D/etc/hugeplan/hugeplan.conf.d/50-reserve.conf"
systemd-analyze --root="$D" cat-config hugeplan/hugeplan.conf >"$T_TMP/cat" 2>&1
grep "^# $D/" "$T_TMP/cat" >"$T_TMP/got"
printf '# %s\n' "$D/usr/lib/hugeplan/hugeplan.conf" \
	"$D/etc/hugeplan/hugeplan.conf.d/50-reserve.conf" >"$T_TMP/want"
t_diff "systemd-analyze cat-config shows the vendor file, then the drop-in" "$T_TMP/want" "$T_TMP/got"
reserve=$("$D/usr/bin/hugeplan" plan --json --root "$D" |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["reserve"])')
t_eq "hugeplan reads the same: the drop-in's ReserveMemory=3G" $((3 << 30)) "$reserve"
rm -rf "$D"

# no .pc file for systemd, dracut and bash-completion: the fallbacks, under PREFIX=/usr/local
cat >"$T_TMP/pkg-config" <<'EOF2'
#!/bin/sh
for a; do case $a in systemd | dracut | bash-completion) exit 1 ;; esac; done
exec pkg-config "$@"
EOF2
chmod +x "$T_TMP/pkg-config"
BINDIR=/usr/local/bin LIBEXECDIR=/usr/local/libexec
GENERATORDIR=/usr/local/lib/systemd/system-generators UNITDIR=/usr/local/lib/systemd/system
DRACUTMODULESDIR=/usr/lib/dracut/modules.d DRACUTCONFDIR=/usr/lib/dracut/dracut.conf.d
DOCDIR=/usr/local/share/doc/hugeplan MANDIR=/usr/local/share/man
COMPLETIONDIR=/usr/local/share/bash-completion/completions DATADIR=/usr/local/share
scenario no-pc-files PKG_CONFIG="$T_TMP/pkg-config"

# An object built with an absolute B= (as the test tiers pass it) must still rebuild under the
# relative spelling of the same folder when a header it includes changes: make names targets as
# B spells them, and a dependency file written under one spelling did not attach to the other
# (stale objects of an older struct layout crashed unit tests). One object in a scratch folder;
# -W pretends the header changed without touching it.
SB=$T_TMP/spelling
rel=$(realpath -m --relative-to="$TOP" "$SB")
obj=obj/generator/config/perms.o
if make -s --no-print-directory B="$SB" "$SB/$obj" >"$T_TMP/make.out" 2>&1; then
	make -n --no-print-directory B="$rel" all >"$T_TMP/plain.out" 2>&1
	make -n -W generator/core/vm.h --no-print-directory B="$rel" all >"$T_TMP/changed.out" 2>&1
	if grep -q 'config/perms\.c' "$T_TMP/plain.out"; then
		t_fail "control: with nothing changed, make B=$rel leaves $obj built by B=$SB alone"
	elif grep -q 'config/perms\.c' "$T_TMP/changed.out"; then
		t_ok "make B=$rel rebuilds $obj, built by make B=$SB, when generator/core/vm.h changes"
	else
		t_fail "make B=$rel rebuilds $obj, built by make B=$SB, when generator/core/vm.h changes"
	fi
else
	t_fail "make B=$SB $SB/$obj" "$(tail -n 5 "$T_TMP/make.out")"
fi
rm -rf "$SB"

# Objects follow the flags they were built with: a build folder once filled with other
# CFLAGS (the package build's hardening, say) used to keep its objects, and the verifier
# the boot tier measured was that other build's. The verifier in a scratch folder, built
# with the default flags, -O0, then the default flags again. Its objects are compared, not
# its text's size: the verifier's own -Os (VERIFY_CFLAGS) comes after CFLAGS and keeps the
# code the same, but the compile line the object records (-g's DW_AT_producer) is another.
FB=$T_TMP/flags
vsize() { md5sum "$FB/obj-verify/generator/verify/main.o" 2>/dev/null | cut -d' ' -f1; }
if make -s --no-print-directory B="$FB" "$FB/hugeplan-verify" >"$T_TMP/make.out" 2>&1; then
	first=$(vsize)
	stamp=$(cat "$FB/flags.stamp")
	make -n --no-print-directory B="$FB" CFLAGS="-O0 -g" "$FB/hugeplan-verify" >"$T_TMP/dry.out" 2>&1
	if grep -q 'verify/main\.c' "$T_TMP/dry.out" && [ "$stamp" = "$(cat "$FB/flags.stamp")" ]; then
		t_ok "make -n with other CFLAGS shows the verifier rebuilt and writes nothing"
	else
		t_fail "make -n with other CFLAGS shows the verifier rebuilt and writes nothing" "$(tail -n 3 "$T_TMP/dry.out")"
	fi
	make -s --no-print-directory B="$FB" CFLAGS="-O0 -g" "$FB/hugeplan-verify" >"$T_TMP/make.out" 2>&1
	o0=$(vsize)
	make -s --no-print-directory B="$FB" "$FB/hugeplan-verify" >"$T_TMP/make.out" 2>&1
	again=$(vsize)
	if [ -n "$first" ] && [ "$o0" != "$first" ] && [ "$again" = "$first" ]; then
		t_ok "CFLAGS=-O0 rebuilds the verifier's objects, and the default flags rebuild them back"
	else
		t_fail "CFLAGS=-O0 rebuilds the verifier's objects, and the default flags rebuild them back" \
			"main.o's md5: default $first, -O0 $o0, default again $again"
	fi
else
	t_fail "make B=$FB $FB/hugeplan-verify" "$(tail -n 5 "$T_TMP/make.out")"
fi
rm -rf "$FB"

t_done
