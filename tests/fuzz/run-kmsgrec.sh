#!/bin/sh
# Fuzzes the /dev/kmsg record parser and the kernel message readers for a short while
# (FUZZ_SECONDS, default 10), seeded with the real capture in tests/fixtures.
. "$(dirname "$0")/../lib.sh"
t_init

bin=$T_TMP/fuzz-kmsgrec
if ! clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -D_GNU_SOURCE \
	-I"$TOP/generator" -o "$bin" "$TOP/tests/fuzz/fuzz-kmsgrec.c" \
	"$TOP/generator/core/kmsgrec.c" "$TOP/generator/core/verdict.c" \
	"$TOP/generator/core/kcmdline.c" "$TOP/generator/core/size.c" \
	"$TOP/generator/core/pools.c" 2>"$T_TMP/cc.log"; then
	t_fail "fuzz-kmsgrec builds with clang" "$(head -n 20 "$T_TMP/cc.log")"
	t_done
	exit
fi
t_ok "fuzz-kmsgrec builds with clang (libFuzzer, ASan, UBSan)"

mkdir -p "$T_TMP/corpus"
# seeds: each real record of the capture, and the whole capture
i=0
while IFS= read -r line; do
	i=$((i + 1))
	printf '%s\n' "$line" >"$T_TMP/corpus/rec$i"
	[ $i -ge 200 ] && break
done <"$TOP/tests/fixtures/qemu-numa-1g2g/dev/kmsg"
cp "$TOP/tests/fixtures/qemu-numa-1g2g/dev/kmsg" "$T_TMP/corpus/all"

if "$bin" -max_total_time="${FUZZ_SECONDS:-10}" -max_len=4096 -artifact_prefix="$T_TMP/" \
	"$T_TMP/corpus" \
	>"$T_TMP/fuzz.log" 2>&1; then
	t_ok "fuzz-kmsgrec: no crash, leak or contract failure in ${FUZZ_SECONDS:-10} s ($(grep -Eo '#[0-9]+' "$T_TMP/fuzz.log" | tail -n 1 | tr -d '#') runs)"
else
	t_fail "fuzz-kmsgrec found a failure" "$(grep -A 15 -E 'ERROR|runtime error|Assertion' "$T_TMP/fuzz.log" | head -n 30)"
fi
t_done
