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
#include <time.h>

#include "core/bootreport.h"
#include "core/kcmdline.h"
#include "core/verdict.h"
#include "sys/host.h"
#include "sys/kmsg.h"
#include "sys/path.h"
#include "sys/pool.h"
#include "sys/atomic-file.h"

#define EXIT_SHORT 1
#define EXIT_ERROR 2

struct run {
	struct hp_host host;
	struct hp_karch arch;
	struct hp_kreq req;
	struct hp_pools pools;
	struct hp_verdict verdict;
	char lines[HP_VERDICT_MAX_KMSGS][HP_KMSG_LEN];
	const char *line_ptrs[HP_VERDICT_MAX_KMSGS];
	size_t nr_lines;
	size_t nr_registered;
	char err[300];
};

static void usage(FILE *f)
{
	fputs("Usage: hugeplan-verify [--root DIR]\n"
	      "\n"
	      "Checks the boot-time huge page pools against the kernel command line, per size\n"
	      "and NUMA node, with the kernel's own messages as reasons. Writes\n"
	      "/run/hugeplan/boot-report.json, prints a summary, logs one line to the kernel log.\n"
	      "\n"
	      "  -r, --root DIR   read /proc, /sys, /dev/kmsg and write /run under DIR (tests)\n"
	      "  -h, --help       this text\n"
	      "  -V, --version    the version\n"
	      "\n"
	      "Exit status: 0 met or nothing requested, 1 short, 2 error. Once the verdict is\n"
	      "known, a shortfall (1) wins over a failure to write the report.\n",
	      f);
}

/*
 * hugetlb_init() prints "registered" for every size last, after every allocation failure:
 * once each size present has its line, the rest of the log holds nothing for us.
 */
static int keep_hugetlb(const struct hp_kmsg_rec *rec, void *ctx)
{
	struct run *r = ctx;

	if (!hp_kmsg_is_hugetlb(rec->text) || r->nr_lines >= HP_VERDICT_MAX_KMSGS)
		return 0;
	snprintf(r->lines[r->nr_lines], HP_KMSG_LEN, "%.191s", rec->text);
	r->line_ptrs[r->nr_lines] = r->lines[r->nr_lines];
	r->nr_lines++;
	if (strstr(rec->text, " page size, pre-allocated ") &&
	    ++r->nr_registered >= r->pools.nr_pools)
		return 1;
	return 0;
}

/*
 * The few host facts the simulation needs: the sizes and nodes (from the pools), the kernel
 * version and the command line. Not hp_host_read(): meminfo and cpuinfo are costly to
 * generate and the verdict does not need them.
 */
static int read_facts(const char *root, struct run *run)
{
	struct hp_host *h = &run->host;
	char *text;
	int r;

	memset(h, 0, sizeof(*h));
	for (size_t i = 0; i < run->pools.nr_pools; i++)
		h->sizes[h->nr_sizes++] = run->pools.pools[i].size;
	h->online_mask = run->pools.online_mask;
	h->numa_sysfs = run->pools.numa_sysfs;
	r = hp_read_text(root, &text, NULL, sizeof(h->cmdline) - 1, HP_P_CMDLINE);
	if (r < 0) {
		snprintf(run->err, sizeof(run->err), "%s: %s", HP_P_CMDLINE, strerror(-r));
		return r;
	}
	text[strcspn(text, "\n")] = '\0';
	snprintf(h->cmdline, sizeof(h->cmdline), "%s", text);
	free(text);
	/* an unknown version makes the simulation assume a recent kernel */
	if (hp_read_text(root, &text, NULL, 4096, HP_P_OSRELEASE) == 0) {
		text[strcspn(text, "\n")] = '\0';
		snprintf(h->kver_str, sizeof(h->kver_str), "%s", text);
		h->kver = hp_kver_parse(text);
		free(text);
	}
	return 0;
}

/* /run/hugeplan/boot-report.json under root, made with its directory; readers see old or new */
static int write_report(const char *root, const char *json, size_t len)
{
	char dir[4096], path[4096];
	enum hp_af_step step;
	int r;

	if (hp_path(dir, sizeof(dir), root, HP_P_RUN_DIR) < 0 ||
	    hp_path(path, sizeof(path), root, HP_P_BOOT_REPORT) < 0)
		return -ENAMETOOLONG;
	r = hp_mkdirs(dir);
	if (r < 0)
		return r;
	r = hp_atomic_write(path, json, len, 0644, &step);
	return r < 0 ? r : 0;
}

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000U + (uint64_t)ts.tv_nsec / 1000U;
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
	char errpath[4200], kline[1024], kmsg_state[128] = "read";
	char *json = NULL, *summary = NULL;
	struct hp_report_meta meta = { 0 };
	struct hp_verdict_in in = { 0 };
	struct run *run;
	size_t json_len;
	unsigned level;
	int c, r, ret;

	while ((c = getopt_long(argc, argv, "r:hV", opts, NULL)) != -1) {
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

	run = calloc(1, sizeof(*run));
	if (!run) {
		fputs("hugeplan-verify: out of memory\n", stderr);
		return EXIT_ERROR;
	}
	errpath[0] = '\0';
	r = hp_pools_read(root, &run->pools, errpath, sizeof(errpath));
	if (r < 0) {
		fprintf(stderr, "hugeplan-verify: %s%s: %s\n", rp, errpath, strerror(-r));
		free(run);
		return EXIT_ERROR;
	}
	r = read_facts(root, run);
	if (r < 0) {
		fprintf(stderr, "hugeplan-verify: %s%s\n", rp, run->err);
		free(run);
		return EXIT_ERROR;
	}
	hp_host_karch(&run->host, &run->arch);
	hp_kcmdline_simulate(run->host.cmdline, &run->arch, &run->req);
	in.cmdline = run->host.cmdline;
	in.arch = &run->arch;
	in.req = &run->req;
	in.pools = &run->pools;
	in.kmsgs = run->line_ptrs;
	/*
	 * The kernel log only explains a shortfall or an ignored parameter. On the common
	 * path, a pool fully met with nothing ignored, reading it (hundreds of records, one
	 * system call each) would be most of the verifier's time at boot, so it is skipped.
	 */
	hp_verdict_compute(&in, &run->verdict);
	if (run->verdict.status != HP_V_SHORT && run->req.nr_msgs == 0) {
		snprintf(kmsg_state, sizeof(kmsg_state), "not read: nothing to explain");
	} else {
		/* no kernel log (no /dev/kmsg, no permission) costs the reasons, not the verdict */
		r = hp_kmsg_foreach(root, keep_hugetlb, run);
		if (r < 0)
			snprintf(kmsg_state, sizeof(kmsg_state), "%s: %s", HP_P_KMSG, strerror(-r));
		in.nr_kmsgs = run->nr_lines;
		in.kmsg_read = r >= 0;
		hp_verdict_compute(&in, &run->verdict);
	}
	ret = run->verdict.status == HP_V_SHORT ? EXIT_SHORT : 0;

	meta.generator = "hugeplan-verify " HP_VERSION;
	meta.kernel = run->host.kver_str[0] ? run->host.kver_str : NULL;
	meta.cmdline = run->host.cmdline;
	meta.plan_id = run->req.plan_id;
	meta.default_size = run->req.default_size;
	meta.kmsg_state = kmsg_state;
	meta.report_path = HP_P_BOOT_REPORT;
	meta.elapsed_us = now_us() - t0;
	r = hp_report_json(&run->verdict, &meta, &json, &json_len);
	if (r == 0)
		r = write_report(root, json, json_len);
	if (r < 0) {
		fprintf(stderr, "hugeplan-verify: %s%s: %s\n", rp, HP_P_BOOT_REPORT, strerror(-r));
		meta.report_path = NULL;
		if (!ret)
			ret = EXIT_ERROR;
	}

	if (hp_report_summary(&run->verdict, &meta, &summary) == 0)
		fputs(summary, stdout);
	hp_report_kmsg_line(&run->verdict, &meta, kline, sizeof(kline), &level);
	r = hp_kmsg_log(root, level, kline);
	if (r < 0)
		fprintf(stderr, "hugeplan-verify: %s%s: %s (not logged: %s)\n", rp, HP_P_KMSG,
			strerror(-r), kline);
	if (fflush(stdout) != 0 && !ret)
		ret = EXIT_ERROR;
	free(summary);
	free(json);
	free(run);
	return ret;
}
