#!/bin/sh
# 99-hugeplan.cfg sourced the way grub-mkconfig (2.06) sources its settings, under "set -e",
# after a variety of earlier settings, by every POSIX shell present (dash is Debian's /bin/sh).
# Expected values are written from the snippet's contract (core/grub-snippet.h): owned words
# gone from both variables, tokens once at the end of GRUB_CMDLINE_LINUX_DEFAULT only, every
# other word kept in order.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_init

# shellcheck source=tests/grub/common.sh
. "$TOP/tests/grub/common.sh"
build_tool

TOKS="default_hugepagesz=1G hugepagesz=1G hugepages=4 hugepagesz=2M hugepages=512 hugeplan.plan=t1"
# shellcheck disable=SC2086 # one argument per token
"$TOOL" snippet $TOKS >"$T_TMP/snippet.cfg" || t_fail "render the snippet"

SHELLS=
for s in dash bash busybox; do
	command -v $s >/dev/null 2>&1 && SHELLS="$SHELLS $s"
done
case $SHELLS in *bash*) SHELLS="$SHELLS bash-posix" ;; esac

# A directory full of files, so that an unguarded glob in the snippet would show.
mkdir -p "$T_TMP/glob" && touch "$T_TMP/glob/a.txt" "$T_TMP/glob/b.txt"

# grub-mkconfig's own lines (util/grub-mkconfig.in), then the two variables.
# shellcheck disable=SC2016 # grub-mkconfig's lines, expanded by the shell under test
SOURCE='sysconfdir=$1
if test -f ${sysconfdir}/default/grub ; then
  . ${sysconfdir}/default/grub
fi
for x in ${sysconfdir}/default/grub.d/*.cfg ; do
  if [ -e "${x}" ]; then
    . "${x}"
  fi
done
printf "L=[%s]\nD=[%s]\n" "${GRUB_CMDLINE_LINUX-}" "${GRUB_CMDLINE_LINUX_DEFAULT-}"'

# run_sh SHELL FLAGS SCRIPT ARGS...
run_sh() {
	s=$1 f=$2
	shift 2
	case $s in
	bash-posix) (cd "$T_TMP/glob" && bash --posix "$f" -c "$@") ;;
	busybox) (cd "$T_TMP/glob" && busybox sh "$f" -c "$@") ;;
	*) (cd "$T_TMP/glob" && $s "$f" -c "$@") ;;
	esac
}

# newcase NAME: a settings tree with the snippet as grub.d/99-hugeplan.cfg
newcase() {
	C=$T_TMP/$1
	mkdir -p "$C/default/grub.d"
	cp "$T_TMP/snippet.cfg" "$C/default/grub.d/99-hugeplan.cfg"
}

# check NAME EXPECTED_LINUX EXPECTED_DEFAULT [FLAGS]
check() {
	for s in $SHELLS; do
		out=$(run_sh "$s" "${4:--e}" "$SOURCE" sh "$T_TMP/$1" 2>&1)
		t_eq "$1 ($s ${4:--e})" "L=[$2]
D=[$3]" "$out"
	done
}

newcase nothing-set
check nothing-set "" "$TOKS"
check nothing-set "" "$TOKS" -eu

newcase debian-default
cat >"$C/default/grub" <<'X'
GRUB_DEFAULT=0
GRUB_TIMEOUT=5
GRUB_DISTRIBUTOR=`lsb_release -i -s 2> /dev/null || echo Debian`
GRUB_CMDLINE_LINUX_DEFAULT="quiet"
GRUB_CMDLINE_LINUX=""
X
check debian-default "" "quiet $TOKS"

newcase empty-strings
printf 'GRUB_CMDLINE_LINUX_DEFAULT=""\nGRUB_CMDLINE_LINUX=\n' >"$C/default/grub"
check empty-strings "" "$TOKS" -eu

newcase quoted-values
cat >"$C/default/grub" <<'X'
GRUB_CMDLINE_LINUX='console=tty0 console=ttyS0,115200n8 rd.lvm.lv=vg/root'
GRUB_CMDLINE_LINUX_DEFAULT="quiet splash acpi_osi=\"Windows 2015\" foo=\"hugepages=3 x\""
X
check quoted-values "console=tty0 console=ttyS0,115200n8 rd.lvm.lv=vg/root" \
	"quiet splash acpi_osi=\"Windows 2015\" foo=\"hugepages=3 x\" $TOKS"

newcase words-in-linux
cat >"$C/default/grub" <<'X'
GRUB_CMDLINE_LINUX="hugepagesz=1G hugepages=16 default_hugepagesz=1G root=/dev/vda1 hugepages=\"1 2\" ro"
GRUB_CMDLINE_LINUX_DEFAULT="quiet"
X
check words-in-linux "root=/dev/vda1 ro" "quiet $TOKS"

newcase words-in-default
cat >"$C/default/grub" <<'X'
GRUB_CMDLINE_LINUX_DEFAULT="quiet default-hugepagesz=2M hugepages=1024 hugetlb_free_vmemmap=on hugeplan.plan=old \"hugepagesz=2M\" splash"
X
check words-in-default "" "quiet splash $TOKS"

newcase lookalikes
cat >"$C/default/grub" <<'X'
GRUB_CMDLINE_LINUX="hugepages hugepages_x=1 xhugepages=2 hugetlb_cma=4G transparent_hugepage=never"
X
check lookalikes "hugepages hugepages_x=1 xhugepages=2 hugetlb_cma=4G transparent_hugepage=never" "$TOKS"

# Ubuntu cloud images ship this file; it assigns (not appends) the variable.
newcase cloudimg
cat >"$C/default/grub" <<'X'
GRUB_CMDLINE_LINUX_DEFAULT="quiet splash hugepages=64"
GRUB_CMDLINE_LINUX=""
X
cat >"$C/default/grub.d/50-cloudimg-settings.cfg" <<'X'
# Cloud Image specific Grub settings for Generic Cloud Images
# CLOUD_IMG: This file was created/modified by the Cloud Image build process

# Set the recordfail timeout
GRUB_RECORDFAIL_TIMEOUT=0

# Do not wait on grub prompt
GRUB_TIMEOUT=0

# Set the default commandline
GRUB_CMDLINE_LINUX_DEFAULT="console=tty1 console=ttyS0 hugepagesz=2M hugepages=100"

# Set the grub console type
GRUB_TERMINAL=console
X
check cloudimg "" "console=tty1 console=ttyS0 $TOKS"

newcase exported-appended
cat >"$C/default/grub" <<'X'
export GRUB_CMDLINE_LINUX_DEFAULT="quiet"
X
cat >"$C/default/grub.d/10-local.cfg" <<'X'
GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT hugepages=8 mitigations=off"
GRUB_CMDLINE_LINUX="${GRUB_CMDLINE_LINUX:-} nomodeset"
X
check exported-appended "nomodeset" "quiet mitigations=off $TOKS"

# Words after "--" are init's: kept, and the tokens go before the "--".
newcase init-args
printf 'GRUB_CMDLINE_LINUX_DEFAULT="quiet hugepages=2 -- single hugepages=3"\n' >"$C/default/grub"
check init-args "" "quiet $TOKS -- single hugepages=3"

# Blanks of any kind separate words; globbing characters are text.
newcase blanks-globs
printf 'GRUB_CMDLINE_LINUX="a\tb\n c   *"\nGRUB_CMDLINE_LINUX_DEFAULT="?.txt [ab].txt"\n' >"$C/default/grub"
check blanks-globs "a b c *" "?.txt [ab].txt $TOKS"

# An earlier file that changed IFS does not change how words split.
newcase ifs
printf 'IFS=:\nGRUB_CMDLINE_LINUX="x:y z"\n' >"$C/default/grub"
check ifs "x:y z" "$TOKS"

# Sourced twice (a copy sorted after it): the same result.
newcase twice
printf 'GRUB_CMDLINE_LINUX_DEFAULT="quiet hugepages=9"\n' >"$C/default/grub"
cp "$T_TMP/snippet.cfg" "$C/default/grub.d/99-hugeplan~again.cfg"
check twice "" "quiet $TOKS"

# Nothing of the snippet's outlives it: no function, no variable, no "set -f", IFS as before.
newcase leaks
for s in $SHELLS; do
	# shellcheck disable=SC2016 # the script the shell under test runs
	out=$(run_sh "$s" -e '. "$1/default/grub.d/99-hugeplan.cfg"
set | grep -c "^hugeplan_" || :
command -v hugeplan_edit || echo no-function
command -v hugeplan_add || echo no-function
case $- in *f*) echo noglob ;; *) echo glob ;; esac
printf "%s" "$IFS" | od -An -c | tr -d " "' sh "$T_TMP/leaks" 2>&1)
	t_eq "leaves nothing behind ($s)" "0
no-function
no-function
glob
\t\n" "$out"
done

# The tokens are the only text not fixed by hugeplan, and they are validated.
# shellcheck disable=SC2016 # a token that must not be expanded, anywhere
for bad in "hugepages=1;reboot" 'hugepages=$(id)' "hugepages=1'" "quiet" ""; do
	if "$TOOL" snippet hugepagesz=1G "$bad" >"$T_TMP/bad.out" 2>&1; then
		t_fail "refuses token '$bad'" "$(cat "$T_TMP/bad.out")"
	else
		t_grep "refuses token '$bad'" "Invalid argument \(token 1\)" "$T_TMP/bad.out"
	fi
done

t_done
