#!/bin/sh
# Builds a fake module tree for libkmod tests, in the style of kmod's own testsuite: real
# depmod over small objects, so the indexes are the ones modprobe would read.
#   tests/check/mkmodtree.sh ROOT KVER SPEC...
# SPEC is ko:REL (a loadable module at ROOT/lib/modules/KVER/REL, named after its file as
# depmod names it) or builtin:REL (a line of modules.builtin, as kbuild writes it).
#
# depmod needs no kernel build tree: it reads a module's name from its file name and its
# aliases and dependencies from the .modinfo section of any relocatable ELF object. Built-in
# modules exist only as modules.builtin (and modules.builtin.modinfo) lines.
set -eu

[ $# -ge 2 ] || { echo "usage: $0 ROOT KVER SPEC..." >&2; exit 2; }
root=$1 kver=$2
shift 2
dir=$root/lib/modules/$kver
mkdir -p "$dir"
: "${CC:=cc}"
: >"$dir/modules.builtin"
: >"$dir/modules.builtin.modinfo"
: >"$dir/modules.order"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mkmodtree.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/mod.c" <<'C'
static const char modinfo[] __attribute__((section(".modinfo"), used, aligned(1))) =
	"license=GPL\0vermagic=" KVER " SMP mod_unload\0name=" NAME "\0";
C

for spec in "$@"; do
	kind=${spec%%:*} rel=${spec#*:}
	name=$(basename "$rel" .ko | tr - _)
	case $kind in
	ko)
		mkdir -p "$dir/$(dirname "$rel")"
		$CC -c -DKVER="\"$kver\"" -DNAME="\"$name\"" -o "$dir/$rel" "$tmp/mod.c"
		echo "$rel" >>"$dir/modules.order"
		;;
	builtin)
		echo "$rel" >>"$dir/modules.builtin"
		printf '%s.file=%s\0%s.license=GPL\0' "$name" "${rel%.ko}" "$name" \
			>>"$dir/modules.builtin.modinfo"
		;;
	*)
		echo "$0: bad spec $spec" >&2
		exit 2
		;;
	esac
done
depmod -b "$root" "$kver"
