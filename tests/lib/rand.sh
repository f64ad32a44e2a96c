# Reproducible random choices for the shell tiers that fuzz a program's inputs (sourced
# after lib.sh and t_init). rand_init SEED: a 31-bit linear congruential stream from SEED and
# a pool of random bytes; rnd N sets R (no subshell, so the stream advances) to a number below
# N; bytes N prints N bytes of the pool from a random offset. A run prints its seed; the same
# seed gives the same choices and the same bytes.
# shellcheck shell=sh

rand_init() {
	_rx=$(($1 % 2147483648))
	_rpool=$T_TMP/rand.pool
	# the pool comes from the seed too (awk's generator, not /dev/urandom)
	LC_ALL=C awk -v s="$_rx" 'BEGIN {
		srand(s % 65536 + 1)
		for (i = 0; i < 1048576; i++)
			printf "%c", int(rand() * 256)
	}' >"$_rpool"
}

rnd() {
	_rx=$(((_rx * 1103515245 + 12345) % 2147483648))
	R=$(((_rx >> 4) % $1))
}

bytes() {
	rnd 1000000
	tail -c +$((R + 1)) "$_rpool" | head -c "$1"
}
