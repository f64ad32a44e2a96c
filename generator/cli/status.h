/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hugeplan status, inside: what status.c gathers and judges, which status-print.c prints as
 * text, for the journal (--boot) or as JSON, and metrics.c publishes for Prometheus. Private
 * to the three files.
 */
#ifndef HP_CLI_STATUS_H
#define HP_CLI_STATUS_H

#include <stdbool.h>
#include <stdint.h>

#include "cli/changes.h"
#include "cli/cli.h"
#include "cli/report.h"
#include "core/backing.h"
#include "core/dynamic.h"
#include "core/stale.h"
#include "core/state.h"
#include "core/usage.h"
#include "core/verdict.h"

#define EXIT_BAD 1
/* status --boot: the plan is stale but the pool meets this boot's entry (the unit's
 * SuccessExitStatus=: the gate stays open) */
#define EXIT_STALE_BOOT 3
#define MAX_MSGS	64
#define MSG_LEN		1024
#define PRIO_ERR	3
#define PRIO_WARN	4
#define PRIO_INFO	6

/* a line of the verdict, with its syslog priority (for --boot) */
struct msg {
	int prio;
	char text[MSG_LEN];
};

/* a VM that is not static: whether it runs, and on what (status-dynamic.c) */
struct hp_status_dyn {
	const struct hp_vm_plan *vp;
	bool have_rec;
	struct hp_rt_record rec;
	bool qemu; /* a running guest is this VM's (status's guests, core/usage.h) */
	long pid;
	uint64_t on_nodes; /* its QEMU's huge pages of its size on its plan's nodes */
	bool on_pages;	   /* dynamic and running on all of its pages */
	char state[300];
};

struct status {
	struct hp_cli o;
	bool boot;
	struct hp_diag config_err; /* why the configuration could not be planned, when it was not */
	struct hp_loaded l;
	bool planned; /* configuration read and planned */
	struct hp_host host;
	struct hp_karch arch;
	struct hp_kreq req;
	struct hp_pools pools;
	struct hp_verdict verdict;
	struct hp_report_info info;
	bool from_report;
	char check_note[512];
	char kmsg_state[300];
	struct hp_state state;
	bool have_state;
	struct hp_stale stale;
	struct hp_backing back, cover; /* back: the planned VMs, running or from the free pages */
	bool backed, covered;
	/* what changed per VM since this boot's entry (core/stale.h), from apply's records */
	struct hp_recs today_recs;     /* today's plan's, in its order */
	struct hp_cli_changes changes; /* .before: this boot's plan's, in s->state; NULL none */
	bool changes_known;	       /* they were found and compared */
	struct hp_guest *guests;       /* running guests (sys/guests.h), by name */
	size_t nr_guests;
	char guests_note[512]; /* guests whose mappings could not be read */
	struct hp_usage usage; /* who uses the pool (core/usage.h) */
	bool have_usage;
	bool is_short, is_stale;
	bool fatal; /* nothing could be read: the message is out */
	struct msg plan_msgs[MAX_MSGS], vm_msgs[MAX_MSGS];
	size_t nr_plan_msgs, nr_vm_msgs;
	char verdict_line[MSG_LEN];
	char cause[MSG_LEN]; /* another owner of the command line defeats the plan (core/owners.h)
			      */
	struct hp_status_dyn *dyn; /* the plan's dynamic and transparent VMs */
	size_t nr_dyn;
	int settled; /* interrupted vm starts settled now */
};

/*
 * hp_status_dynamic - settle interrupted vm starts (when the vm lock is free), then each
 * dynamic and transparent VM's state into s->dyn. 0 or -ENOMEM.
 */
int hp_status_dynamic(struct status *s);
/* the table of them, and their JSON array "backings" */
int hp_status_print_dynamic(const struct status *s);
struct hp_json;
void hp_status_json_dynamic(struct hp_json *j, const struct status *s);

/*
 * hp_status_collect - everything status knows, for s->o (s zeroed but for o): the
 * configuration and today's plan, the pools, the early-boot check, this boot against the plan,
 * the VMs the pool backs, and the verdict. 0, or -errno (s->fatal: the message is out). What
 * status prints and what hugeplan metrics publishes both come from here.
 * hp_status_release() in every case.
 */
int hp_status_collect(struct status *s);

/*
 * hp_status_exit - status's exit status for what was collected: 0, EXIT_BAD or EXIT_USAGE (a
 * configuration that cannot be planned; with boot set, the pool's verdict instead)
 */
int hp_status_exit(const struct status *s);

/*
 * hp_status_gate_closed - whether hugeplan-verify.service (status --boot) holds the VM managers
 * back: the pool is short of this boot's own entry (its command line), or of today's VMs when
 * the plan is that entry's. A stale plan alone does not close it.
 */
bool hp_status_gate_closed(const struct status *s);

void hp_status_release(struct status *s);

const char *hp_status_plural(uint64_t n);

/* " (node0 4, node1 14)" over the plan's nodes; "" when the split is unknown or moot */
void hp_status_split(const struct hp_plan *p, const uint64_t *node, bool known, char *buf,
		     size_t len);

/* the three outputs; 0 or -ENOMEM (print_boot cannot fail) */
int hp_status_print_human(const struct status *s);
void hp_status_print_boot(const struct status *s);
int hp_status_print_json(const struct status *s, int exit_code);

#endif
