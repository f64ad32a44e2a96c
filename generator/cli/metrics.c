// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hugeplan metrics: what hugeplan status knows, for Prometheus (node_exporter's textfile
 * collector). The status is collected by status.c's own code (hp_status_collect()) and
 * rendered by core/metrics.c; this file only picks the output:
 *
 *   (none)            the text on standard output
 *   --textfile DIR    DIR/hugeplan.prom, replaced atomically (DIR as given, not under --root)
 *   --update          MetricsDirectory=/hugeplan.prom under --root, when that directory
 *                     exists (node_exporter is installed); else nothing, and exit 0
 *
 * apply calls hp_metrics_update() after a change, so the published plan ids follow at once
 * (remove leaves it to the timer: it reads no configuration, and would have to for the
 * directory). Exit 0 whenever the metrics were written, whatever the verdict (the verdict is in
 * them, hugeplan_verdict), 2 on bad usage or when they could not be written.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/status.h"
#include "config/config.h"
#include "core/metrics.h"
#include "sys/atomic-file.h"
#include "sys/path.h"

#define PATH_BUF 4600

enum { OPT_TEXTFILE = OPT_CLI_LAST, OPT_UPDATE };

static void usage(void)
{
	printf("Usage:\n %s metrics [options]\n\n", program_invocation_short_name);
	printf("What hugeplan status knows, as Prometheus metrics for node_exporter's textfile\n"
	       "collector: the pools per size and node, the early-boot check, today's plan and\n"
	       "its budget per node, whether this boot runs it, the VMs the pool cannot back.\n");
	printf("\nOptions:\n"
	       "     --textfile DIR write DIR/hugeplan.prom (atomically) instead of standard\n"
	       "                    output\n"
	       "     --update       write hugeplan.prom into MetricsDirectory= (under --root)\n"
	       "                    if that directory exists; else do nothing\n"
	       "     --config DIR   read the configuration from DIR only\n"
	       "     --root DIR     read the system (and the configuration) under DIR\n"
	       "     --balanced     accept the balanced form on kernels before 5.16\n"
	       "  -h, --help         display this help\n"
	       "\nExit status: 0 the metrics were written (whatever they say), 2 error.\n\nSee hugeplan(8).\n");
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) < 0 || ts.tv_sec < 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * The metrics of the status collected for o, into *text. 0, or -errno after the message. A
 * system that cannot be read still gives metrics: hugeplan_verdict{state="error"} and the
 * time, so that an alert sees the failure rather than a file that stopped changing.
 */
static int render(const struct hp_cli *o, char **text, size_t *len)
{
	struct hp_metrics_in in = { 0 };
	struct status *s = calloc(1, sizeof(*s));
	int r;

	if (!s)
		return -ENOMEM;
	s->o = *o;
	in.version = HP_VERSION;
	in.check_ms = now_ms();
	r = hp_status_collect(s);
	if (r < 0 && !s->fatal) {
		fprintf(stderr, "%s %s: %s\n", program_invocation_short_name, o->cmd, strerror(-r));
		goto out;
	}
	if (r < 0) {
		in.verdict.exit_code = EXIT_USAGE;
	} else {
		in.verdict.exit_code = hp_status_exit(s);
		in.verdict.is_short = s->is_short;
		in.verdict.is_stale = s->is_stale;
		in.pools = &s->pools;
		in.check = &s->verdict;
		if (s->from_report && hp_path_mtime(o->root, &in.report_ms, HP_P_BOOT_REPORT) < 0)
			in.report_ms = 0;
		if (s->planned) {
			in.plan = &s->l.plan;
			in.stale = &s->stale;
			in.backing = s->backed ? &s->back : NULL;
			in.usage = s->have_usage ? &s->usage : NULL;
		}
		in.applied_id = s->have_state ? s->state.plan_id : NULL;
		in.guests = s->guests;
		in.nr_guests = s->nr_guests;
	}
	r = hp_metrics_render(&in, text, len);
	if (r < 0)
		fprintf(stderr, "%s %s: %s\n", program_invocation_short_name, o->cmd, strerror(-r));
out:
	hp_status_release(s);
	free(s);
	return r;
}

/*
 * file (beneath root, NULL for the running system) gets the text; path is how messages show
 * it. 0 or -errno after the message.
 */
static int write_file(const struct hp_cli *o, const char *root, const char *file, const char *path,
		      const char *text, size_t len)
{
	enum hp_af_step step = HP_AF_NONE;
	int r = hp_atomic_write(root, file, text, len, 0644, &step);

	if (r >= 0)
		return 0;
	if (step == HP_AF_DIR_SYNC)
		fprintf(stderr, "%s %s: %s: %s: %s: written, but may not survive a crash\n",
			program_invocation_short_name, o->cmd, path, hp_af_step_name(step),
			strerror(-r));
	else
		fprintf(stderr, "%s %s: %s: %s: %s; the file is as it was\n",
			program_invocation_short_name, o->cmd, path, hp_af_step_name(step),
			strerror(-r));
	return r;
}

/* dir's hugeplan.prom under o->root into path: 1 when dir exists, 0 when not, -errno */
static int dir_path(const struct hp_cli *o, const char *dir, char *path, size_t len)
{
	if (hp_path(path, len, o->root, "%s", dir) < 0)
		return -ENAMETOOLONG;
	if (!hp_path_exists(o->root, "%s", dir))
		return 0;
	return hp_path(path, len, o->root, "%s/%s", dir, HP_METRICS_FILE) < 0 ? -ENAMETOOLONG : 1;
}

/*
 * --update into dir (NULL: MetricsDirectory= of the [Host] settings alone, so that a broken VM
 * file does not move the metrics elsewhere; the default when they cannot be read). 0 written,
 * 1 no such directory (path names it), -errno after the message.
 */
static int update(const struct hp_cli *o, const char *dir, char *path, size_t len)
{
	struct hp_config_opts copts = { .check_perms = geteuid() == 0, .host_only = true };
	char conf_dir[sizeof(((struct hp_settings *)0)->metrics_dir)], file[PATH_BUF];
	struct hp_config c = { 0 };
	struct hp_diag d = { 0 };
	char *text;
	size_t tlen;
	int r;

	if (!dir) {
		snprintf(conf_dir, sizeof(conf_dir), "%s", HP_P_TEXTFILE_DIR);
		if (hp_config_load_opts(o->root, o->confdir, &copts, &c, &d) == 0) {
			snprintf(conf_dir, sizeof(conf_dir), "%s", c.host.metrics_dir);
			hp_config_free(&c);
		}
		dir = conf_dir;
	}
	r = dir_path(o, dir, path, len);
	if (r < 0) {
		fprintf(stderr, "%s %s: MetricsDirectory=%s under %s: %s\n",
			program_invocation_short_name, o->cmd, dir, o->root ? o->root : "/",
			strerror(-r));
		return r;
	}
	if (r == 0)
		return 1;
	if (snprintf(file, sizeof(file), "%s/%s", dir, HP_METRICS_FILE) >= (int)sizeof(file))
		return -ENAMETOOLONG;
	r = render(o, &text, &tlen);
	if (r < 0)
		return r;
	r = write_file(o, o->root, file, path, text, tlen);
	free(text);
	return r;
}

void hp_metrics_update(const struct hp_cli *o, const char *metrics_dir)
{
	struct hp_cli m = *o;
	char path[PATH_BUF];

	/* the metrics follow a change of the plan; they never change how apply ends */
	m.cmd = "metrics";
	m.kver = NULL; /* what runs now, not what apply planned for */
	m.json = m.bytes = false;
	if (update(&m, metrics_dir, path, sizeof(path)) == 0)
		printf("updated %s\n", path);
}

int cmd_metrics(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "config", required_argument, NULL, OPT_CONFIG },
		{ "balanced", no_argument, NULL, OPT_BALANCED },
		{ "textfile", required_argument, NULL, OPT_TEXTFILE },
		{ "update", no_argument, NULL, OPT_UPDATE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct hp_cli o = { .cmd = "metrics" };
	const char *textfile = NULL;
	char path[PATH_BUF], *text;
	bool upd = false;
	size_t len;
	int c, r;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		if (hp_cli_common_opt(&o, c, optarg))
			continue;
		switch (c) {
		case OPT_TEXTFILE:
			textfile = optarg;
			break;
		case OPT_UPDATE:
			upd = true;
			break;
		case 'h':
			usage();
			return 0;
		default:
			return hp_cli_usage_error("metrics", "unrecognized option '%s'",
						  argv[optind - 1]);
		}
	}
	if (optind < argc)
		return hp_cli_usage_error("metrics", "unexpected argument '%s'", argv[optind]);
	if (textfile && upd)
		return hp_cli_usage_error("metrics", "--textfile and --update do not go together");
	if (textfile && !*textfile)
		return hp_cli_usage_error("metrics", "--textfile needs a directory");

	if (upd) {
		r = update(&o, NULL, path, sizeof(path));
		if (r == 1)
			printf("%s: no such directory (MetricsDirectory=): nothing written\n",
			       path);
		return r < 0 ? EXIT_USAGE : 0;
	}
	if (textfile && hp_path(path, sizeof(path), NULL, "%s/%s", textfile, HP_METRICS_FILE) < 0)
		return hp_cli_usage_error("metrics", "--textfile %s: path too long", textfile);
	r = render(&o, &text, &len);
	if (r < 0)
		return EXIT_USAGE;
	if (textfile) {
		r = write_file(&o, NULL, path, path, text, len);
	} else {
		fwrite(text, 1, len, stdout);
		if (fflush(stdout) != 0) {
			fprintf(stderr, "%s metrics: cannot print: write error\n",
				program_invocation_short_name);
			r = -EIO;
		}
	}
	free(text);
	return r < 0 ? EXIT_USAGE : 0;
}
