#!/bin/sh
# Fetches and caches a real Debian cloud kernel for the boot tests, without installing it.
#   tests/lib/e2e-kernel.sh        prints the cache folder of the current kernel version
# Layout (build/e2e-cache is ignored by git, shared by every tier that boots a kernel):
#   $B/e2e-cache/current                       the kernel version last resolved
#   $B/e2e-cache/<kver>/boot/vmlinuz-<kver>
#   $B/e2e-cache/<kver>/lib/modules/<kver>/    with modules.dep (depmod has run)
# The version comes from the meta package linux-image-cloud-amd64, never from this file.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
: "${B:=build}"
case $B in /*) ;; *) B=$TOP/$B ;; esac
CACHE=$B/e2e-cache
META=linux-image-cloud-amd64

resolve() {
	apt-cache depends "$META" 2>/dev/null |
		sed -n 's/^ *Depends: linux-image-\([0-9][^ ]*\)$/\1/p' | head -n 1
}

kver=$(resolve)
if [ -z "$kver" ]; then
	# apt-cache knows nothing before the first "apt-get update" on a fresh machine
	apt-get update -q >/dev/null 2>&1 || true
	kver=$(resolve)
fi
if [ -z "$kver" ]; then
	# offline and no package lists: a kernel cached earlier still serves
	[ -s "$CACHE/current" ] || {
		echo "e2e-kernel: cannot resolve $META (no package lists, nothing cached)" >&2
		exit 1
	}
	kver=$(cat "$CACHE/current")
fi

dir=$CACHE/$kver
if [ ! -f "$dir/boot/vmlinuz-$kver" ] || [ ! -f "$dir/lib/modules/$kver/modules.dep" ]; then
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
echo "$kver" >"$CACHE/current.tmp" && mv "$CACHE/current.tmp" "$CACHE/current"
echo "$dir"
