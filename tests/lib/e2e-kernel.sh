#!/bin/sh
# Fetches and caches a real Debian cloud kernel for the boot tests, without installing it.
#   tests/lib/e2e-kernel.sh       prints the cache folder of the kernel linux-image-cloud-amd64
#                                 names (the distribution's own series: 6.1 on Debian 12)
#   tests/lib/e2e-kernel.sh newest the same for the newest series the archive has a meta package
#                                 linux-image-X.Y-cloud-amd64 for (6.12 on Debian 12 today)
#   tests/lib/e2e-kernel.sh META  the same for the meta package META
# Layout (build/e2e-cache is ignored by git, shared by every tier that boots a kernel):
#   $B/e2e-cache/current                       the version linux-image-cloud-amd64 last named
#   $B/e2e-cache/current.<meta package>        the version each meta package last named
#   $B/e2e-cache/<kver>/boot/vmlinuz-<kver>, boot/config-<kver> (the kernel's configuration)
#   $B/e2e-cache/<kver>/lib/modules/<kver>/    with modules.dep (depmod has run)
# The versions come from the meta packages, never from this file.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
: "${B:=build}"
case $B in /*) ;; *) B=$TOP/$B ;; esac
CACHE=$B/e2e-cache
DEFAULT_META=linux-image-cloud-amd64

# newest_meta: the linux-image-X.Y-cloud-amd64 with the highest X.Y the package lists know
newest_meta() {
	apt-cache pkgnames linux-image- 2>/dev/null |
		grep -E '^linux-image-[0-9]+\.[0-9]+-cloud-amd64$' | sort -V | tail -n 1
}

resolve() {
	apt-cache depends "$1" 2>/dev/null |
		sed -n 's/^ *Depends: linux-image-\([0-9][^ ]*\)$/\1/p' | head -n 1
}

want=${1:-default}
case $want in
default) meta=$DEFAULT_META ;;
newest)
	meta=$(newest_meta)
	if [ -z "$meta" ]; then
		# apt-cache knows nothing before the first "apt-get update" on a fresh machine
		apt-get update -q >/dev/null 2>&1 || true
		meta=$(newest_meta)
	fi
	# offline: the one resolved last time still serves
	[ -n "$meta" ] || meta=$(cat "$CACHE/newest" 2>/dev/null || true)
	[ -n "$meta" ] || {
		echo "e2e-kernel: no linux-image-X.Y-cloud-amd64 meta package (no package lists, nothing cached)" >&2
		exit 1
	}
	mkdir -p "$CACHE"
	echo "$meta" >"$CACHE/newest.tmp" && mv "$CACHE/newest.tmp" "$CACHE/newest"
	;;
linux-image-*) meta=$want ;;
*)
	echo "e2e-kernel: unknown kernel '$want' (default, newest or a linux-image-* meta package)" >&2
	exit 2
	;;
esac

kver=$(resolve "$meta")
if [ -z "$kver" ]; then
	apt-get update -q >/dev/null 2>&1 || true
	kver=$(resolve "$meta")
fi
if [ -z "$kver" ]; then
	# offline and no package lists: a kernel cached earlier still serves
	[ -s "$CACHE/current.$meta" ] || {
		echo "e2e-kernel: cannot resolve $meta (no package lists, nothing cached)" >&2
		exit 1
	}
	kver=$(cat "$CACHE/current.$meta")
fi

dir=$CACHE/$kver
if [ ! -f "$dir/boot/vmlinuz-$kver" ] || [ ! -f "$dir/boot/config-$kver" ] ||
	[ ! -f "$dir/lib/modules/$kver/modules.dep" ]; then
	mkdir -p "$CACHE"
	tmp=$(mktemp -d "$CACHE/.fetch.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	(cd "$tmp" && apt-get download -q "linux-image-$kver" >/dev/null 2>&1) || {
		echo "e2e-kernel: apt-get download linux-image-$kver failed" >&2
		exit 1
	}
	dpkg -x "$tmp"/linux-image-"$kver"_*.deb "$tmp/root"
	depmod -b "$tmp/root" "$kver"
	rm -rf "$dir"
	mv "$tmp/root" "$dir"
fi
echo "$kver" >"$CACHE/current.$meta.tmp" && mv "$CACHE/current.$meta.tmp" "$CACHE/current.$meta"
if [ "$meta" = "$DEFAULT_META" ]; then
	echo "$kver" >"$CACHE/current.tmp" && mv "$CACHE/current.tmp" "$CACHE/current"
fi
echo "$dir"
