/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the hugeplan commands share: the common options, and loading host + configuration +
 * plan + rendering in one step, reporting problems the way every command reports them.
 * Exit statuses: 0 fine, 1 the plan does not fit (or, per command, the check failed), 2 bad
 * configuration, bad usage or an error of hugeplan's own.
 */
#ifndef HP_CLI_H
#define HP_CLI_H

#include <stdbool.h>
#include <errno.h> /* program_invocation_short_name */
#include <stdio.h>

#include "config/config.h"
#include "core/bootloader.h"
#include "core/preflight.h"
#include "core/host.h"
#include "core/plan.h"
#include "core/render.h"
#include "sys/nextboot.h"

#define EXIT_NOFIT 1
#define EXIT_USAGE 2

struct hp_cli {
	const char *cmd;     /* the command's name, for messages */
	const char *root;    /* --root: read the system (and the config) under this directory */
	const char *confdir; /* --config: the one configuration directory */
	const char *kver;    /* --kver: plan for this kernel version */
	bool json;
	bool bytes;
	bool balanced;		 /* --balanced */
	struct hp_diag *diag;	 /* not NULL: hp_cli_load() copies a configuration error here too */
	enum hp_bootloader want; /* apply's --bootloader: which other owners matter */
	bool this_boot;		 /* status: judge the running kernel, not the one that boots next */
};

struct hp_loaded {
	struct hp_host host;
	struct hp_karch arch;
	struct hp_config cfg;
	struct hp_plan plan;
	struct hp_kargs args;
	char cmdline[HP_MAX_TOKENS * HP_TOKEN_MAX]; /* args joined */
	bool loaded_cfg, planned;
	unsigned sources; /* HP_SOURCES_* read */
	/* the kernel judged: --kver, else the one that boots next (core/nextboot.h) */
	char kver[HP_KVER_MAX];
	enum hp_kver_source kver_src;
	struct hp_next_facts next;
};

struct hp_command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;
};

/* Common long options for getopt_long, values from 0x100 up. */
enum {
	OPT_ROOT = 0x100,
	OPT_CONFIG,
	OPT_KVER,
	OPT_JSON,
	OPT_BYTES,
	OPT_BALANCED,
	OPT_CLI_LAST,
};

#define HP_CLI_COMMON_OPTIONS                                                                      \
	{ "root", required_argument, NULL, OPT_ROOT },                                             \
		{ "config", required_argument, NULL, OPT_CONFIG },                                 \
		{ "kver", required_argument, NULL, OPT_KVER },                                     \
		{ "balanced", no_argument, NULL, OPT_BALANCED },                                   \
	{                                                                                          \
		"help", no_argument, NULL, 'h'                                                     \
	}

/* hp_cli_common_opt - apply a common option; 1 handled, 0 not one of them. */
int hp_cli_common_opt(struct hp_cli *o, int c, const char *arg);

/* hp_cli_usage_error - "hugeplan CMD: msg" + "Try ..." on stderr; returns EXIT_USAGE. */
int hp_cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* hp_cli_print_diag - "FILE:LINE: msg" (or "hugeplan: msg") on stderr. */
void hp_cli_print_diag(const struct hp_diag *d);

/*
 * hp_cli_load - read the host and the configuration, plan, render and check the rendering.
 * Returns 0 (the plan may still be infeasible: l->plan.feasible), or EXIT_USAGE after
 * printing why. hp_cli_unload() in every case.
 */
int hp_cli_load(const struct hp_cli *o, struct hp_loaded *l);
void hp_cli_unload(struct hp_loaded *l);

struct hp_json;
/* hp_cli_json_print - finish the document and write it to stdout. 0 or -errno. */
int hp_cli_json_print(struct hp_json *j);

/* hp_cli_warnings - facts about this host that put the plan at risk, printed to f. */
void hp_cli_warnings(const struct hp_loaded *l, FILE *f);

/*
 * hp_cli_preflight - the checks of "hugeplan check" for the loaded plan, on o->root and the
 * kernel l->kver (--kver, else the one that boots next), then those of the other owners of
 * the command line (core/owners.h: a "--" in GRUB_CMDLINE_LINUX where GRUB takes the words,
 * tuned, kdump). Returns 0 with *out filled (out->nr_errors
 * > 0 means: refuse to go on), or -errno after printing why the checks could not run.
 */
int hp_cli_preflight(const struct hp_cli *o, const struct hp_loaded *l, struct hp_findings *out);

/* hp_cli_print_findings - one "LEVEL ID: message" line each, then "fix: ..." when there is one. */
void hp_cli_print_findings(const struct hp_findings *fs, FILE *f, bool problems_only);

int cmd_plan(int argc, char **argv);
int cmd_cmdline(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_apply(int argc, char **argv);
int cmd_remove(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_metrics(int argc, char **argv);
int cmd_vm(int argc, char **argv);

/*
 * hp_metrics_update - after apply changed something: hugeplan metrics --update for o's root and
 * configuration into metrics_dir, the MetricsDirectory= apply loaded ("updated PATH" on
 * success, a message on failure, nothing at all when the directory does not exist: one stat).
 * Never fails the caller.
 */
void hp_metrics_update(const struct hp_cli *o, const char *metrics_dir);
int cmd_replan(int argc, char **argv);

#endif
