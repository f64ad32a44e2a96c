// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hugeplan-verify: the early-boot check. Reads the kernel command line, the pools in sysfs
 * and the kernel's HugeTLB messages, says per size and node whether the boot-time huge page
 * reservation was met, writes /run/hugeplan/boot-report.json and logs one line to the kernel
 * log. libc only: it goes into every initramfs.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "core/bootreport.h"
#include "core/kcmdline.h"
#include "core/verdict.h"
#include "sys/host.h"
#include "sys/boot-verdict.h"
#include "sys/kmsg.h"
#include "sys/path.h"
#include "sys/pool.h"
#include "sys/atomic-file.h"
#include "sys/root.h"

#define EXIT_SHORT 1
#define EXIT_ERROR 2

/*
 * In .bss, not from calloc(): a page of it costs only once written (calloc() clears all of
 * its 100 KiB, a fault per page, and in an emulated guest each fault is microseconds). In
 * the order that writes the fewest pages at boot, found by counting them (mincore() after a
 * run, issue 20): 9 of them on a short boot, 8 on a met one, where the order of the fields
 * as they are used wrote 12 and 9. The report's buffer first: its first page is the one
 * .data shares, written anyway.
 */
static struct run {
	/*
	 * The report, then the summary right after it: written where they stay, with no
	 * allocation at all on the way, malloc() is never started (its getrandom() and brk()
	 * calls, its heap's pages), and the two share their pages. What does not fit is
	 * allocated.
	 */
	char texts[80 << 10];
	/* the messages: here, not in main()'s frame, which every call below would sit under */
	char err[300], errpath[4200], kline[1024];
	struct hp_host host;
	struct hp_karch arch;
	struct hp_kreq req;
	struct hp_pools pools;
	struct hp_verdict verdict;
} the_run;

static void usage(FILE *f)
{
	fputs("Usage: hugeplan-verify [--root DIR]\n"
	      "\n"
	      "Checks the boot-time huge page pools against the kernel command line, per size\n"
	      "and NUMA node, with the kernel's own messages as reasons. Writes\n" HP_P_BOOT_REPORT
	      ", prints a summary, logs one line to the kernel log.\n"
	      "\n"
	      "  -r, --root DIR   read /proc, /sys, /dev/kmsg and write /run under DIR (tests)\n"
	      "  -h, --help       this text\n"
	      "  -V, --version    the version\n"
	      "\n"
	      "Exit status: 0 met or nothing requested, 1 short, 2 error. Once the verdict is\n"
	      "known, a shortfall (1) wins over a failure to write the report.\n",
	      f);
}

/* /run/hugeplan/boot-report.json under root, made with its directory; readers see old or new */
static int write_report(const char *root, const char *json, size_t len)
{
	enum hp_af_step step;
	bool made;
	int r;

	r = hp_root_mkdirs_made(root, HP_P_RUN_DIR, &made);
	if (r < 0)
		return r;
	r = made ? hp_atomic_write_new_dir(root, HP_P_BOOT_REPORT, json, len, 0644, &step)
		 : hp_atomic_write(root, HP_P_BOOT_REPORT, json, len, 0644, &step);
	return r < 0 ? r : 0;
}

/*
 * The clock by its system call, not the vDSO: this process reads it twice, and the vDSO's
 * code and data pages would be two page faults, each costing more than the call (issue 20).
 */
static uint64_t now_us(void)
{
	struct timespec ts;

	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000U + (uint64_t)ts.tv_nsec / 1000U;
}

static int write_out(const char *p, size_t len)
{
	while (len) {
		ssize_t k = write(STDOUT_FILENO, p, len);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		len -= (size_t)k;
	}
	return 0;
}

static int bad_use(const char *what, const char *arg)
{
	if (what)
		fprintf(stderr, "hugeplan-verify: %s '%s'\n", what, arg);
	fputs("Try 'hugeplan-verify --help' for more information.\n", stderr);
	return EXIT_ERROR;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	uint64_t t0 = now_us();
	const char *root = NULL, *rp;
	char kmsg_state[128] = "read";
	char *json = NULL, *summary = NULL;
	const char *report = NULL, *text = NULL;
	struct hp_report_meta meta = { 0 };
	struct hp_verdict_in in = { 0 };
	struct run *run = &the_run;
	size_t json_len, used;
	unsigned level;
	int c, r, ret;

	/* at boot it has no arguments: getopt_long() and its getenv() would be two more pages */
	while (argc > 1 && (c = getopt_long(argc, argv, "r:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			root = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("hugeplan-verify %s\n", HP_VERSION);
			return 0;
		default:
			return bad_use(NULL, NULL);
		}
	}
	if (optind < argc)
		return bad_use("unexpected argument", argv[optind]);
	rp = root && strcmp(root, "/") ? root : "";

	/* one open of the root for every read beneath it; without it, each opens the root */
	(void)hp_root_hold(root);
	/* and one of the kernel log, for its reading and for the line written at the end */
	(void)hp_kmsg_hold(root);
	r = hp_pools_read_verdict(root, &run->pools, run->errpath, sizeof(run->errpath));
	if (r < 0) {
		fprintf(stderr, "hugeplan-verify: %s%s: %s\n", rp, run->errpath, hp_strerror(r));
		return EXIT_ERROR;
	}
	r = hp_bootcheck_facts(root, &run->pools, &run->host, run->err, sizeof(run->err));
	if (r < 0) {
		fprintf(stderr, "hugeplan-verify: %s%s\n", rp, run->err);
		return EXIT_ERROR;
	}
	hp_host_karch(&run->host, &run->arch);
	hp_kcmdline_simulate(run->host.cmdline, &run->arch, &run->req);
	if (run->req.unmodelled_node) {
		fprintf(stderr,
			"hugeplan-verify: the kernel command line asks for pages on node %u: hugeplan models nodes 0-%u only; not verified\n",
			run->req.unmodelled_node - 1, HP_MAX_NODES - 1);
		return EXIT_ERROR;
	}
	in.cmdline = run->host.cmdline;
	in.arch = &run->arch;
	in.req = &run->req;
	in.pools = &run->pools;
	hp_bootcheck_verdict(root, &in, &run->verdict, kmsg_state, sizeof(kmsg_state));
	ret = run->verdict.status == HP_V_SHORT ? EXIT_SHORT : 0;

	meta.generator = "hugeplan-verify " HP_VERSION;
	meta.kernel = run->host.kver_str[0] ? run->host.kver_str : NULL;
	meta.cmdline = run->host.cmdline;
	meta.plan_id = run->req.plan_id;
	meta.default_size = run->req.default_size;
	meta.kmsg_state = kmsg_state;
	meta.report_path = HP_P_BOOT_REPORT;
	meta.elapsed_us = now_us() - t0;
	r = hp_report_json_in(&run->verdict, &meta, run->texts, sizeof(run->texts), &json_len);
	if (r == 0)
		report = run->texts;
	else if (r == -ENOBUFS && (r = hp_report_json(&run->verdict, &meta, &json, &json_len)) == 0)
		report = json;
	if (r == 0)
		r = write_report(root, report, json_len);
	if (r < 0) {
		fprintf(stderr, "hugeplan-verify: %s%s: %s\n", rp, HP_P_BOOT_REPORT,
			hp_strerror(r));
		meta.report_path = NULL;
		if (!ret)
			ret = EXIT_ERROR;
	}

	/* after the report's NUL when the report is there, else the whole buffer */
	used = report == run->texts ? json_len + 1 : 0;
	r = hp_report_summary_in(&run->verdict, &meta, run->texts + used,
				 sizeof(run->texts) - used);
	if (r == 0)
		text = run->texts + used;
	else if (r == -ENOBUFS && hp_report_summary(&run->verdict, &meta, &summary) == 0)
		text = summary;
	hp_report_kmsg_line(&run->verdict, &meta, run->kline, sizeof(run->kline), &level);
	r = hp_kmsg_log(root, level, run->kline);
	if (r < 0)
		fprintf(stderr, "hugeplan-verify: %s%s: %s (not logged: %s)\n", rp, HP_P_KMSG,
			hp_strerror(r), run->kline);
	/* at the end, as stdio flushed it, but one write(): stdio's buffer and its look at the
	 * terminal cost a page and two system calls; a summary not written all is an error */
	if (text && write_out(text, strlen(text)) < 0 && !ret)
		ret = EXIT_ERROR;
	free(summary);
	free(json);
	hp_kmsg_release();
	hp_root_release();
	return ret;
}
