// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hugeplan replan: what hugeplan-replan.service runs when a VM definition changed (the path
 * unit watches the sources' directories; a timer reaches /etc/pve, a FUSE file system that
 * inotify does not see into). It compares today's plan with what apply last recorded
 * (/var/lib/hugeplan/applied): unchanged, it says so in one line; changed, it names each VM
 * that changed (cli/changes.h) and, with [Host] AutoApply=yes, runs hugeplan apply; without,
 * it says the command to run. A change already reported (the same plan id, in
 * /run/hugeplan/replan-reported) is said again in one line, not VM by VM: the timer would
 * otherwise repeat the list every few minutes.
 *
 * Exit: 0 unchanged, reported, or applied; 1 today's plan does not fit (nothing applied) or
 * apply refused it; 2 bad configuration or usage, or apply failed.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/changes.h"
#include "cli/cli.h"
#include "core/state.h"
#include "sys/atomic-file.h"
#include "sys/path.h"
#include "sys/root.h"

#define STATE_MAX (16U << 20)
#define LINE_MAX_ 1024
#define MAX_LINES 200

static void usage(void)
{
	printf("Usage:\n %s replan [options]\n\n", program_invocation_short_name);
	printf("What hugeplan-replan.service runs when a VM definition changed: compares\n"
	       "today's plan with the one hugeplan apply recorded and names each VM that\n"
	       "changed; with [Host] AutoApply=yes it runs hugeplan apply, otherwise it says\n"
	       "the command to run.\n");
	printf("\nOptions:\n"
	       "     --config DIR   read the configuration from DIR only\n"
	       "     --root DIR     read (and, with AutoApply=yes, write) the system under DIR\n"
	       "  -h, --help         display this help\n"
	       "\nExit status: 0 unchanged, reported or applied, 1 the plan does not fit or\n"
	       "apply refused it, 2 error.\n\nSee hugeplan(8).\n");
}

/* apply's state: 1 read, 0 none, -1 unreadable (said) */
static int read_state(const struct hp_cli *o, struct hp_state *st)
{
	char *text;
	unsigned line = 0;
	int r;

	r = hp_read_text(o->root, &text, NULL, STATE_MAX, HP_P_STATE_FILE);
	if (r == -ENOENT)
		return 0;
	if (r < 0) {
		fprintf(stderr, "%s replan: %s%s: cannot read: %s\n", program_invocation_short_name,
			o->root ? o->root : "", HP_P_STATE_FILE, strerror(-r));
		return -1;
	}
	r = hp_state_parse(text, st, &line);
	free(text);
	if (r < 0) {
		fprintf(stderr, "%s replan: %s%s:%u: not a hugeplan state file\n",
			program_invocation_short_name, o->root ? o->root : "", HP_P_STATE_FILE,
			line);
		return -1;
	}
	return 1;
}

/* whether this plan id was reported already (and, when not, remember that it now is) */
static bool reported_before(const struct hp_cli *o, const char *id)
{
	char line[256], *text = NULL;
	enum hp_af_step step;
	bool seen;

	if (hp_read_text(o->root, &text, NULL, 64, HP_P_REPLAN_REPORTED) == 0) {
		seen = !strncmp(text, id, strlen(id)) && text[strlen(id)] == '\n';
		free(text);
		if (seen)
			return true;
	}
	if (hp_root_mkdirs(o->root, HP_P_RUN_DIR) < 0)
		return false;
	snprintf(line, sizeof(line), "%s\n", id);
	hp_atomic_write(o->root, HP_P_REPLAN_REPORTED, line, strlen(line), 0644, &step);
	return false;
}

/* hugeplan apply with the same --root and --config */
static int run_apply(const struct hp_cli *o)
{
	char *argv[6];
	int argc = 0;

	argv[argc++] = "apply";
	if (o->root) {
		argv[argc++] = "--root";
		argv[argc++] = (char *)o->root;
	}
	if (o->confdir) {
		argv[argc++] = "--config";
		argv[argc++] = (char *)o->confdir;
	}
	argv[argc] = NULL;
	optind = 0; /* glibc: start getopt afresh for apply's options */
	fflush(stdout);
	return cmd_apply(argc, argv);
}

static int replan(const struct hp_cli *o, struct hp_loaded *l)
{
	struct hp_state st = { 0 };
	struct hp_recs today = { 0 }, none = { 0 };
	struct hp_cli_changes cc = { 0 };
	const char *id = l->plan.feasible ? l->args.plan_id : "";
	char line[LINE_MAX_], names[600];
	bool old_format;
	int have, r, ret = 0;

	have = read_state(o, &st);
	if (have < 0)
		return EXIT_USAGE;
	if (hp_recs_from_plan(&l->plan, o->root, &today) < 0) {
		fprintf(stderr, "%s replan: out of memory\n", program_invocation_short_name);
		ret = EXIT_USAGE;
		goto out;
	}
	if (!l->plan.feasible) {
		printf("today's plan does not fit this host: nothing applied; see `hugeplan plan`\n");
		for (size_t i = 0; i < l->plan.nr_problems; i++)
			printf("  %s\n", l->plan.problems[i]);
		ret = EXIT_NOFIT;
		goto out;
	}
	/* a state with tokens but no records is an older hugeplan's: the ids alone then */
	old_format = have && st.tokens[0] && !st.vms.nr;
	if (have ? !strcmp(st.plan_id, id) && (old_format || hp_recs_equal(&st.vms, &today))
		 : !l->args.n) {
		if (have)
			printf("unchanged: plan %s is what hugeplan apply recorded (%s)\n",
			       id[0] ? id : "(nothing reserved)", st.applied);
		else
			printf("unchanged: nothing planned, nothing applied\n");
		goto out;
	}
	cc = (struct hp_cli_changes){ .before = have ? &st.vms : &none,
				      .after = &today,
				      .plan = &l->plan };
	r = hp_stale_changes(cc.before, cc.after, &cc.changes);
	if (r < 0) {
		fprintf(stderr, "%s replan: out of memory\n", program_invocation_short_name);
		ret = EXIT_USAGE;
		goto out;
	}
	if (old_format)
		/* no records to compare: say that the plan changed, name no VM */
		cc.changes.nr = 0;
	hp_cli_changes_summary(&cc, names, sizeof(names));
	if (!l->cfg.host.auto_apply && reported_before(o, id)) {
		if (cc.changes.nr)
			printf("plan %s (%zu VM%s changed: %s) is still not applied: run `hugeplan apply`\n",
			       id[0] ? id : "(nothing reserved)", cc.changes.nr,
			       cc.changes.nr == 1 ? "" : "s", names);
		else
			printf("plan %s is still not applied: run `hugeplan apply`\n",
			       id[0] ? id : "(nothing reserved)");
		goto out;
	}
	if (old_format)
		printf("the plan changed since hugeplan apply recorded plan %s (%s); which VMs changed is not known: %s holds no per-VM record\n",
		       st.plan_id, st.applied, HP_P_STATE_FILE);
	else if (have)
		printf("%zu VM%s changed since hugeplan apply recorded plan %s (%s)%s%s:\n",
		       cc.changes.nr, cc.changes.nr == 1 ? "" : "s", st.plan_id, st.applied,
		       cc.changes.nr ? ": " : "", names);
	else
		printf("%zu VM%s planned, nothing applied yet%s%s:\n", cc.changes.nr,
		       cc.changes.nr == 1 ? "" : "s", cc.changes.nr ? ": " : "", names);
	for (size_t i = 0; i < cc.changes.nr; i++) {
		if (i == MAX_LINES) {
			printf("  ... and %zu more\n", cc.changes.nr - i);
			break;
		}
		hp_cli_change_line(&cc, &cc.changes.v[i], line, sizeof(line));
		printf("  %s\n", line);
	}
	if (!l->cfg.host.auto_apply) {
		printf("the new plan is %s: run `hugeplan apply` to write it (or set [Host] AutoApply=yes)\n",
		       id[0] ? id : "to reserve nothing");
		goto out;
	}
	printf("AutoApply=yes: running hugeplan apply\n");
	hp_changes_free(&cc.changes);
	hp_recs_free(&today);
	hp_state_free(&st);
	return run_apply(o);
out:
	hp_changes_free(&cc.changes);
	hp_recs_free(&today);
	hp_state_free(&st);
	return ret;
}

int cmd_replan(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "config", required_argument, NULL, OPT_CONFIG },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct hp_cli o = { .cmd = "replan" };
	struct hp_loaded l;
	int c, r;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		if (hp_cli_common_opt(&o, c, optarg))
			continue;
		if (c == 'h') {
			usage();
			return 0;
		}
		return hp_cli_usage_error("replan", "unrecognized option '%s'", argv[optind - 1]);
	}
	if (optind < argc)
		return hp_cli_usage_error("replan", "unexpected argument '%s'", argv[optind]);
	r = hp_cli_load(&o, &l);
	if (r)
		return r;
	r = replan(&o, &l);
	hp_cli_unload(&l);
	return r;
}
