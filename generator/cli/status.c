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
 * Exit 0 all good, 1 short or stale, 2 error. --boot is what hugeplan-verify.service runs:
 * the verdict and what is wrong, for the journal, each line with its syslog priority ("<4>"),
 * which journald reads from a service's output.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <libsmartcols.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/report.h"
#include "core/backing.h"
#include "core/bootreport.h"
#include "core/json.h"
#include "core/size.h"
#include "core/stale.h"
#include "core/state.h"
#include "core/verdict.h"
#include "sys/host.h"
#include "sys/kmsg.h"
#include "sys/path.h"
#include "sys/pool.h"

#define EXIT_BAD  1
#define TEXT_MAX  (1U << 20)
#define MAX_MSGS  64
#define MSG_LEN	  1024
#define PRIO_ERR  3
#define PRIO_WARN 4
#define PRIO_INFO 6

enum { OPT_BOOT = OPT_CLI_LAST };

struct msg {
	int prio;
	char text[MSG_LEN];
};

struct status {
	struct hp_cli o;
	bool boot;
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
	struct hp_backing back, cover;
	bool backed, covered;
	bool added; /* added_vm[] (configuration indexes) are what was added */
	bool *added_vm;
	size_t nr_added;
	bool is_short, is_stale;
	bool fatal; /* nothing could be read: the message is out */
	struct msg plan_msgs[MAX_MSGS], vm_msgs[MAX_MSGS];
	size_t nr_plan_msgs, nr_vm_msgs;
	char verdict_line[MSG_LEN];
};

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

static const char *plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

static void tok(uint64_t size, char *buf, size_t len)
{
	hp_size_token(size, buf, len);
}

/* " (node0 4, node1 14)" over the plan's nodes; "" when the split is unknown or moot */
static void split_text(const struct hp_plan *p, const uint64_t *node, bool known, char *buf,
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

struct klines {
	char lines[HP_VERDICT_MAX_KMSGS][HP_KMSG_LEN];
	const char *ptrs[HP_VERDICT_MAX_KMSGS];
	size_t n;
};

static int keep_hugetlb(const struct hp_kmsg_rec *rec, void *ctx)
{
	struct klines *k = ctx;

	if (!hp_kmsg_is_hugetlb(rec->text) || k->n >= HP_VERDICT_MAX_KMSGS)
		return 0;
	snprintf(k->lines[k->n], HP_KMSG_LEN, "%.191s", rec->text);
	k->ptrs[k->n] = k->lines[k->n];
	k->n++;
	return 0;
}

/* the verifier's check, now: the same functions hugeplan-verify runs at boot */
static int check_now(struct status *s)
{
	struct hp_verdict_in in = { 0 };
	struct klines *k = calloc(1, sizeof(*k));
	int r;

	if (!k)
		return -ENOMEM;
	/* no kernel log (no /dev/kmsg, no permission) costs the reasons, not the verdict */
	r = hp_kmsg_foreach(s->o.root, keep_hugetlb, k);
	if (r < 0)
		snprintf(s->kmsg_state, sizeof(s->kmsg_state), "%s: %s", HP_P_KMSG, strerror(-r));
	else
		snprintf(s->kmsg_state, sizeof(s->kmsg_state), "read");
	in.cmdline = s->host.cmdline;
	in.arch = &s->arch;
	in.req = &s->req;
	in.pools = &s->pools;
	in.kmsgs = k->ptrs;
	in.nr_kmsgs = k->n;
	in.kmsg_read = r >= 0;
	hp_verdict_compute(&in, &s->verdict);
	free(k);
	return 0;
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
			snprintf(s->check_note, sizeof(s->check_note),
				 "%s is from another boot (its command line is not this boot's): "
				 "checked now instead",
				 HP_P_BOOT_REPORT);
		else
			s->from_report = true;
	} else if (r != -ENOENT) {
		snprintf(s->check_note, sizeof(s->check_note), "%s: %s: checked now instead",
			 HP_P_BOOT_REPORT, strerror(-r));
	} else {
		snprintf(s->check_note, sizeof(s->check_note),
			 "no early-boot report (%s): checked now", HP_P_BOOT_REPORT);
	}
	if (!s->from_report)
		return check_now(s);
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
		    HP_P_STATE_FILE, strerror(-r));
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

/* the pages of each size today's plan has beyond this boot's request; false if it has fewer */
static bool growth(const struct status *s, uint64_t size, uint64_t *delta)
{
	const struct hp_pool_plan *p = hp_plan_pool(&s->l.plan, size);
	const struct hp_kpool *k = hp_kreq_pool(&s->req, size);
	uint64_t want = p ? p->pages : 0, have = k ? k->pages : 0;

	*delta = want > have ? want - have : 0;
	return want >= have;
}

/* a VM whose pages are all the growth, of one size: the one VM that may have been added */
static bool sole_growth(const struct status *s, const struct hp_vm_plan *vp)
{
	for (size_t i = 0; i < s->l.plan.nr_pools; i++) {
		uint64_t size = s->l.plan.pools[i].size, d;

		if (!growth(s, size, &d))
			return false;
		if (d != (size == vp->page_size ? vp->pages : 0))
			return false;
	}
	return true;
}

/*
 * Which VMs this boot's entry covers, and whether the others are exactly the added ones
 * (core/stale.h): first the VMs the entry leaves uncovered; failing that (an added VM sorted
 * before others takes their place in the covering), each single VM whose pages are the whole
 * growth of the plan.
 */
static int find_added(struct status *s)
{
	struct hp_plan_opts po = { .allow_balanced = s->o.balanced };
	size_t n = s->l.cfg.nr_vms, tries = 0;
	struct hp_avail_set asked;
	int r;

	hp_avail_from_kreq(&s->req, &asked);
	r = hp_backing_compute(&s->l.plan, &asked, &s->cover);
	if (r < 0)
		return r;
	s->covered = true;
	if (!s->cover.nr_short || !s->req.plan_id[0])
		return 0;
	s->added_vm = calloc(n ? n : 1, sizeof(*s->added_vm));
	if (!s->added_vm)
		return -ENOMEM;
	for (size_t i = 0; i < s->cover.nr_vms; i++)
		if (s->cover.vms[i].short_pages)
			s->added_vm[s->cover.vms[i].vp->vm - s->l.cfg.vms] = true;
	r = hp_stale_added(&s->l.host, &s->l.cfg.host, s->l.cfg.vms, n, &po, s->added_vm,
			   s->req.plan_id);
	for (size_t i = 0; r == 0 && i < s->l.plan.nr_vms && tries < 64; i++) {
		const struct hp_vm_plan *vp = &s->l.plan.vms[i];

		if (!sole_growth(s, vp))
			continue;
		tries++;
		memset(s->added_vm, 0, n * sizeof(*s->added_vm));
		s->added_vm[vp->vm - s->l.cfg.vms] = true;
		r = hp_stale_added(&s->l.host, &s->l.cfg.host, s->l.cfg.vms, n, &po, s->added_vm,
				   s->req.plan_id);
	}
	if (r < 0)
		return r;
	s->added = r == 1;
	for (size_t i = 0; s->added && i < n; i++)
		s->nr_added += s->added_vm[i];
	return 0;
}

/* --- judging ------------------------------------------------------------------------------- */

static void added_names(const struct status *s, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < s->l.cfg.nr_vms && o < len; i++) {
		if (!s->added_vm[i])
			continue;
		if (o > len - 80) {
			snprintf(buf + o, len - o, ", ...");
			return;
		}
		o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? ", " : "",
				      s->l.cfg.vms[i].name);
	}
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
			    "this boot reserves today's plan (%s), though its command line has no "
			    "hugeplan.plan= id (written by hand?)",
			    st->plan_id);
		else if (strcmp(st->boot_id, st->plan_id))
			add(s->plan_msgs, &s->nr_plan_msgs, PRIO_INFO,
			    "this boot reserves today's plan (%s), under another hugeplan.plan= "
			    "id (%s)",
			    st->plan_id, st->boot_id);
		else
			add(s->plan_msgs, &s->nr_plan_msgs, PRIO_INFO,
			    "this boot reserves today's plan (hugeplan.plan=%s)", st->plan_id);
		return;
	case HP_PS_UNFIT:
		add(s->plan_msgs, &s->nr_plan_msgs, PRIO_ERR,
		    "today's plan does NOT fit this host: nothing can be applied; see `hugeplan "
		    "plan`");
		for (size_t i = 0; i < p->nr_problems; i++)
			add(s->plan_msgs, &s->nr_plan_msgs, PRIO_ERR, "  %s", p->problems[i]);
		return;
	case HP_PS_REBOOT:
		add(s->plan_msgs, &s->nr_plan_msgs, PRIO_WARN,
		    "`hugeplan apply` wrote today's plan (%s, %s) but this boot runs %s%s: reboot "
		    "to use it",
		    st->plan_id, s->state.applied[0] ? s->state.applied : "time unknown",
		    st->boot_id[0] ? "plan " : "", st->boot_id[0] ? st->boot_id : "no plan");
		if (s->state.update == HP_UPDATE_PENDING)
			add(s->plan_msgs, &s->nr_plan_msgs, PRIO_WARN,
			    "  but the boot menu was not regenerated (%s): run `hugeplan apply` "
			    "again before rebooting",
			    s->state.update_note[0] ? s->state.update_note : "no reason recorded");
		break;
	case HP_PS_STALE:
		if (s->added) {
			added_names(s, names, sizeof(names));
			add(s->plan_msgs, &s->nr_plan_msgs, PRIO_WARN,
			    "%zu VM%s %s added since this boot's entry was written (%s): run "
			    "`hugeplan apply` and reboot",
			    s->nr_added, plural(s->nr_added), s->nr_added == 1 ? "was" : "were",
			    names);
		} else if (s->covered && s->cover.nr_short) {
			char h[32];

			hp_size_human(s->cover.short_bytes, h, sizeof(h));
			add(s->plan_msgs, &s->nr_plan_msgs, PRIO_WARN,
			    "this boot's reservation is %s short of today's plan (VMs were added "
			    "or grew since its entry was written): run `hugeplan apply` and reboot",
			    h);
		} else if (!p->nr_pools) {
			add(s->plan_msgs, &s->nr_plan_msgs, PRIO_WARN,
			    "this boot reserves huge pages but no VM is planned: run `hugeplan "
			    "remove` (or apply) and reboot to give the memory back");
		} else {
			add(s->plan_msgs, &s->nr_plan_msgs, PRIO_WARN,
			    "this boot's reservation is not today's plan: run `hugeplan apply` and "
			    "reboot");
		}
		if (s->have_state && st->boot_id[0] && !strcmp(s->state.plan_id, st->boot_id))
			add(s->plan_msgs, &s->nr_plan_msgs, PRIO_INFO,
			    "  `hugeplan apply` wrote this boot's plan (%s): the configuration "
			    "changed since",
			    s->state.applied[0] ? s->state.applied : "time unknown");
		break;
	}
	for (size_t i = 0; i < st->nr_sizes; i++) {
		const struct hp_stale_size *z = &st->sizes[i];

		tok(z->size, sz, sizeof(sz));
		split_text(p, z->boot_node, z->boot_node_form && z->boot, a, sizeof(a));
		split_text(p, z->plan_node, p->node_form && z->plan, b, sizeof(b));
		add(s->plan_msgs, &s->nr_plan_msgs, PRIO_INFO,
		    "  %s: this boot asks %" PRIu64 " page%s%s, today's plan %" PRIu64 "%s", sz,
		    z->boot, plural(z->boot), a, z->plan, b);
	}
	if (st->default_differs) {
		char x[24], y[24];

		tok(st->boot_default, x, sizeof(x));
		tok(st->plan_default, y, sizeof(y));
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

	for (size_t i = 0; i < s->back.nr_vms; i++) {
		const struct hp_back_vm *b = &s->back.vms[i];

		if (!b->short_pages)
			continue;
		tok(b->vp->page_size, sz, sizeof(sz));
		hp_size_human(b->short_pages * b->vp->page_size, h, sizeof(h));
		if (s->back.per_node && s->l.plan.node_form && b->vp->vm->nodes) {
			char where[300];
			size_t o = 0;

			where[0] = '\0';
			for (unsigned k = 0; k < HP_MAX_NODES && o < sizeof(where); k++) {
				uint64_t want;

				if (!((b->vp->vm->nodes >> k) & 1))
					continue;
				want = hp_vm_node_pages(b->vp->vm, b->vp->page_size, k) *
				       b->vp->vm->instances;
				if (want > b->node[k])
					o += (size_t)snprintf(where + o, sizeof(where) - o,
							      "%s%" PRIu64 " on node %u",
							      o ? ", " : "", want - b->node[k], k);
			}
			add(s->vm_msgs, &s->nr_vm_msgs, PRIO_ERR,
			    "%s: short by %" PRIu64 " %s page%s (%s): %s", b->vp->vm->name,
			    b->short_pages, sz, plural(b->short_pages), h, where);
		} else {
			add(s->vm_msgs, &s->nr_vm_msgs, PRIO_ERR,
			    "%s: short by %" PRIu64 " %s page%s (%s) of %" PRIu64, b->vp->vm->name,
			    b->short_pages, sz, plural(b->short_pages), h, b->need);
		}
	}
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
		o += (size_t)snprintf(s->verdict_line + o, MSG_LEN - o,
				      "SHORT: %zu planned VM%s cannot be backed by the pool (%s "
				      "missing)",
				      s->back.nr_short, plural(s->back.nr_short), h);
	} else if (s->verdict.status == HP_V_SHORT) {
		hp_size_human(s->verdict.short_bytes, h, sizeof(h));
		o += (size_t)snprintf(s->verdict_line + o, MSG_LEN - o,
				      "SHORT: the pool is %s short of this boot's command line", h);
	}
	if (s->is_stale) {
		static const char *const why[] = {
			[HP_PS_STALE] = "the pool is not today's plan: run `hugeplan apply` and "
					"reboot",
			[HP_PS_REBOOT] = "today's plan is applied but not booted: reboot",
			[HP_PS_UNFIT] = "today's plan does not fit this host: see `hugeplan plan`",
		};

		o += (size_t)snprintf(s->verdict_line + o, MSG_LEN - o, "%sSTALE: %s",
				      o ? "; " : "", why[s->stale.state]);
	}
	if (o)
		return;
	if (!s->planned)
		snprintf(s->verdict_line, MSG_LEN, "%s",
			 s->verdict.status == HP_V_MET ? "the pool is met (the plan is unknown)"
						       : "nothing reserved (the plan is unknown)");
	else if (s->stale.state == HP_PS_NOTHING)
		snprintf(s->verdict_line, MSG_LEN, "OK: nothing planned, nothing reserved");
	else
		snprintf(s->verdict_line, MSG_LEN,
			 "OK: the pool is met and backs every planned VM (%zu)", s->l.plan.nr_vms);
}

/* --- printing ------------------------------------------------------------------------------ */

static void print_msgs(const struct status *s, const struct msg *m, size_t n, int min_prio)
{
	for (size_t i = 0; i < n; i++) {
		if (s->boot && m[i].prio > min_prio)
			continue;
		if (s->boot)
			printf("<%d>%s\n", m[i].prio, m[i].text);
		else
			printf("  %s\n", m[i].text);
	}
}

/* hp_report_summary()'s text, its "hugeplan-verify: " dropped: here it is a section */
static void print_summary(const struct status *s, int prio)
{
	struct hp_report_meta meta = { 0 };
	char *sum, *line, *save = NULL;

	meta.kmsg_state = s->kmsg_state;
	if (hp_report_summary(&s->verdict, &meta, &sum) < 0)
		return;
	for (line = strtok_r(sum, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "hugeplan-verify: ", 17))
			line += 17;
		if (s->boot)
			printf("<%d>  %s\n", prio, line);
		else
			printf("  %s\n", line);
	}
	free(sum);
}

static void u64_cell(struct libscols_line *ln, size_t col, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	scols_line_set_data(ln, col, buf);
}

static int print_pools(const struct status *s)
{
	static const char *const cols[] = {
		"SIZE", "NODE", "TOTAL", "FREE", "RESERVED", "SURPLUS"
	};
	struct libscols_table *t = scols_new_table();
	char buf[24];

	if (!t)
		return -ENOMEM;
	scols_table_new_column(t, cols[0], 0, 0);
	scols_table_new_column(t, cols[1], 0, 0);
	for (size_t i = 2; i < 6; i++)
		scols_table_new_column(t, cols[i], 0, SCOLS_FL_RIGHT);
	for (size_t i = 0; i < s->pools.nr_pools; i++) {
		const struct hp_pool *p = &s->pools.pools[i];
		struct libscols_line *ln = scols_table_new_line(t, NULL);

		if (!ln)
			break;
		tok(p->size, buf, sizeof(buf));
		scols_line_set_data(ln, 0, buf);
		scols_line_set_data(ln, 1, "all");
		u64_cell(ln, 2, p->nr);
		u64_cell(ln, 3, p->free);
		u64_cell(ln, 4, p->resv);
		u64_cell(ln, 5, p->surplus);
		for (size_t k = 0; s->pools.numa_sysfs && k < p->nr_nodes; k++) {
			const struct hp_pool_node *n = &p->nodes[k];

			ln = scols_table_new_line(t, NULL);
			if (!ln)
				break;
			scols_line_set_data(ln, 0, buf);
			snprintf(buf, sizeof(buf), "%u", n->id);
			scols_line_set_data(ln, 1, buf);
			u64_cell(ln, 2, n->nr);
			u64_cell(ln, 3, n->free);
			scols_line_set_data(ln, 4, "-"); /* sysfs keeps no per-node count */
			u64_cell(ln, 5, n->surplus);
			tok(p->size, buf, sizeof(buf));
		}
	}
	if (s->pools.nr_pools)
		scols_print_table(t);
	else
		printf("  no huge page sizes (%s is missing)\n", HP_P_HUGEPAGES);
	scols_unref_table(t);
	return 0;
}

static void vm_nodes(const struct status *s, const struct hp_back_vm *b, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	if (!s->back.per_node) {
		snprintf(buf, len, "any:%" PRIu64, b->got);
		return;
	}
	for (size_t i = 0; i < s->l.plan.nr_nodes && o < len; i++) {
		unsigned id = s->l.plan.nodes[i].id;

		if (b->node[id])
			o += (size_t)snprintf(buf + o, len - o, "%s%u:%" PRIu64, o ? " " : "", id,
					      b->node[id]);
	}
	if (!o)
		snprintf(buf, len, "-");
}

static int print_vms(const struct status *s)
{
	static const char *const cols[] = { "VM", "PAGESIZE", "PAGES", "NODES", "SHORT" };
	struct libscols_table *t = scols_new_table();

	if (!t)
		return -ENOMEM;
	scols_table_new_column(t, cols[0], 0, 0);
	scols_table_new_column(t, cols[1], 0, SCOLS_FL_RIGHT);
	scols_table_new_column(t, cols[2], 0, SCOLS_FL_RIGHT);
	scols_table_new_column(t, cols[3], 0, 0);
	scols_table_new_column(t, cols[4], 0, 0);
	for (size_t i = 0; i < s->back.nr_vms; i++) {
		const struct hp_back_vm *b = &s->back.vms[i];
		struct libscols_line *ln = scols_table_new_line(t, NULL);
		char buf[300], h[32];

		if (!ln)
			break;
		scols_line_set_data(ln, 0, b->vp->vm->name);
		tok(b->vp->page_size, buf, sizeof(buf));
		scols_line_set_data(ln, 1, buf);
		u64_cell(ln, 2, b->need);
		vm_nodes(s, b, buf, sizeof(buf));
		scols_line_set_data(ln, 3, buf);
		if (b->short_pages) {
			hp_size_human(b->short_pages * b->vp->page_size, h, sizeof(h));
			snprintf(buf, sizeof(buf), "%" PRIu64 " (%s)", b->short_pages, h);
		} else {
			snprintf(buf, sizeof(buf), "-");
		}
		scols_line_set_data(ln, 4, buf);
	}
	scols_print_table(t);
	scols_unref_table(t);
	return 0;
}

static int print_human(const struct status *s)
{
	printf("Early-boot check: %s\n",
	       s->from_report ? "the report the initramfs left (" HP_P_BOOT_REPORT ")"
			      : s->check_note);
	if (s->from_report && s->info.generator[0])
		printf("  by %s, %" PRIu64 " us\n", s->info.generator, s->info.elapsed_us);
	print_summary(s, PRIO_INFO);
	printf("\nPool now (pages):\n");
	if (print_pools(s) < 0)
		return -ENOMEM;
	if (s->planned) {
		printf("\nPlan:\n");
		print_msgs(s, s->plan_msgs, s->nr_plan_msgs, 7);
	}
	if (s->backed && s->back.nr_vms) {
		printf("\nVMs (configuration order; pages per node from the pool now):\n");
		if (print_vms(s) < 0)
			return -ENOMEM;
		print_msgs(s, s->vm_msgs, s->nr_vm_msgs, 7);
	}
	printf("\nVerdict: %s\n", s->verdict_line);
	return 0;
}

static void print_boot(const struct status *s)
{
	bool bad = s->is_short || s->is_stale;

	printf("<%d>%s\n", bad ? PRIO_ERR : PRIO_INFO, s->verdict_line);
	if (s->verdict.status == HP_V_SHORT) {
		printf("<%d>early-boot check (%s):\n", PRIO_WARN,
		       s->from_report ? HP_P_BOOT_REPORT : "now");
		print_summary(s, PRIO_WARN);
	}
	print_msgs(s, s->plan_msgs, s->nr_plan_msgs, s->is_stale ? PRIO_INFO : PRIO_WARN);
	print_msgs(s, s->vm_msgs, s->nr_vm_msgs, PRIO_ERR);
}

static void json_msgs(struct hp_json *j, const char *key, const struct msg *m, size_t n)
{
	hp_json_array(j, key);
	for (size_t i = 0; i < n; i++)
		hp_json_str(j, NULL, m[i].text[0] == ' ' ? m[i].text + 2 : m[i].text);
	hp_json_end(j);
}

static void json_nodes(struct hp_json *j, const char *key, const struct hp_plan *p,
		       const uint64_t *node, bool known)
{
	if (!known) {
		hp_json_str(j, key, NULL);
		return;
	}
	hp_json_array(j, key);
	for (size_t i = 0; i < p->nr_nodes; i++) {
		hp_json_object(j, NULL);
		hp_json_u64(j, "node", p->nodes[i].id);
		hp_json_u64(j, "pages", node[p->nodes[i].id]);
		hp_json_end(j);
	}
	hp_json_end(j);
}

static void json_check(struct hp_json *j, const struct status *s)
{
	const struct hp_verdict *v = &s->verdict;

	hp_json_object(j, "boot_check");
	hp_json_str(j, "source", s->from_report ? "report" : "now");
	hp_json_str(j, "report", s->from_report ? HP_P_BOOT_REPORT : NULL);
	hp_json_str(j, "note", s->from_report ? NULL : s->check_note);
	hp_json_str(j, "status", hp_overall_name(v->status));
	hp_json_u64(j, "short_bytes", v->short_bytes);
	hp_json_array(j, "sizes");
	for (size_t i = 0; i < v->nr_sizes; i++) {
		const struct hp_vsize *z = &v->sizes[i];

		hp_json_object(j, NULL);
		hp_json_u64(j, "page_size_kb", z->size / 1024);
		hp_json_str(j, "status", hp_status_name(z->status));
		hp_json_u64(j, "requested", z->requested);
		hp_json_u64(j, "allocated", z->allocated);
		hp_json_u64(j, "short_pages", z->short_pages);
		hp_json_array(j, "nodes");
		for (size_t k = 0; z->node_form && k < z->nr_nodes; k++) {
			hp_json_object(j, NULL);
			hp_json_u64(j, "node", z->nodes[k].id);
			hp_json_u64(j, "requested", z->nodes[k].requested);
			hp_json_u64(j, "allocated", z->nodes[k].allocated);
			hp_json_str(j, "status", hp_status_name(z->nodes[k].status));
			hp_json_end(j);
		}
		hp_json_end(j);
		hp_json_array(j, "reasons");
		for (size_t k = 0; k < z->nr_reasons; k++)
			hp_json_str(j, NULL, v->kmsgs[z->reasons[k]]);
		hp_json_end(j);
		hp_json_end(j);
	}
	hp_json_end(j);
	hp_json_end(j);
}

static void json_pools(struct hp_json *j, const struct status *s)
{
	hp_json_array(j, "pools");
	for (size_t i = 0; i < s->pools.nr_pools; i++) {
		const struct hp_pool *p = &s->pools.pools[i];

		hp_json_object(j, NULL);
		hp_json_u64(j, "page_size_kb", p->size / 1024);
		hp_json_u64(j, "total", p->nr);
		hp_json_u64(j, "free", p->free);
		hp_json_u64(j, "reserved", p->resv);
		hp_json_u64(j, "surplus", p->surplus);
		hp_json_array(j, "nodes");
		for (size_t k = 0; s->pools.numa_sysfs && k < p->nr_nodes; k++) {
			hp_json_object(j, NULL);
			hp_json_u64(j, "node", p->nodes[k].id);
			hp_json_u64(j, "total", p->nodes[k].nr);
			hp_json_u64(j, "free", p->nodes[k].free);
			hp_json_u64(j, "surplus", p->nodes[k].surplus);
			hp_json_end(j);
		}
		hp_json_end(j);
		hp_json_end(j);
	}
	hp_json_end(j);
}

static void json_plan(struct hp_json *j, const struct status *s)
{
	const struct hp_stale *st = &s->stale;
	const struct hp_plan *p = &s->l.plan;

	if (!s->planned) {
		hp_json_str(j, "plan", NULL);
		return;
	}
	hp_json_object(j, "plan");
	hp_json_str(j, "state", hp_plan_state_name(st->state));
	hp_json_str(j, "plan_id", st->plan_id[0] ? st->plan_id : NULL);
	hp_json_str(j, "boot_plan_id", st->boot_id[0] ? st->boot_id : NULL);
	if (s->have_state) {
		hp_json_object(j, "applied");
		hp_json_str(j, "plan_id", s->state.plan_id);
		hp_json_str(j, "time", s->state.applied);
		hp_json_bool(j, "boot_menu_updated", s->state.update != HP_UPDATE_PENDING);
		hp_json_end(j);
	} else {
		hp_json_str(j, "applied", NULL);
	}
	hp_json_array(j, "differences");
	for (size_t i = 0; i < st->nr_sizes; i++) {
		const struct hp_stale_size *z = &st->sizes[i];

		hp_json_object(j, NULL);
		hp_json_u64(j, "page_size_kb", z->size / 1024);
		hp_json_u64(j, "boot_pages", z->boot);
		hp_json_u64(j, "plan_pages", z->plan);
		json_nodes(j, "boot_nodes", p, z->boot_node, z->boot_node_form);
		json_nodes(j, "plan_nodes", p, z->plan_node, p->node_form);
		hp_json_end(j);
	}
	hp_json_end(j);
	hp_json_array(j, "added");
	for (size_t i = 0; s->added && i < s->l.cfg.nr_vms; i++)
		if (s->added_vm[i])
			hp_json_str(j, NULL, s->l.cfg.vms[i].name);
	hp_json_end(j);
	json_msgs(j, "messages", s->plan_msgs, s->nr_plan_msgs);
	hp_json_end(j);
}

static void json_vms(struct hp_json *j, const struct status *s)
{
	hp_json_array(j, "vms");
	for (size_t i = 0; s->backed && i < s->back.nr_vms; i++) {
		const struct hp_back_vm *b = &s->back.vms[i];

		hp_json_object(j, NULL);
		hp_json_str(j, "name", b->vp->vm->name);
		hp_json_u64(j, "page_size_kb", b->vp->page_size / 1024);
		hp_json_u64(j, "pages", b->need);
		hp_json_u64(j, "backed", b->got);
		json_nodes(j, "nodes", &s->l.plan, b->node, s->back.per_node);
		hp_json_u64(j, "short_pages", b->short_pages);
		hp_json_u64(j, "short_bytes", b->short_pages * b->vp->page_size);
		hp_json_end(j);
	}
	hp_json_end(j);
}

static int print_json(const struct status *s, int exit_code)
{
	struct hp_json j;
	char *out;
	size_t len;
	int r;

	hp_json_init(&j);
	hp_json_object(&j, NULL);
	hp_json_str(&j, "verdict", exit_code == 0 ? "ok" : exit_code == 1 ? "bad" : "error");
	hp_json_bool(&j, "short", s->is_short);
	hp_json_bool(&j, "stale", s->is_stale);
	hp_json_str(&j, "summary", s->verdict_line);
	hp_json_str(&j, "cmdline", s->host.cmdline);
	json_check(&j, s);
	json_pools(&j, s);
	json_plan(&j, s);
	json_vms(&j, s);
	json_msgs(&j, "vm_messages", s->vm_msgs, s->nr_vm_msgs);
	hp_json_end(&j);
	r = hp_json_finish(&j, &out, &len);
	if (r < 0)
		return r;
	fwrite(out, 1, len, stdout);
	free(out);
	return 0;
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
	       "\nExit status: 0 all good, 1 the pool is short or stale, 2 error.\n\nSee "
	       "hugeplan(8).\n");
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
	hp_kcmdline_simulate(s->host.cmdline, &s->arch, &s->req);

	errpath[0] = '\0';
	r = hp_pools_read(s->o.root, &s->pools, errpath, sizeof(errpath));
	if (r < 0) {
		fprintf(stderr, "%s status: %s%s: %s\n", program_invocation_short_name,
			s->o.root ? s->o.root : "", errpath, strerror(-r));
		s->fatal = true;
		return r;
	}
	r = boot_check(s);
	if (r < 0)
		return r;
	if (!s->planned)
		return 0;

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
	{
		struct hp_avail_set now;

		hp_avail_from_pools(&s->pools, &now);
		r = hp_backing_compute(&s->l.plan, &now, &s->back);
		if (r < 0)
			return r;
		s->backed = true;
	}
	if (s->stale.state == HP_PS_STALE) {
		r = find_added(s);
		if (r < 0)
			return r;
	}
	plan_messages(s);
	vm_messages(s);
	return 0;
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

	r = gather(s);
	if (r < 0) {
		if (!s->fatal)
			fprintf(stderr, "%s status: %s\n", program_invocation_short_name,
				strerror(-r));
		ret = EXIT_USAGE;
		goto out;
	}
	judge(s);
	/* a configuration that cannot be planned is an error, after the pool is shown */
	ret = !s->planned ? EXIT_USAGE : (s->is_short || s->is_stale) ? EXIT_BAD : 0;
	r = 0;
	if (s->o.json)
		r = print_json(s, ret);
	else if (s->boot)
		print_boot(s);
	else
		r = print_human(s);
	if (r < 0 || fflush(stdout) != 0) {
		fprintf(stderr, "%s status: cannot print: %s\n", program_invocation_short_name,
			r < 0 ? strerror(-r) : "write error");
		ret = EXIT_USAGE;
	}
out:
	hp_backing_free(&s->back);
	hp_backing_free(&s->cover);
	free(s->added_vm);
	hp_cli_unload(&s->l);
	free(s);
	return ret;
}
