// SPDX-License-Identifier: GPL-2.0-or-later
/* hugeplan status: the text for people, the lines for the journal (--boot), the JSON. */
#include <errno.h>
#include <inttypes.h>
#include <libsmartcols.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/status.h"
#include "cli/table.h"
#include "core/bootreport.h"
#include "core/json.h"
#include "core/macro.h"
#include "core/size.h"
#include "sys/path.h"

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

static int print_pools(const struct status *s)
{
	// clang-format off
	static const struct hp_column cols[] = {
		{ "SIZE", 0 }, { "NODE", 0 }, { "TOTAL", SCOLS_FL_RIGHT }, { "FREE", SCOLS_FL_RIGHT },
		{ "RESV", SCOLS_FL_RIGHT }, { "SURPLUS", SCOLS_FL_RIGHT },
	};
	// clang-format on
	struct libscols_table *t = hp_table_new(NULL, cols, ARRAY_SIZE(cols));

	if (!t)
		return -ENOMEM;
	for (size_t i = 0; i < s->pools.nr_pools; i++) {
		const struct hp_pool *p = &s->pools.pools[i];
		struct libscols_line *ln = scols_table_new_line(t, NULL);

		if (!ln)
			break;
		hp_cell_page(ln, 0, p->size);
		scols_line_set_data(ln, 1, "all");
		hp_cell_u64(ln, 2, p->nr);
		hp_cell_u64(ln, 3, p->free);
		hp_cell_u64(ln, 4, p->resv);
		hp_cell_u64(ln, 5, p->surplus);
		for (size_t k = 0; s->pools.numa_sysfs && k < p->nr_nodes; k++) {
			const struct hp_pool_node *n = &p->nodes[k];

			ln = scols_table_new_line(t, NULL);
			if (!ln)
				break;
			hp_cell_page(ln, 0, p->size);
			hp_cell_u64(ln, 1, n->id);
			hp_cell_u64(ln, 2, n->nr);
			hp_cell_u64(ln, 3, n->free);
			scols_line_set_data(ln, 4, "-"); /* sysfs keeps no per-node count */
			hp_cell_u64(ln, 5, n->surplus);
		}
	}
	if (s->pools.nr_pools)
		scols_print_table(t);
	else
		printf("  no huge page sizes (%s is missing)\n", HP_P_HUGEPAGES);
	scols_unref_table(t);
	return 0;
}

/* the nodes of a pool as sysfs lists them (node 0 alone without NUMA in sysfs) */
static size_t pool_nodes(const struct hp_pool *p, unsigned *ids)
{
	if (!p->nr_nodes) {
		ids[0] = 0;
		return 1;
	}
	for (size_t k = 0; k < p->nr_nodes; k++)
		ids[k] = p->nodes[k].id;
	return p->nr_nodes;
}

static void usage_cells(struct libscols_line *ln, const struct hp_usage_cell *c)
{
	hp_cell_u64(ln, 2, c->reserved);
	hp_cell_u64(ln, 3, c->in_use);
	hp_cell_u64(ln, 4, c->by_guests);
	hp_cell_u64(ln, 5, c->unattributed);
	hp_cell_u64(ln, 6, c->free);
	hp_cell_u64(ln, 7, c->held);
	hp_cell_u64(ln, 8, c->unplanned);
}

/* who uses the pool: core/usage.h */
static int print_usage(const struct status *s)
{
	// clang-format off
	static const struct hp_column cols[] = {
		{ "SIZE", 0 }, { "NODE", 0 }, { "RESERVED", SCOLS_FL_RIGHT },
		{ "IN_USE", SCOLS_FL_RIGHT }, { "GUESTS", SCOLS_FL_RIGHT }, { "OTHER", SCOLS_FL_RIGHT },
		{ "FREE", SCOLS_FL_RIGHT }, { "HELD", SCOLS_FL_RIGHT }, { "UNPLANNED", SCOLS_FL_RIGHT },
	};
	// clang-format on
	struct libscols_table *t = hp_table_new(NULL, cols, ARRAY_SIZE(cols));
	unsigned ids[HP_MAX_NODES];

	if (!t)
		return -ENOMEM;
	for (size_t i = 0; i < s->pools.nr_pools; i++) {
		const struct hp_pool *p = &s->pools.pools[i];
		size_t nn = pool_nodes(p, ids);
		struct libscols_line *ln;

		if (!p->nr)
			continue;
		ln = scols_table_new_line(t, NULL);
		if (!ln)
			break;
		hp_cell_page(ln, 0, p->size);
		scols_line_set_data(ln, 1, "all");
		usage_cells(ln, &s->usage.total[i]);
		for (size_t k = 0; s->pools.numa_sysfs && k < nn; k++) {
			ln = scols_table_new_line(t, NULL);
			if (!ln)
				break;
			hp_cell_page(ln, 0, p->size);
			hp_cell_u64(ln, 1, ids[k]);
			usage_cells(ln, &s->usage.cell[i][ids[k]]);
		}
	}
	scols_print_table(t);
	scols_unref_table(t);
	return 0;
}

/* "2M 0:64 1:10, 1G 0:1": what a guest maps, per size and node */
static void guest_pages(const struct status *s, const struct hp_guest *g, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < s->pools.nr_pools && o < len; i++) {
		char sz[24];

		if (!hp_guest_pages(g, i))
			continue;
		hp_size_token(s->pools.pools[i].size, sz, sizeof(sz));
		o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? ", " : "", sz);
		for (unsigned k = 0; k < HP_MAX_NODES && o < len; k++)
			if (g->pages[i][k])
				o += (size_t)snprintf(buf + o, len - o, " %u:%" PRIu64, k,
						      g->pages[i][k]);
	}
	if (!o)
		snprintf(buf, len, "none");
}

static int print_guests(const struct status *s)
{
	// clang-format off
	static const struct hp_column cols[] = {
		{ "GUEST", 0 }, { "PID", SCOLS_FL_RIGHT }, { "SOURCE", 0 }, { "PLANNED", 0 },
		{ "HUGE PAGES", 0 },
	};
	// clang-format on
	struct libscols_table *t = hp_table_new(NULL, cols, ARRAY_SIZE(cols));

	if (!t)
		return -ENOMEM;
	for (size_t g = 0; g < s->nr_guests; g++) {
		struct libscols_line *ln = scols_table_new_line(t, NULL);
		char buf[600], esc[HP_GUEST_NAME_MAX * 4];

		if (!ln)
			break;
		hp_escape(esc, sizeof(esc), s->guests[g].name);
		scols_line_set_data(ln, 0, esc);
		snprintf(buf, sizeof(buf), "%ld", s->guests[g].pid);
		scols_line_set_data(ln, 1, buf);
		if (s->guests[g].source == HP_SRC_PROXMOX)
			snprintf(buf, sizeof(buf), "proxmox %s", s->guests[g].vmid);
		else
			snprintf(buf, sizeof(buf), "libvirt");
		scols_line_set_data(ln, 2, buf);
		scols_line_set_data(ln, 3, s->usage.guest_vm[g] >= 0 ? "yes" : "no");
		guest_pages(s, &s->guests[g], buf, sizeof(buf));
		scols_line_set_data(ln, 4, buf);
	}
	scols_print_table(t);
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

/* whether a planned VM comes from libvirt or Proxmox: then each VM names its source and file */
static bool any_imported(const struct status *s)
{
	for (size_t i = 0; i < s->back.nr_vms; i++)
		if (s->back.vms[i].vp->vm->source != HP_SRC_FILES)
			return true;
	return false;
}

static int print_vms(const struct status *s)
{
	// clang-format off
	static const struct hp_column cols[] = {
		{ "VM", 0 }, { "PAGESIZE", SCOLS_FL_RIGHT }, { "PAGES", SCOLS_FL_RIGHT },
		{ "NODES", 0 }, { "SHORT", 0 },
	};
	// clang-format on
	struct libscols_table *t = hp_table_new(NULL, cols, ARRAY_SIZE(cols));
	bool imported = any_imported(s);

	if (!t)
		return -ENOMEM;
	if (imported) {
		scols_table_new_column(t, "SOURCE", 0, 0);
		scols_table_new_column(t, "FILE", 0, 0);
	}
	for (size_t i = 0; i < s->back.nr_vms; i++) {
		const struct hp_back_vm *b = &s->back.vms[i];
		struct libscols_line *ln = scols_table_new_line(t, NULL);
		char buf[300], h[32];

		if (!ln)
			break;
		scols_line_set_data(ln, 0, b->vp->vm->name);
		hp_cell_page(ln, 1, b->vp->page_size);
		hp_cell_u64(ln, 2, b->need);
		vm_nodes(s, b, buf, sizeof(buf));
		scols_line_set_data(ln, 3, buf);
		if (b->short_pages) {
			hp_size_human(b->short_bytes, h, sizeof(h));
			snprintf(buf, sizeof(buf), "%" PRIu64 " (%s)", b->short_pages, h);
		} else {
			snprintf(buf, sizeof(buf), "-");
		}
		scols_line_set_data(ln, 4, buf);
		if (imported) {
			scols_line_set_data(ln, 5, hp_source_name(b->vp->vm->source));
			hp_escape(buf, sizeof(buf), b->vp->vm->loc.file ? b->vp->vm->loc.file : "");
			scols_line_set_data(ln, 6, buf);
		}
	}
	scols_print_table(t);
	scols_unref_table(t);
	return 0;
}

int hp_status_print_human(const struct status *s)
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
	if (s->have_usage && s->pools.nr_pools) {
		printf("\nWho uses the pool (pages; GUESTS: what running guests map, OTHER: in use by\n"
		       "no guest seen; HELD: free pages planned VMs that are not running are given):\n");
		if (print_usage(s) < 0)
			return -ENOMEM;
	}
	if (s->nr_guests) {
		printf("\nRunning guests (libvirt's %s, Proxmox VE's %s; their QEMU's numa_maps):\n",
		       HP_P_LIBVIRT_QEMU_RUN, HP_P_PVE_RUN);
		if (print_guests(s) < 0)
			return -ENOMEM;
	}
	if (s->guests_note[0])
		printf("  not read: %s\n", s->guests_note);
	if (s->planned) {
		printf("\nPlan:\n");
		print_msgs(s, s->plan_msgs, s->nr_plan_msgs, 7);
	}
	if (s->backed && s->back.nr_vms) {
		printf("\nVMs (configuration order; a running one: the pages it maps; the others: from the pool\n"
		       "less what running guests map):\n");
		if (print_vms(s) < 0)
			return -ENOMEM;
		print_msgs(s, s->vm_msgs, s->nr_vm_msgs, 7);
	}
	if (hp_status_print_dynamic(s) < 0)
		return -ENOMEM;
	printf("\nVerdict: %s\n", s->verdict_line);
	return 0;
}

void hp_status_print_boot(const struct status *s)
{
	bool bad = s->is_short || s->is_stale;

	printf("<%d>%s\n", bad ? PRIO_ERR : PRIO_INFO, s->verdict_line);
	if (!s->planned && s->config_err.msg[0]) {
		const struct hp_diag *d = &s->config_err;
		char where[600] = "";

		if (d->file[0] && d->line)
			snprintf(where, sizeof(where), "%s:%u: ", d->file, d->line);
		else if (d->file[0])
			snprintf(where, sizeof(where), "%s: ", d->file);
		printf("<%d>the configuration cannot be planned (%s%s): only the pool is judged, against this boot's command line; fix it and run `hugeplan status`\n",
		       PRIO_ERR, where, d->msg);
	}
	if (s->verdict.status == HP_V_SHORT) {
		printf("<%d>early-boot check (%s):\n", PRIO_WARN,
		       s->from_report ? HP_P_BOOT_REPORT : "now");
		print_summary(s, PRIO_WARN);
	}
	print_msgs(s, s->plan_msgs, s->nr_plan_msgs, s->is_stale ? PRIO_INFO : PRIO_WARN);
	print_msgs(s, s->vm_msgs, s->nr_vm_msgs, PRIO_ERR);
	if (s->is_stale && !hp_status_gate_closed(s))
		printf("<%d>the pool meets this boot's own entry, so the VM managers are not held back (Strict= holds them only on a pool short of it); today's plan takes effect after `hugeplan apply` and a reboot\n",
		       PRIO_ERR);
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
	hp_json_object(j, "boot_check");
	hp_json_str(j, "source", s->from_report ? "report" : "now");
	hp_json_str(j, "report", s->from_report ? HP_P_BOOT_REPORT : NULL);
	hp_json_str(j, "note", s->from_report ? NULL : s->check_note);
	hp_verdict_json(j, &s->verdict,
			s->from_report ? s->info.default_size : s->req.default_size);
	hp_json_str(j, "kmsg", s->kmsg_state);
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

static void json_rec_pages(struct hp_json *j, const char *key, const struct hp_recs *r,
			   const struct hp_vm_rec *v)
{
	if (!v) {
		hp_json_str(j, key, NULL);
		return;
	}
	hp_json_array(j, key);
	for (size_t k = 0; k < v->nr_parts; k++) {
		const struct hp_rec_part *p = &r->parts[v->first + k];

		hp_json_object(j, NULL);
		hp_json_u64(j, "page_size_kb", p->size / 1024);
		if (p->node < 0)
			hp_json_str(j, "node", NULL);
		else
			hp_json_u64(j, "node", (uint64_t)p->node);
		hp_json_u64(j, "pages", p->pages);
		hp_json_end(j);
	}
	hp_json_end(j);
}

/* what changed per VM since this boot's entry; null when apply kept no record of its plan */
static void json_changes(struct hp_json *j, const struct status *s)
{
	if (!s->changes_known) {
		hp_json_str(j, "changes", NULL);
		return;
	}
	hp_json_array(j, "changes");
	for (size_t i = 0; i < s->changes.changes.nr; i++) {
		const struct hp_vm_change *c = &s->changes.changes.v[i];
		const struct hp_vm_rec *r = c->after ? c->after : c->before;
		const struct hp_vm *vm = hp_cli_changes_vm(&s->changes, c);

		hp_json_object(j, NULL);
		hp_json_str(j, "name", r->name);
		hp_json_array(j, "change");
		for (unsigned bit = 1; bit <= HP_CHG_LAST; bit <<= 1)
			if (c->what & bit)
				hp_json_str(j, NULL, hp_change_name(bit));
		hp_json_end(j);
		hp_json_str(j, "source", hp_source_name(r->source));
		hp_json_str(j, "file", vm ? vm->loc.file : r->file);
		if (c->before)
			hp_json_u64(j, "before_bytes", c->before_bytes);
		else
			hp_json_str(j, "before_bytes", NULL);
		if (c->after)
			hp_json_u64(j, "after_bytes", c->after_bytes);
		else
			hp_json_str(j, "after_bytes", NULL);
		json_rec_pages(j, "before", s->changes.before, c->before);
		json_rec_pages(j, "after", &s->today_recs, c->after);
		hp_json_end(j);
	}
	hp_json_end(j);
}

static void json_cell(struct hp_json *j, const struct hp_usage_cell *c)
{
	hp_json_u64(j, "reserved", c->reserved);
	hp_json_u64(j, "free", c->free);
	hp_json_u64(j, "in_use", c->in_use);
	hp_json_u64(j, "held", c->held);
	hp_json_u64(j, "unplanned", c->unplanned);
	hp_json_u64(j, "by_guests", c->by_guests);
	hp_json_u64(j, "unattributed", c->unattributed);
}

/* "usage": who uses the pool per size and node; "guests": each running guest's pages */
static void json_usage(struct hp_json *j, const struct status *s)
{
	unsigned ids[HP_MAX_NODES];

	hp_json_array(j, "usage");
	for (size_t i = 0; s->have_usage && i < s->pools.nr_pools; i++) {
		const struct hp_pool *p = &s->pools.pools[i];
		size_t nn = pool_nodes(p, ids);

		hp_json_object(j, NULL);
		hp_json_u64(j, "page_size_kb", p->size / 1024);
		json_cell(j, &s->usage.total[i]);
		hp_json_array(j, "nodes");
		for (size_t k = 0; k < nn; k++) {
			hp_json_object(j, NULL);
			hp_json_u64(j, "node", ids[k]);
			json_cell(j, &s->usage.cell[i][ids[k]]);
			hp_json_end(j);
		}
		hp_json_end(j);
		hp_json_end(j);
	}
	hp_json_end(j);
	hp_json_array(j, "guests");
	for (size_t g = 0; g < s->nr_guests; g++) {
		const struct hp_guest *gu = &s->guests[g];

		hp_json_object(j, NULL);
		hp_json_str(j, "name", gu->name);
		hp_json_i64(j, "pid", gu->pid);
		hp_json_str(j, "source", hp_source_name(gu->source));
		if (gu->source == HP_SRC_PROXMOX)
			hp_json_u64(j, "vmid", strtoull(gu->vmid, NULL, 10));
		else
			hp_json_str(j, "vmid", NULL);
		hp_json_bool(j, "planned", s->usage.guest_vm[g] >= 0);
		hp_json_array(j, "pages");
		for (size_t i = 0; i < s->pools.nr_pools; i++)
			for (unsigned k = 0; k < HP_MAX_NODES; k++) {
				if (!gu->pages[i][k])
					continue;
				hp_json_object(j, NULL);
				hp_json_u64(j, "page_size_kb", s->pools.pools[i].size / 1024);
				hp_json_u64(j, "node", k);
				hp_json_u64(j, "pages", gu->pages[i][k]);
				hp_json_end(j);
			}
		hp_json_end(j);
		hp_json_end(j);
	}
	hp_json_end(j);
	hp_json_str(j, "guests_note", s->guests_note[0] ? s->guests_note : NULL);
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
	for (size_t i = 0; i < s->changes.changes.nr; i++)
		if (s->changes.changes.v[i].what & HP_CHG_ADDED)
			hp_json_str(j, NULL, s->changes.changes.v[i].after->name);
	hp_json_end(j);
	json_changes(j, s);
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
		hp_json_str(j, "source", hp_source_name(b->vp->vm->source));
		hp_json_str(j, "file", b->vp->vm->loc.file);
		hp_json_u64(j, "page_size_kb", b->vp->page_size / 1024);
		hp_json_u64(j, "pages", b->need);
		hp_json_u64(j, "backed", b->got);
		json_nodes(j, "nodes", &s->l.plan, b->node, s->back.per_node);
		hp_json_u64(j, "short_pages", b->short_pages);
		hp_json_u64(j, "short_bytes", b->short_bytes);
		hp_json_end(j);
	}
	hp_json_end(j);
}

int hp_status_print_json(const struct status *s, int exit_code)
{
	struct hp_json j;

	hp_json_init(&j);
	hp_json_object(&j, NULL);
	hp_json_u64(&j, "schema", HP_VERDICT_SCHEMA);
	hp_json_str(&j, "verdict",
		    exit_code == 0				     ? "ok"
		    : exit_code == 1 || exit_code == EXIT_STALE_BOOT ? "bad"
								     : "error");
	hp_json_bool(&j, "short", s->is_short);
	hp_json_bool(&j, "stale", s->is_stale);
	hp_json_str(&j, "summary", s->verdict_line);
	hp_json_str(&j, "cmdline", s->host.cmdline);
	json_check(&j, s);
	json_pools(&j, s);
	json_usage(&j, s);
	json_plan(&j, s);
	json_vms(&j, s);
	hp_status_json_dynamic(&j, s);
	json_msgs(&j, "vm_messages", s->vm_msgs, s->nr_vm_msgs);
	hp_json_end(&j);
	return hp_cli_json_print(&j);
}
