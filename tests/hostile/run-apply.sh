#!/bin/sh
# hugeplan apply over the hostile configuration corpus (tests/hostile/corpus.sh), on an
# offline image that already holds an applied plan: every case is refused with its exact
# one-line message and exit status 2, and the image is unchanged to the byte and the
# timestamp: the previous GRUB snippet, the state file, no temporary file.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/hostile/corpus.sh
. "$TOP/tests/hostile/corpus.sh"
t_init
HP=$B/hugeplan
T_TMP=$(realpath "$T_TMP")

# an image with a boot loader, the kvm modules and a first, good plan applied
R=$T_TMP/image
t_image "$R" two-node-16g-32g 'GRUB_CMDLINE_LINUX_DEFAULT="quiet"'
mkdir -p "$R/etc/hugeplan/vms.d"
printf '[VM]\nMemory=2G\nPageSize=1G\n' >"$R/etc/hugeplan/vms.d/db.conf"
chmod -R go-w "$R"
"$HP" apply --root "$R" >"$T_TMP/first.out" 2>&1
t_eq "the first plan is applied" 0 "$?"
t_grep "it wrote the snippet" "hugepagesz=1G" "$R/etc/default/grub.d/99-hugeplan.cfg"

snapshot() {
	(cd "$1" && find . -printf '%p %y %m %s %T@\n' | LC_ALL=C sort &&
		find . -type f -exec sha256sum {} + | LC_ALL=C sort)
}
snapshot "$R" >"$T_TMP/image.before"

n=0
for c in $(hostile_cases); do
	n=$((n + 1))
	conf=$T_TMP/case-$n/conf
	hostile_make "$c" "$conf"
	case $? in
	1)
		t_skip "apply: hostile $c" "needs root"
		continue
		;;
	2)
		t_fail "apply: hostile $c: setup failed"
		continue
		;;
	esac
	hostile_expected "$c" "$conf" >"$T_TMP/want"
	"$HP" apply --root "$R" --config "$conf" >"$T_TMP/out" 2>"$T_TMP/err"
	hostile_refused "apply: hostile $c" $? "$T_TMP/want" "$T_TMP/out" "$T_TMP/err"
done
snapshot "$R" >"$T_TMP/image.after"
t_diff "apply: the image is unchanged (snippet, state, no temporary file)" \
	"$T_TMP/image.before" "$T_TMP/image.after"
t_done
