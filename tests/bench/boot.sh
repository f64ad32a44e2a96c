#!/bin/sh
# One boot through tests/boot's harness, for the verifier's cost in a real guest: the numbers
# the boot tier prints ("met" scenario), without its assertions. Prints what it measured, or
# why it could not.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/boot/lib-boot.sh
. "$TOP/tests/boot/lib-boot.sh"
t_init
if ! boot_setup default >"$T_TMP/setup.log" 2>&1; then
	echo "not measured: no kernel for the boot harness ($(tail -n 1 "$T_TMP/setup.log"))"
	exit 0
fi
if ! mkimg "$T_TMP/test.img" base rootfs-block hugeplan hugeplan-test; then
	echo "not measured: dracut failed ($(tail -n 1 "$T_TMP/test.img.log"))"
	exit 0
fi
boot met "$T_TMP/test.img" "nokaslr hpt.time=1 hugepagesz=2M hugepages=64 hugepagesz=1G hugepages=1" -m 3G >/dev/null
if ! report met; then
	echo "not measured: the guest printed no report"
	exit 0
fi
echo "kernel $KVER, boot $BOOT_S s"
echo "in process (clock_gettime, first run): $(q met 'r["elapsed_us"]') us"
sed -n 's/^HPT-TIME runs=\([0-9]*\) verify_ns=\([0-9]*\) baseline_ns=\([0-9]*\)$/\1 \2 \3/p' \
	"$T_TMP/met.log" | while read -r n v c; do
	echo "exec to exit, mean of $n runs: hugeplan-verify $((v / n / 1000)) us, cat /dev/null $((c / n / 1000)) us (TCG: an emulated CPU)"
done
