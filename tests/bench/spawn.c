// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench-spawn: wall time of two commands, measured side by side.
 *
 *   bench-spawn RUNS NAME_A NAME_B -- CMD_A ARGS... -- CMD_B ARGS...
 *
 * Each run starts both commands once, from fork to exit, in alternating order (A B, then B A:
 * drift in the machine's load hits both alike), each with "@OUT@" in its arguments replaced by
 * a fresh empty directory (generator output), removed after the clock stops. Those go to
 * $BENCH_OUTDIR, else /dev/shm: generators write to /run/systemd, a tmpfs, and a directory on
 * a disk would time the disk instead. Three unmeasured
 * runs come first. Prints the median, minimum and 90th percentile of each, and the ratio A/B
 * of the medians, of the minimums (the least disturbed runs) and the median of the per-run
 * ratios. The CPU time of each (user + system, from wait4's rusage) is printed the same way:
 * on a machine other work keeps busy, it says what the command itself costs. The commands'
 * output goes to /dev/null; their exit status is not judged (a verifier exits 1 on a short
 * pool), but a signal or a failed exec is. Exit 0, or 2 if a run failed.
 *
 * $BENCH_RESET, if set, is a shell command run before every run of either command, outside
 * the clock (its failure fails the bench): what a command leaves behind that the next one
 * would not find at boot (a report in /run, a line appended to a captured kernel log) is put
 * back as it was.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WARMUP 3

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(p);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* one run of argv with @OUT@ replaced; returns ns, or 0 on failure; *cpu: its CPU ns */
static uint64_t run_once(char **argv, int argc, uint64_t *cpu)
{
	struct rusage ru;
	const char *base = getenv("BENCH_OUTDIR") ? getenv("BENCH_OUTDIR") : "/dev/shm";
	char dir[4096], **av;
	uint64_t t0, t1;
	int st;
	pid_t pid;

	if (getenv("BENCH_RESET")) {
		int rs = system(getenv("BENCH_RESET"));

		if (rs != 0) {
			fprintf(stderr, "bench-spawn: BENCH_RESET failed (status %d)\n", rs);
			return 0;
		}
	}
	snprintf(dir, sizeof(dir), "%s/bench-spawn.XXXXXX", base);
	if (!mkdtemp(dir)) {
		fprintf(stderr, "bench-spawn: %s: %s\n", dir, strerror(errno));
		return 0;
	}
	av = calloc((size_t)argc + 1, sizeof(*av));
	if (!av)
		return 0;
	for (int i = 0; i < argc; i++)
		av[i] = strcmp(argv[i], "@OUT@") ? argv[i] : dir;
	t0 = now_ns();
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		execv(av[0], av);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &st, 0, &ru) < 0)
		st = -1;
	t1 = now_ns();
	if (st != -1)
		*cpu = ((uint64_t)ru.ru_utime.tv_sec + (uint64_t)ru.ru_stime.tv_sec) *
			       1000000000ULL +
		       ((uint64_t)ru.ru_utime.tv_usec + (uint64_t)ru.ru_stime.tv_usec) * 1000ULL;
	free(av);
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) >= 126) {
		fprintf(stderr, "bench-spawn: %s failed (wait status %d)\n", argv[0], st);
		return 0;
	}
	return t1 - t0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void stats(const char *name, uint64_t *v, int n)
{
	uint64_t *s = malloc((size_t)n * sizeof(*s));

	if (!s)
		return;
	memcpy(s, v, (size_t)n * sizeof(*s));
	qsort(s, (size_t)n, sizeof(*s), cmp_u64);
	printf("  %-34s median %8.3f ms   min %8.3f ms   p90 %8.3f ms\n", name, s[n / 2] / 1e6,
	       s[0] / 1e6, s[(n * 9) / 10] / 1e6);
	free(s);
}

static uint64_t nth(const uint64_t *v, int n, int k)
{
	uint64_t *s = malloc((size_t)n * sizeof(*s)), m;

	if (!s)
		return 0;
	memcpy(s, v, (size_t)n * sizeof(*s));
	qsort(s, (size_t)n, sizeof(*s), cmp_u64);
	m = s[k];
	free(s);
	return m;
}

int main(int argc, char **argv)
{
	int runs, a0, b0 = -1, an, bn;
	uint64_t *ta, *tb, *ca, *cb;
	double *ratio, *cratio;

	if (argc < 7 || strcmp(argv[4], "--")) {
		fprintf(stderr, "usage: bench-spawn RUNS NAME_A NAME_B -- CMD_A... -- CMD_B...\n");
		return 2;
	}
	runs = atoi(argv[1]);
	if (runs < 1)
		runs = 1;
	a0 = 5;
	for (int i = a0; i < argc; i++)
		if (!strcmp(argv[i], "--")) {
			b0 = i + 1;
			break;
		}
	if (b0 < 0 || b0 >= argc) {
		fprintf(stderr, "bench-spawn: no second command\n");
		return 2;
	}
	an = b0 - 1 - a0;
	bn = argc - b0;
	ta = calloc((size_t)runs, sizeof(*ta));
	tb = calloc((size_t)runs, sizeof(*tb));
	ratio = calloc((size_t)runs, sizeof(*ratio));
	ca = calloc((size_t)runs, sizeof(*ca));
	cb = calloc((size_t)runs, sizeof(*cb));
	cratio = calloc((size_t)runs, sizeof(*cratio));
	if (!ta || !tb || !ratio || !ca || !cb || !cratio)
		return 2;
	for (int i = -WARMUP; i < runs; i++) {
		uint64_t x, y, cx = 0, cy = 0;

		if (i % 2) {
			y = run_once(argv + b0, bn, &cy);
			x = run_once(argv + a0, an, &cx);
		} else {
			x = run_once(argv + a0, an, &cx);
			y = run_once(argv + b0, bn, &cy);
		}
		if (!x || !y)
			return 2;
		if (i < 0)
			continue;
		ta[i] = x;
		tb[i] = y;
		ratio[i] = (double)x / (double)y;
		ca[i] = cx;
		cb[i] = cy;
		cratio[i] = cy ? (double)cx / (double)cy : 0;
	}
	stats(argv[2], ta, runs);
	stats(argv[3], tb, runs);
	qsort(ratio, (size_t)runs, sizeof(*ratio), cmp_dbl);
	printf("  ratio %s / %s: %.2fx (medians), %.2fx (minimums), %.2fx (median of %d "
	       "paired runs)\n",
	       argv[2], argv[3], (double)nth(ta, runs, runs / 2) / (double)nth(tb, runs, runs / 2),
	       (double)nth(ta, runs, 0) / (double)nth(tb, runs, 0), ratio[runs / 2], runs);
	/* the line run.sh's summary reads: the paired ratios' median and range */
	printf("  paired ratio %s / %s: median %.2fx, min %.2fx, max %.2fx (%d runs)\n", argv[2],
	       argv[3], ratio[runs / 2], ratio[0], ratio[runs - 1], runs);
	qsort(cratio, (size_t)runs, sizeof(*cratio), cmp_dbl);
	printf("  CPU time (user + system): %s median %.3f ms, %s median %.3f ms; ratio %.2fx "
	       "(medians), %.2fx (median of paired runs)\n",
	       argv[2], nth(ca, runs, runs / 2) / 1e6, argv[3], nth(cb, runs, runs / 2) / 1e6,
	       nth(cb, runs, runs / 2)
		       ? (double)nth(ca, runs, runs / 2) / (double)nth(cb, runs, runs / 2)
		       : 0,
	       cratio[runs / 2]);
	return 0;
}
