#!/bin/sh
# The example libvirt host's domains are what the real libvirt writes: examples/libvirt/
# regenerate.sh defines them again in a private libvirtd (UUIDs and MACs given, so that the
# output is stable) into a scratch folder; each file must be the committed one, byte for byte.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_init
EX=$TOP/examples/libvirt/etc/libvirt/qemu
if ! sh "$TOP/examples/libvirt/regenerate.sh" "$T_TMP/ex" >"$T_TMP/regen.log" 2>&1; then
	t_fail "examples/libvirt/regenerate.sh runs" "$(cat "$T_TMP/regen.log")"
	t_done
	exit 0
fi
t_ok "examples/libvirt/regenerate.sh: $(tail -n 1 "$T_TMP/regen.log" | sed 's/^regenerate.sh: //; s| to .*||')"
t_eq "the same domains as committed" "$(cd "$EX" && ls)" "$(cd "$T_TMP/ex" && ls)"
for f in "$EX"/*.xml; do
	t_diff "examples/libvirt: $(basename "$f") is what virsh define writes" "$f" "$T_TMP/ex/$(basename "$f")"
done
t_done
