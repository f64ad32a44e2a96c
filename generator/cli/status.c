// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hugeplan status: does this boot's huge page pool serve today's plan?
 *
 *   the early-boot check   the verifier's report (/run/hugeplan/boot-report.json) when the
 *                          initramfs left one for this boot, else the same check now
 *                          (sys/pool.h, sys/kmsg.h, core/verdict.h: the verifier's own code);
 *   the pool now           per size and node: total, free, reserved, surplus;
 *   the plan               today's plan against this boot's command line (core/stale.h), with
 *                          apply's state for "applied, not rebooted";
 *   the VMs                each planned VM's pages per node from what the kernel reserved, and
 *                          the VMs left short (core/backing.h).
 *
 * Exit 0 all good, 1 short or stale, 2 error; with --boot 1 only for a pool short of this
 * boot's entry, 3 stale (the gate open), 0 or 1 on a bad configuration. --boot is what
 * hugeplan-verify.service runs:
 * the verdict and what is wrong, for the journal, each line with its syslog priority ("<4>"),
 * which journald reads from a service's output.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/status.h"
#include "core/size.h"
#include "sources/libvirt.h"
#include "sys/host.h"
#include "sys/boot-verdict.h"
#include "sys/guests.h"
#include "sys/kmsg.h"
#include "sys/path.h"
#include "sys/owners.h"
#include "sys/pool.h"
#include "sys/root.h"

#define TEXT_MAX (1U << 20)

enum { OPT_BOOT = OPT_CLI_LAST };

__attribute__((format(printf, 4, 5))) static void add(struct msg *m, size_t *n, int prio,
						      const char *fmt, ...)
{
	va_list ap;

	if (*n >= MAX_MSGS)
		return;
	m[*n].prio = prio;
	va_start(ap, fmt);
	vsnprintf(m[*n].text, MSG_LEN, fmt, ap);
	va_end(ap);
	(*n)++;
}

const char *hp_status_plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

void hp_status_split(const struct hp_plan *p, const uint64_t *node, bool known, char *buf,
		     size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	if (!known)
		return;
	for (size_t i = 0; i < p->nr_nodes && o < len; i++) {
		unsigned id = p->nodes[i].id;

		o += (size_t)snprintf(buf + o, len - o, "%snode%u %" PRIu64, o ? ", " : " (", id,
				      node[id]);
	}
	if (o < len)
		snprintf(buf + o, len - o, ")");
}

/* --- gathering ----------------------------------------------------------------------------- */

/* the verifier's check, now: the same functions hugeplan-verify runs at boot */
static void check_now(struct status *s)
{
	struct hp_verdict_in in = { 0 };

	in.cmdline = s->host.cmdline;
	in.arch = &s->arch;
	in.req = &s->req;
	in.pools = &s->pools;
	hp_bootcheck_verdict(s->o.root, &in, &s->verdict, s->kmsg_state, sizeof(s->kmsg_state));
}

/* the early-boot report when it is this boot's, else the check now */
static int boot_check(struct status *s)
{
	char *text, err[256];
	int r;

	r = hp_read_text(s->o.root, &text, NULL, TEXT_MAX, HP_P_BOOT_REPORT);
	if (r == 0) {
		r = hp_report_parse(text, &s->verdict, &s->info, err, sizeof(err));
		free(text);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			snprintf(s->check_note, sizeof(s->check_note),
				 "%s is unreadable (%s): checked now instead", HP_P_BOOT_REPORT,
				 err);
		else if (strcmp(s->info.cmdline, s->host.cmdline))
			/* /run is a tmpfs: only a copied or restored report can be another's */
			snprintf(
				s->check_note, sizeof(s->check_note),
				"%s is from another boot (its command line is not this boot's): checked now instead",
				HP_P_BOOT_REPORT);
		else
			s->from_report = true;
	} else if (r != -ENOENT) {
		snprintf(s->check_note, sizeof(s->check_note), "%s: %s: checked now instead",
			 HP_P_BOOT_REPORT, hp_strerror(r));
	} else {
		snprintf(s->check_note, sizeof(s->check_note),
			 "no early-boot report (%s): checked now", HP_P_BOOT_REPORT);
	}
	if (!s->from_report) {
		check_now(s);
		return 0;
	}
	snprintf(s->kmsg_state, sizeof(s->kmsg_state), "%s", s->info.kmsg);
	return 0;
}

static void read_state(struct status *s)
{
	char *text;
	unsigned line = 0;
	int r;

	r = hp_read_text(s->o.root, &text, NULL, TEXT_MAX, HP_P_STATE_FILE);
	if (r == -ENOENT)
		return;
	if (r < 0) {
		add(s->plan_msgs, &s->nr_plan_msgs, PRIO_WARN, "%s: cannot read: %s",
		    HP_P_STATE_FILE, hp_strerror(r));
		return;
	}
	r = hp_state_parse(text, &s->state, &line);
	free(text);
	if (r < 0) {
		add(s->plan_msgs, &s->nr_plan_msgs, PRIO_WARN,
		    "%s:%u: not a hugeplan state file: ignored", HP_P_STATE_FILE, line);
		return;
	}
	s->have_state = true;
}

/* how much of today's plan this boot's request covers (for the shortfall, when no VM is named) */
static int compute_cover(struct status *s)
{
	struct hp_avail_set asked;
	int r;

	hp_avail_from_kreq(&s->req, &asked);
	r = hp_backing_compute(&s->l.plan, &asked, &s->cover);
	if (r < 0)
		return r;
	s->covered = true;
	return 0;
}

/* what changed per VM since this boot's entry: apply's records of its plan against today's */
static int compute_changes(struct status *s)
{
	int r;

	s->changes.before = s->have_state ? hp_state_records(&s->state, s->req.plan_id) : NULL;
	if (!s->changes.before)
		return 0;
	s->changes.after = &s->today_recs;
	s->changes.plan = &s->l.plan;
	r = hp_recs_from_plan(&s->l.plan, s->o.root, &s->today_recs);
	if (r == 0)
		r = hp_stale_changes(s->changes.before, &s->today_recs, &s->changes.changes);
	s->changes_known = r == 0;
	return r;
}

/* --- judging ------------------------------------------------------------------------------- */

#define MAX_CHANGE_LINES 24

/* one line per changed VM, after ind (core/stale.h, cli/changes.h) */
static void change_lines(struct status *s, const char *ind)
{
	char line[MSG_LEN];

	for (size_t i = 0; i < s->changes.changes.nr; i++) {
		if (i == MAX_CHANGE_LINES) {
			add(s->plan_msgs, &s->nr_plan_msgs, PRIO_INFO,
			    "%s... and %zu more (hugeplan status --json lists every one)", ind,
			    s->changes.changes.nr - i);
			break;
		}
		hp_cli_change_line(&s->changes, &s->changes.changes.v[i], line, sizeof(line));
		add(s->plan_msgs, &s->nr_plan_msgs, PRIO_INFO, "%s%s", ind, line);
	}
}

/*
 * After the plan's own line: what changed since this boot's entry (lead: the words before the
 * list, NULL for the lines alone), else, with say_unknown, that it is not known.
 */
static void changes_since(struct status *s, const char *lead, bool say_unknown)
{
	char names[600];

	if (!s->changes_known) {
		if (say_unknown && s->stale.boot_id[0])
			add(s->plan_msgs, &s->nr_plan_msgs, PRIO_INFO,
			    "  which VMs changed is not known: %s holds no record of this boot's plan (%s)",
			    HP_P_STATE_FILE, s->stale.boot_id);
		return;
	}
	if (!s->changes.changes.nr)
		return;
	if (lead) {
		hp_cli_changes_summary(&s->changes, names, sizeof(names));
		add(s->plan_msgs, &s->nr_plan_msgs, PRIO_INFO,
		    "  %zu VM%s %s (%s):", s->changes.changes.nr,
		    hp_status_plural(s->changes.changes.nr), lead, names);
	}
	change_lines(s, lead ? "    " : "  ");
}

static void plan_messages(struct status *s)
{
	const struct hp_stale *st = &s->stale;
	const struct hp_plan *p = &s->l.plan;
	char names[600], a[300], b[300], sz[24];

	switch (st->state) {
	case HP_PS_NOTHING:
		add(s->plan_msgs, &s->nr_plan_msgs, PRIO_INFO,
		    "nothing planned and nothing reserved on this boot's command line");
		return;
	case HP_PS_CURRENT:
		if (!st->boot_id[0])
			add(s->plan_msgs, &s->nr_plan_msgs, PRIO_INFO,
			    "this boot reserves today's plan (%s), though its command line has no hugeplan.plan= id (written by hand?)",
			    st->plan_id);
		else if (strcmp(st->boot_id, st->plan_id))
			add(s->plan_msgs, &s->nr_plan_msgs, PRIO_INFO,
			    "this boot reserves today's plan (%s), under another hugeplan.plan= id (%s)",
			    st->plan_id, st->boot_id);
		else
			add(s->plan_msgs, &s->nr_plan_msgs, PRIO_INFO,
			    "this boot reserves today's plan (hugeplan.plan=%s)", st->plan_id);
		return;
	case HP_PS_UNFIT:
		add(s->plan_msgs, &s->nr_plan_msgs, PRIO_ERR,
		    "today's plan does NOT fit this host: nothing can be applied; see `hugeplan plan`");
		for (size_t i = 0; i < p->nr_problems; i++)
			add(s->plan_msgs, &s->nr_plan_msgs, PRIO_ERR, "  %s", p->problems[i]);
		changes_since(s, "changed since this boot's entry was written", false);
		return;
	case HP_PS_REBOOT:
		if (s->cause[0]) {
			add(s->plan_msgs, &s->nr_plan_msgs, PRIO_WARN,
			    "`hugeplan apply` wrote today's plan (%s), but %s", st->plan_id,
			    s->cause);
			break;
		}
		add(s->plan_msgs, &s->nr_plan_msgs, PRIO_WARN,
		    "`hugeplan apply` wrote today's plan (%s, %s) but this boot runs %s%s: reboot to use it",
		    st->plan_id, s->state.applied[0] ? s->state.applied : "time unknown",
		    st->boot_id[0] ? "plan " : "", st->boot_id[0] ? st->boot_id : "no plan");
		if (s->state.update == HP_UPDATE_PENDING)
			add(s->plan_msgs, &s->nr_plan_msgs, PRIO_WARN,
			    "  but the boot menu was not regenerated (%s): run `hugeplan apply` again before rebooting",
			    s->state.update_note[0] ? s->state.update_note : "no reason recorded");
		changes_since(s, "changed since this boot's entry was written", false);
		break;
	case HP_PS_STALE:
		if (s->cause[0]) {
			add(s->plan_msgs, &s->nr_plan_msgs, PRIO_WARN,
			    "this boot's reservation is not today's plan: %s", s->cause);
		} else if (!st->boot_id[0] && !st->boot_reserves) {
			/* nothing was ever written for this boot: nothing was "added since" */
			add(s->plan_msgs, &s->nr_plan_msgs, PRIO_WARN,
			    "this boot ran no hugeplan entry (its command line reserves no huge pages and has no hugeplan.plan=): run `hugeplan apply` and reboot");
		} else if (!st->boot_id[0] && s->covered && s->cover.nr_short) {
			char h[32];

			hp_size_human(s->cover.short_bytes, h, sizeof(h));
			add(s->plan_msgs, &s->nr_plan_msgs, PRIO_WARN,
			    "this boot's reservation is not hugeplan's (its command line has no hugeplan.plan=) and is %s short of today's plan: run `hugeplan apply` and reboot",
			    h);
		} else if (s->changes_known && s->changes.changes.nr) {
			hp_cli_changes_summary(&s->changes, names, sizeof(names));
			add(s->plan_msgs, &s->nr_plan_msgs, PRIO_WARN,
			    "%zu VM%s changed since this boot's entry was written (%s): run `hugeplan apply` and reboot",
			    s->changes.changes.nr, hp_status_plural(s->changes.changes.nr), names);
			changes_since(s, NULL, false);
		} else if (s->covered && s->cover.nr_short) {
			char h[32];

			hp_size_human(s->cover.short_bytes, h, sizeof(h));
			add(s->plan_msgs, &s->nr_plan_msgs, PRIO_WARN,
			    "this boot's reservation is %s short of today's plan (VMs were added or grew since its entry was written): run `hugeplan apply` and reboot",
			    h);
		} else if (!p->nr_pools) {
			add(s->plan_msgs, &s->nr_plan_msgs, PRIO_WARN,
			    "this boot reserves huge pages but no VM is planned: run `hugeplan remove` (or apply) and reboot to give the memory back");
		} else {
			add(s->plan_msgs, &s->nr_plan_msgs, PRIO_WARN,
			    "this boot's reservation is not today's plan: run `hugeplan apply` and reboot");
		}
		if (!s->changes_known)
			changes_since(s, NULL, true);
		if (s->have_state && st->boot_id[0] && !strcmp(s->state.plan_id, st->boot_id))
			add(s->plan_msgs, &s->nr_plan_msgs, PRIO_INFO,
			    "  `hugeplan apply` wrote this boot's plan (%s): the configuration changed since",
			    s->state.applied[0] ? s->state.applied : "time unknown");
		break;
	}
	for (size_t i = 0; i < st->nr_sizes; i++) {
		const struct hp_stale_size *z = &st->sizes[i];

		hp_size_token(z->size, sz, sizeof(sz));
		hp_status_split(p, z->boot_node, z->boot_node_form && z->boot, a, sizeof(a));
		hp_status_split(p, z->plan_node, p->node_form && z->plan, b, sizeof(b));
		add(s->plan_msgs, &s->nr_plan_msgs, PRIO_INFO,
		    "  %s: this boot asks %" PRIu64 " page%s%s, today's plan %" PRIu64 "%s", sz,
		    z->boot, hp_status_plural(z->boot), a, z->plan, b);
	}
	if (st->default_differs) {
		char x[24], y[24];

		hp_size_token(st->boot_default, x, sizeof(x));
		hp_size_token(st->plan_default, y, sizeof(y));
		add(s->plan_msgs, &s->nr_plan_msgs, PRIO_INFO,
		    "  default huge page size: this boot %s, today's plan %s", x, y);
	}
	if (st->vmemmap_differs)
		add(s->plan_msgs, &s->nr_plan_msgs, PRIO_INFO,
		    "  hugetlb_free_vmemmap: this boot %s, today's plan %s",
		    s->req.free_vmemmap ? "on" : "off", p->free_vmemmap ? "on" : "off");
}

static void vm_messages(struct status *s)
{
	char sz[24], h[32];

	/* a guest on the pool that no planned VM is: its pages are not there for the plan */
	for (size_t g = 0; s->have_usage && g < s->nr_guests; g++) {
		char esc[HP_GUEST_NAME_MAX * 4], what[400] = "";
		size_t o = 0;

		if (s->usage.guest_vm[g] >= 0)
			continue;
		for (size_t i = 0; i < s->pools.nr_pools && o < sizeof(what); i++) {
			uint64_t n = hp_guest_pages(&s->guests[g], i);

			if (!n)
				continue;
			hp_size_token(s->pools.pools[i].size, sz, sizeof(sz));
			o += (size_t)snprintf(what + o, sizeof(what) - o, "%s%" PRIu64 " %s page%s",
					      o ? " and " : "", n, sz, hp_status_plural(n));
		}
		if (!o)
			continue;
		hp_escape(esc, sizeof(esc), s->guests[g].name);
		add(s->vm_msgs, &s->nr_vm_msgs, PRIO_WARN,
		    "%s (pid %ld) is no planned VM and runs on %s of the pool", esc,
		    s->guests[g].pid, what);
	}

	for (size_t i = 0; i < s->back.nr_vms; i++) {
		const struct hp_back_vm *b = &s->back.vms[i];

		if (!b->short_pages)
			continue;
		hp_size_token(b->vp->page_size, sz, sizeof(sz));
		if (b->vp->mixed)
			snprintf(sz, sizeof(sz), "huge");
		hp_size_human(b->short_bytes, h, sizeof(h));
		if (s->back.per_node && s->l.plan.node_form && b->vp->nodes) {
			char where[300];
			size_t o = 0;

			where[0] = '\0';
			for (unsigned k = 0; k < HP_MAX_NODES && o < sizeof(where); k++) {
				uint64_t want = 0;

				for (size_t q = 0; q < b->vp->nr_parts; q++)
					if (b->vp->parts[q].placed &&
					    b->vp->parts[q].node == (int)k)
						want += b->vp->parts[q].pages;
				if (want > b->node[k])
					o += (size_t)snprintf(where + o, sizeof(where) - o,
							      "%s%" PRIu64 " on node %u",
							      o ? ", " : "", want - b->node[k], k);
			}
			add(s->vm_msgs, &s->nr_vm_msgs, PRIO_ERR,
			    "%s: short by %" PRIu64 " %s page%s (%s): %s", b->vp->vm->name,
			    b->short_pages, sz, hp_status_plural(b->short_pages), h, where);
		} else {
			add(s->vm_msgs, &s->nr_vm_msgs, PRIO_ERR,
			    "%s: short by %" PRIu64 " %s page%s (%s) of %" PRIu64, b->vp->vm->name,
			    b->short_pages, sz, hp_status_plural(b->short_pages), h, b->need);
		}
	}
}

/*
 * Nothing planned and nothing on this boot's command line; pages may still have been allocated
 * after boot (vm.nr_hugepages, a libvirt hook): say what the pools hold, not "nothing".
 */
static void nothing_line(struct status *s)
{
	char held[MSG_LEN] = "";
	size_t o = 0;

	for (size_t i = 0; i < s->pools.nr_pools && o < sizeof(held); i++) {
		const struct hp_pool *p = &s->pools.pools[i];
		char sz[24];

		if (!p->nr)
			continue;
		hp_size_token(p->size, sz, sizeof(sz));
		o += (size_t)snprintf(held + o, sizeof(held) - o,
				      "%s%" PRIu64 " %s page%s (%" PRIu64 " in use)", o ? ", " : "",
				      p->nr, sz, hp_status_plural(p->nr), p->nr - p->free);
	}
	if (o)
		snprintf(s->verdict_line, MSG_LEN,
			 "OK: nothing planned and nothing reserved at boot; allocated since: %s",
			 held);
	else
		snprintf(s->verdict_line, MSG_LEN, "OK: nothing planned, nothing reserved");
}

static void judge(struct status *s)
{
	char h[32];
	size_t o = 0;

	s->is_short = s->verdict.status == HP_V_SHORT || (s->backed && s->back.nr_short);
	s->is_stale =
		s->planned && (s->stale.state == HP_PS_STALE || s->stale.state == HP_PS_REBOOT ||
			       s->stale.state == HP_PS_UNFIT);
	if (s->backed && s->back.nr_short) {
		hp_size_human(s->back.short_bytes, h, sizeof(h));
		o += (size_t)snprintf(
			s->verdict_line + o, MSG_LEN - o,
			"SHORT: %zu planned VM%s cannot be backed by the pool (%s missing)",
			s->back.nr_short, hp_status_plural(s->back.nr_short), h);
	} else if (s->verdict.status == HP_V_SHORT) {
		hp_size_human(s->verdict.short_bytes, h, sizeof(h));
		o += (size_t)snprintf(s->verdict_line + o, MSG_LEN - o,
				      "SHORT: the pool is %s short of this boot's command line", h);
	}
	if (s->is_stale) {
		static const char *const why[] = {
			[HP_PS_STALE] =
				"the pool is not today's plan: run `hugeplan apply` and reboot",
			[HP_PS_REBOOT] = "today's plan is applied but not booted: reboot",
			[HP_PS_UNFIT] = "today's plan does not fit this host: see `hugeplan plan`",
		};

		o += (size_t)snprintf(s->verdict_line + o, MSG_LEN - o, "%sSTALE: %s",
				      o ? "; " : "", s->cause[0] ? s->cause : why[s->stale.state]);
	}
	if (o)
		return;
	if (!s->planned)
		snprintf(s->verdict_line, MSG_LEN, "%s",
			 s->verdict.status == HP_V_MET ? "the pool is met (the plan is unknown)"
						       : "nothing reserved (the plan is unknown)");
	else if (s->stale.state == HP_PS_NOTHING)
		nothing_line(s);
	else
		snprintf(s->verdict_line, MSG_LEN,
			 "OK: the pool is met and backs every planned VM (%zu)",
			 s->l.plan.nr_static);
}

/* --- the command --------------------------------------------------------------------------- */

static void usage(void)
{
	printf("Usage:\n %s status [options]\n\n", program_invocation_short_name);
	printf("Whether this boot's huge page pool serves today's plan: the early-boot check,\n"
	       "the pool per size and node, whether the plan changed since this boot's entry\n"
	       "was written (or was applied and not yet booted), and the VMs the pool cannot\n"
	       "back.\n");
	printf("\nOptions:\n"
	       "     --config DIR   read the configuration from DIR only\n"
	       "     --root DIR     read the system (and the configuration) under DIR\n"
	       "     --balanced     accept the balanced form on kernels before 5.16\n"
	       "     --boot         the verdict and what is wrong, for the journal (what\n"
	       "                    hugeplan-verify.service runs)\n"
	       "  -J, --json         JSON output\n"
	       "  -h, --help         display this help\n"
	       "\nExit status: 0 all good, 1 the pool is short or stale, 2 error.\n\nSee hugeplan(8).\n");
}

static int gather(struct status *s)
{
	char errpath[4200];
	int r;

	/* the configuration and today's plan; without them the pool is still worth showing */
	if (hp_cli_load(&s->o, &s->l) == 0) {
		s->planned = true;
		s->host = s->l.host;
		s->arch = s->l.arch;
	} else {
		r = hp_host_read(s->o.root, &s->host);
		if (r < 0) {
			s->fatal = true; /* hp_cli_load said why */
			return r;
		}
		hp_host_karch(&s->host, &s->arch);
	}
	s->arch.cma = hp_bootcheck_cma(s->o.root, s->host.cmdline);
	hp_kcmdline_simulate(s->host.cmdline, &s->arch, &s->req);
	if (s->req.unmodelled_node) {
		fprintf(stderr,
			"%s status: the kernel command line asks for pages on node %u: hugeplan models nodes 0-%u only, so this boot's pool cannot be judged\n",
			program_invocation_short_name, s->req.unmodelled_node - 1,
			HP_MAX_NODES - 1);
		s->fatal = true;
		return -ERANGE;
	}

	errpath[0] = '\0';
	r = hp_pools_read(s->o.root, &s->pools, errpath, sizeof(errpath));
	if (r < 0) {
		fprintf(stderr, "%s %s: %s%s: %s\n", program_invocation_short_name, s->o.cmd,
			s->o.root ? s->o.root : "", errpath, hp_strerror(r));
		s->fatal = true;
		return r;
	}
	r = boot_check(s);
	if (r < 0)
		return r;
	/* who maps the pool: libvirt's and Proxmox VE's running guests (their QEMU's numa_maps) */
	r = hp_guests_read(s->o.root, &s->pools, hp_libvirt_status, &s->guests, &s->nr_guests,
			   s->guests_note, sizeof(s->guests_note));
	if (r < 0)
		return r;
	if (!s->planned) {
		r = hp_usage_compute(&s->pools, NULL, s->guests, s->nr_guests, &s->usage, &s->back);
		if (r < 0)
			return r;
		s->have_usage = true;
		return 0;
	}

	read_state(s);
	{
		struct hp_stale_in in = {
			.plan = &s->l.plan,
			.plan_id = s->l.plan.feasible ? s->l.args.plan_id : "",
			.boot = &s->req,
			.applied_id = s->have_state ? s->state.plan_id : NULL,
		};

		hp_stale_compute(&in, &s->stale);
	}
	/* "apply and reboot" does nothing when another owner of the command line is the cause */
	if (s->stale.state == HP_PS_STALE || s->stale.state == HP_PS_REBOOT) {
		struct hp_owner_facts *f = calloc(1, sizeof(*f));
		char what[4096];

		if (f && hp_owners_read(s->o.root, f, what, sizeof(what)) == 0)
			hp_owners_stale_cause(f, s->host.cmdline, s->l.args.n, s->cause,
					      sizeof(s->cause));
		free(f);
	}
	/* the running planned VMs on what they map, the others from the free pages: pages an
	 * unplanned guest took are not there for them (issue 15, item 4) */
	r = hp_usage_compute(&s->pools, &s->l.plan, s->guests, s->nr_guests, &s->usage, &s->back);
	if (r < 0)
		return r;
	s->have_usage = true;
	s->backed = true;
	if (s->stale.state == HP_PS_STALE) {
		r = compute_cover(s);
		if (r < 0)
			return r;
	}
	if (s->stale.state == HP_PS_STALE || s->stale.state == HP_PS_REBOOT ||
	    s->stale.state == HP_PS_UNFIT) {
		r = compute_changes(s);
		if (r < 0)
			return r;
	}
	plan_messages(s);
	vm_messages(s);
	return hp_status_dynamic(s);
}

int hp_status_collect(struct status *s)
{
	int r = gather(s);

	if (r < 0)
		return r;
	judge(s);
	return 0;
}

int hp_status_exit(const struct status *s)
{
	/*
	 * A configuration that cannot be planned is an error, after the pool is shown. At boot
	 * (--boot: hugeplan-verify.service, which Strict=yes makes the VM managers require) it
	 * is said at err priority, and the exit is the pool's own: a broken vms.d file, or an
	 * Enabled=no one that others could change, must not keep libvirtd down on a host
	 * whose pool is met (issue 12, item 4).
	 */
	if (s->boot)
		return hp_status_gate_closed(s) ? EXIT_BAD : s->is_stale ? EXIT_STALE_BOOT : 0;
	if (!s->planned)
		return EXIT_USAGE;
	return (s->is_short || s->is_stale) ? EXIT_BAD : 0;
}

bool hp_status_gate_closed(const struct status *s)
{
	/*
	 * Strict=yes makes the VM managers require hugeplan-verify.service: it holds them back
	 * only on a pool too short for the plan this boot's entry was written for, that is for
	 * this boot's own command line (the early-boot check), or, when the plan is still that
	 * entry's, for today's VMs. VMs added since are no reason to keep the others down: a
	 * stale plan is said at err priority, with its own exit status the unit takes as a
	 * success (issue 15, item 5).
	 */
	if (s->verdict.status == HP_V_SHORT)
		return true;
	return s->planned && !s->is_stale && s->is_short;
}

void hp_status_release(struct status *s)
{
	hp_backing_free(&s->back);
	hp_backing_free(&s->cover);
	hp_changes_free(&s->changes.changes);
	hp_recs_free(&s->today_recs);
	hp_state_free(&s->state);
	free(s->dyn);
	s->dyn = NULL;
	hp_usage_free(&s->usage);
	free(s->guests);
	s->guests = NULL;
	hp_cli_unload(&s->l);
}

int cmd_status(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "config", required_argument, NULL, OPT_CONFIG },
		{ "balanced", no_argument, NULL, OPT_BALANCED },
		{ "boot", no_argument, NULL, OPT_BOOT },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct status *s;
	int c, r, ret;

	s = calloc(1, sizeof(*s));
	if (!s) {
		fprintf(stderr, "%s status: out of memory\n", program_invocation_short_name);
		return EXIT_USAGE;
	}
	s->o.cmd = "status";
	s->o.diag = &s->config_err;
	s->o.this_boot = true; /* this boot: no scan of /boot or the ESP (at boot, an automount) */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+hJ", longopts, NULL)) != -1) {
		if (hp_cli_common_opt(&s->o, c, optarg))
			continue;
		switch (c) {
		case 'J':
			s->o.json = true;
			break;
		case OPT_BOOT:
			s->boot = true;
			break;
		case 'h':
			usage();
			free(s);
			return 0;
		default:
			free(s);
			return hp_cli_usage_error("status", "unrecognized option '%s'",
						  argv[optind - 1]);
		}
	}
	if (optind < argc) {
		free(s);
		return hp_cli_usage_error("status", "unexpected argument '%s'", argv[optind]);
	}
	if (s->boot && s->o.json) {
		free(s);
		return hp_cli_usage_error("status", "--boot and --json do not go together");
	}

	r = hp_status_collect(s);
	if (r < 0) {
		if (!s->fatal)
			fprintf(stderr, "%s status: %s\n", program_invocation_short_name,
				hp_strerror(r));
		ret = EXIT_USAGE;
		goto out;
	}
	ret = hp_status_exit(s);
	r = 0;
	if (s->o.json)
		r = hp_status_print_json(s, ret);
	else if (s->boot)
		hp_status_print_boot(s);
	else
		r = hp_status_print_human(s);
	if (r < 0 || fflush(stdout) != 0) {
		fprintf(stderr, "%s status: cannot print: %s\n", program_invocation_short_name,
			r < 0 ? hp_strerror(r) : "write error");
		ret = EXIT_USAGE;
	}
out:
	hp_status_release(s);
	free(s);
	return ret;
}
