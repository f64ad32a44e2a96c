#!/bin/sh
# The Debian package: dpkg-buildpackage -us -uc -b builds it from a copy of the tree (its
# results go to the parent directory, so never from the tree itself), lintian finds no
# error in it, and it holds exactly the files of make install PREFIX=/usr (files.txt, as
# Debian 12's pkg-config places them) plus Debian's own: copyright, changelog, and man
# pages and the README compressed (dh_compress: docs over 4 KiB). Installing it is left
# to people: it changes the machine; here it is installed, removed and purged by the real
# dpkg in a private mount namespace whose /etc, /usr and /var are overlays (dpkg-ns.sh).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_init
cd "$TOP" || exit 1

# what tests/install-deps.sh installs to build is in Build-Depends (but build-essential)
sed -n 's/^BUILD="\(.*\)"$/\1/p' tests/install-deps.sh | tr ' ' '\n' |
	grep -Ev '^(gcc|make|libc6-dev)$' | sort >"$T_TMP/want"
sed -n '/^Build-Depends:/,/^[A-Z]/p' debian/control | sed '$d' | sed 's/^Build-Depends://' |
	tr ',' '\n' | sed 's/^ *//; s/[ (<].*//' | grep -v '^$' | sort >"$T_TMP/bdeps"
comm -23 "$T_TMP/want" "$T_TMP/bdeps" >"$T_TMP/got"
t_diff "debian/control Build-Depends has every build dependency of install-deps.sh" \
	/dev/null "$T_TMP/got"

for tool in dpkg-buildpackage dh lintian; do
	command -v "$tool" >/dev/null || {
		t_fail "$tool is installed (tests/install-deps.sh installs it)"
		t_done
		exit
	}
done
if ! git rev-parse --show-toplevel >/dev/null 2>&1; then
	t_skip "the Debian package builds" "not a git tree: the package is built from git ls-files"
	t_done
	exit
fi

S=$T_TMP/src/hugeplan
mkdir -p "$S"
git ls-files -z -co --exclude-standard | xargs -0 cp --parents -t "$S" 2>/dev/null
# the fast tiers already ran in make check: the package build need not run them again. B is
# not passed on (tests/run-tests.sh exports it): the package builds in its copy, with Debian's
# hardening flags, never over the tree's build/ (whose verifier the boot tier then measures)
before=$(stat -c %Y "$B/hugeplan" 2>/dev/null)
(cd "$S" && env -u B DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b) >"$T_TMP/build.log" 2>&1
rc=$?
t_eq "dpkg-buildpackage -us -uc -b builds the package" 0 "$rc"
t_eq "and leaves the tree's $B alone" "$before" "$(stat -c %Y "$B/hugeplan" 2>/dev/null)"
[ "$rc" = 0 ] || sed 's/^/#   /' "$T_TMP/build.log" | tail -n 30
deb=$(find "$T_TMP/src" -maxdepth 1 -name 'hugeplan_*_*.deb' | head -n 1)
if [ -z "$deb" ]; then
	t_fail "a hugeplan_*.deb is built"
	t_done
	exit
fi

version=$(dpkg-deb -f "$deb" Version)
t_eq "the package version is the Makefile's" "$(sed -n 's/^VERSION := //p' Makefile)" "$version"
dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/^ *//; s/ .*//' | sort >"$T_TMP/got"
printf '%s\n' libc6 libinih1 libjson-c5 libkmod2 libsmartcols1 libxml2 >"$T_TMP/want"
t_diff "it depends on the libraries the programs link, from their shlibs" "$T_TMP/want" "$T_TMP/got"
# the generator is linked statically (Makefile): the package names what it holds
dpkg-deb -f "$deb" Built-Using | tr ',' '\n' | sed 's/^ *//; s/ .*//' | sort >"$T_TMP/got"
printf '%s\n' glibc libinih >"$T_TMP/want"
t_diff "Built-Using names the sources linked into the static generator" "$T_TMP/want" "$T_TMP/got"

# files.txt, with Debian 12's directories
# shellcheck disable=SC2016 # files.txt's $VARIABLES, replaced by sed
grep -v '^#' tests/install/files.txt | while read -r mode path _; do
	[ -n "$mode" ] && echo "$mode $path"
done | sed -e 's|$BINDIR|/usr/bin|; s|$LIBEXECDIR|/usr/libexec|' \
	-e 's|$GENERATORDIR|/lib/systemd/system-generators|; s|$UNITDIR|/lib/systemd/system|' \
	-e 's|$DRACUTMODULESDIR|/usr/lib/dracut/modules.d|; s|$DRACUTCONFDIR|/usr/lib/dracut/dracut.conf.d|' \
	-e 's|$DOCDIR|/usr/share/doc/hugeplan|; s|$MANDIR|/usr/share/man|' \
	-e 's|$COMPLETIONDIR|/usr/share/bash-completion/completions|; s|$DATADIR|/usr/share|' \
	-e 's|^\(644 /usr/share/man/.*\)$|\1.gz|' \
	-e 's|^\(644 /usr/share/doc/hugeplan/README.md\)$|\1.gz|' >"$T_TMP/want"
printf '%s\n' "644 /usr/share/doc/hugeplan/changelog.gz" "644 /usr/share/doc/hugeplan/copyright" \
	"644 /usr/share/lintian/overrides/hugeplan" >>"$T_TMP/want"
sort -o "$T_TMP/want" "$T_TMP/want"
dpkg-deb -c "$deb" | awk '$1 !~ /^d/ {
	m = 0; p = substr($1, 2)
	for (i = 0; i < 9; i++) { c = substr(p, i + 1, 1); if (c != "-") m += 2 ^ (8 - i) }
	path = $6; sub(/^\./, "", path)
	printf "%o %s\n", m, path }' | sort >"$T_TMP/got"
t_diff "the package holds exactly the installed files" "$T_TMP/want" "$T_TMP/got"

lintian --allow-root -I --pedantic "$deb" >"$T_TMP/lintian" 2>&1
# errors and warnings both fail: fix them, or override one in debian/ with the reason
grep -E '^[EW]:' "$T_TMP/lintian" >"$T_TMP/tags"
t_diff "lintian reports no error and no warning" /dev/null "$T_TMP/tags"
grep -E '^[IPX]:' "$T_TMP/lintian" | sed 's/^/# lintian: /'

# postrm is plain shell (the binary is gone when it runs): its owned words are the list's
sed -n '/# owned: begin/,/# owned: end/p' debian/postrm | sed '1d;$d' | tr -d ' \t\\\n' \
	>"$T_TMP/postrm.pat"
sh grub/generate.sh patterns grub/owned-params.list | tr -d ' \t\\\n' | sed 's/$/)/' \
	>"$T_TMP/list.pat"
t_eq "debian/postrm's owned words are grub/owned-params.list's" "$(cat "$T_TMP/list.pat")" \
	"$(cat "$T_TMP/postrm.pat")"

# install, remove, purge with the real dpkg, in a namespace
if unshare -m true 2>/dev/null && command -v grub-mkconfig >/dev/null &&
	command -v kernel-install >/dev/null; then
	unshare -m sh "$TOP/tests/install/dpkg-ns.sh" "$deb" "$T_TMP" "$T_N"
	read -r T_N failed <"$T_TMP/tests"
	T_FAIL=$((T_FAIL + failed))
else
	t_skip "dpkg -i, -r, -P in a private mount namespace" "no unshare -m, grub-mkconfig or kernel-install"
fi
t_done
