#!/bin/sh
# Installs the Debian packages hugeplan needs, by name, only those missing.
#   tests/install-deps.sh          build and test dependencies
#   tests/install-deps.sh build    build dependencies only
set -eu

BUILD="gcc make pkgconf libc6-dev libsmartcols-dev libinih-dev libkmod-dev libjson-c-dev scdoc"
TEST="libcmocka-dev kmod systemd dracut-core qemu-system-x86 grub-common cpio strace valgrind
clang libclang-rt-14-dev python3 util-linux mount man-db bash-completion dash coreutils
debhelper dpkg-dev lintian systemd-boot systemd-boot-efi binutils tuned kdump-tools grub-pc-bin xorriso
prometheus-node-exporter prometheus ansible ansible-lint shellcheck
libvirt-daemon-system libvirt-clients"

want=$BUILD
[ "${1:-all}" = build ] || want="$BUILD $TEST"

missing=
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing packages:$missing (run as root, or: sudo apt-get install$missing)" >&2
	exit 1
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null || true
# shellcheck disable=SC2086 # one argument per package name
apt-get install -y -q -o DPkg::Lock::Timeout=600 --no-install-recommends $missing
