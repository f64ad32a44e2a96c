#!/bin/sh
# make bench, part 4: dynamic huge pages on a fragmented host, measured in a QEMU guest
# booted by tests/boot's harness (a real shortfall on this shared machine would starve
# everyone else). The guest (1 GiB, one node) fragments its free memory into single 4 KiB
# pages (tests/bench/fragment.c), then asks hugeplan vm start for a dynamic VM's 2M pages:
# once with --wait 0 (the kernel's own attempt, no compaction step), once fragmented anew with
# the compaction step (compact the node, try again, within --wait). Prints pages obtained and
# time taken for both, or why it could not measure.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/boot/lib-boot.sh
. "$TOP/tests/boot/lib-boot.sh"
t_init
: "${HPF_MEM:=128M}" "${HPF_KEEP:=64}" "${HPF_WAIT:=30}" "${HPF_GUEST:=512M}"
# unmovable KiB scattered into the holes: none (all movable), then 512 KiB (128 pipe pages)
: "${HPF_UNMOVABLE:=0,512}"
for b in "$B/hugeplan" "$B/bench/hpf-fragment"; do
	if [ ! -x "$b" ]; then
		echo "not measured: $b is not built (make bench builds it)"
		exit 0
	fi
done
if ! boot_setup default >"$T_TMP/setup.log" 2>&1; then
	echo "not measured: no kernel for the boot harness ($(tail -n 1 "$T_TMP/setup.log"))"
	exit 0
fi
cp -a "$TOP/tests/bench/99hugeplan-frag" "$DRACUT_DIR/modules.d/"
if ! HPF_HUGEPLAN=$B/hugeplan HPF_FRAGMENT=$B/bench/hpf-fragment mkimg "$T_TMP/frag.img" base rootfs-block hugeplan-frag; then
	echo "not measured: dracut failed ($(tail -n 3 "$T_TMP/frag.img.log" | tr '\n' ' '))"
	exit 0
fi
BOOT_TIMEOUT=${HPF_TIMEOUT:-300} boot frag "$T_TMP/frag.img" \
	"nokaslr hpf.mem=$HPF_MEM hpf.keep=$HPF_KEEP hpf.wait=$HPF_WAIT hpf.unmovable=$HPF_UNMOVABLE" -m "$HPF_GUEST" >/dev/null
if ! grep -q '^HPF-END' "$T_TMP/frag.log"; then
	echo "not measured: the guest did not finish ($(grep -E '^HPF-|Kernel panic' "$T_TMP/frag.log" | tail -n 5 | tr '\n' ' '))"
	exit 0
fi
want=$(($(echo "$HPF_MEM" | tr -d M) / 2))
echo "kernel $KVER, $HPF_GUEST guest (TCG), boot $BOOT_S s; a dynamic VM of $HPF_MEM: $want x 2M pages on node 0"
for u in $(echo "$HPF_UNMOVABLE" | tr , ' '); do
	line=$(sed -n "s/^HPF-FRAG nocompact-$u held \([0-9]*\) MiB in [0-9]* pages, \([0-9]*\) single pages free, \([0-9]*\) unmovable pipe pages$/\1 \2 \3/p" "$T_TMP/frag.log")
	# shellcheck disable=SC2086 # the three numbers, one word each
	set -- $line
	grep "^HPF-FRAG nocompact-$u failed" "$T_TMP/frag.log" | sed 's/^HPF-FRAG /  not fragmented: /'
	echo " fragmented: ${1:-?} MiB held as every other 4 KiB page, ${2:+$(($2 * 4 / 1024))} MiB free as single pages, ${3:-?} unmovable pipe pages in the holes:"
	for m in nocompact compact; do
		sed -n "s/^HPF-RESULT mode=$m-$u rc=\([0-9]*\) got=\([0-9?]*\) ms=\([0-9]*\) .*/\1 \2 \3/p" "$T_TMP/frag.log" |
			while read -r rc got ms; do
				what="without hugeplan's compaction step (--wait 0)"
				[ $m = compact ] && what="with hugeplan's compaction step (--wait $HPF_WAIT)"
				echo "   $what: $got of $want pages in $ms ms (vm start exit $rc)"
			done
	done
done
grep '^HPF-MSG.*vm start' "$T_TMP/frag.log" | sed 's/^HPF-MSG /  /'
