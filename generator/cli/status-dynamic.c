// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hugeplan status, for the VMs that are not static: a dynamic VM is stopped (no record),
 * starting, or started (its record under /run/hugeplan/vms), and when its QEMU runs (the
 * running guest, libvirt's or Proxmox VE's, that status matched to it: sys/guests.h,
 * core/usage.h) whether its huge page mappings are on its plan's nodes (that guest's
 * /proc/PID/numa_maps); a transparent VM needs nothing but THP. A dynamic Proxmox VM has no
 * record: qemu-server allocates its pages itself.
 */
#include <errno.h>
#include <inttypes.h>
#include <libsmartcols.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/status.h"
#include "cli/table.h"
#include "cli/vm.h"
#include "core/json.h"
#include "core/macro.h"
#include "core/pathnames.h"
#include "core/preflight.h"
#include "core/size.h"
#include "core/usage.h"
#include "sys/path.h"
#include "sys/runtime.h"

/* the running guest of plan VM vi (s->usage.guest_vm), or NULL */
static const struct hp_guest *vm_guest(const struct status *s, size_t vi)
{
	for (size_t g = 0; s->have_usage && g < s->nr_guests; g++)
		if (s->usage.guest_vm[g] == (int)vi)
			return &s->guests[g];
	return NULL;
}

static void dyn_state(const struct status *s, size_t vi, struct hp_status_dyn *d)
{
	const struct hp_vm_plan *vp = d->vp;
	const struct hp_guest *g = vm_guest(s, vi);
	const uint64_t *pages = NULL;
	bool pve = vp->vm->source == HP_SRC_PROXMOX;
	uint64_t need = 0;
	char tok[24];

	hp_size_token(vp->page_size, tok, sizeof(tok));
	d->qemu = g != NULL;
	if (g) {
		d->pid = g->pid;
		for (size_t k = 0; k < s->pools.nr_pools && k < HP_MAX_SIZES; k++)
			if (s->pools.pools[k].size == vp->page_size)
				pages = g->pages[k];
	}
	for (unsigned k = 0; k < HP_MAX_NODES; k++) {
		need += vp->node_pages[k];
		if (pages && vp->node_pages[k])
			d->on_nodes += pages[k] < vp->node_pages[k] ? pages[k] : vp->node_pages[k];
	}
	/* qemu-server allocates a dynamic Proxmox VM's pages itself: no record, none needed */
	if (!d->have_rec && !(pve && d->qemu)) {
		if (d->qemu)
			snprintf(
				d->state, sizeof(d->state),
				"running (pid %ld) without a start record: hugeplan did not raise its pages (is the libvirt hook installed?)",
				d->pid);
		else
			snprintf(d->state, sizeof(d->state), "stopped: its pages are the host's");
		return;
	}
	if (d->have_rec && d->rec.state == HP_REC_STARTING) {
		snprintf(d->state, sizeof(d->state), "starting (hugeplan vm start, pid %ld)",
			 d->rec.pid);
		return;
	}
	if (!d->qemu) {
		uint64_t added = 0;

		for (size_t i = 0; i < d->rec.nr_parts; i++)
			added += d->rec.parts[i].added;
		snprintf(
			d->state, sizeof(d->state),
			"started, but no QEMU of it runs: `hugeplan vm stop %s` gives back the %" PRIu64
			" pages its start added",
			vp->vm->name, added);
		return;
	}
	d->on_pages = d->on_nodes >= need;
	if (d->on_pages)
		snprintf(d->state, sizeof(d->state), "running on its pages (pid %ld)", d->pid);
	else
		snprintf(d->state, sizeof(d->state),
			 "running (pid %ld), but only %" PRIu64 " of its %" PRIu64
			 " %s pages are on its nodes",
			 d->pid, d->on_nodes, need, tok);
}

int hp_status_dynamic(struct status *s)
{
	const struct hp_plan *p = &s->l.plan;
	struct hp_rt_record *recs = NULL;
	size_t n = 0;
	char thp[128] = "", *text, mode[32];
	int lock;

	if (!p->nr_dynamic && !p->nr_transparent)
		return 0;
	lock = hp_rt_lock(s->o.root, 0);
	if (lock >= 0) {
		s->settled = hp_vm_settle(s->o.root, NULL, stderr);
		close(lock);
	}
	if (hp_rt_records(s->o.root, &recs, &n, NULL, 0) == -ENOMEM)
		return -ENOMEM;
	if (hp_read_text(s->o.root, &text, NULL, 4096, HP_P_THP_ENABLED) == 0) {
		if (hp_thp_mode(text, mode, sizeof(mode)) == 0)
			snprintf(thp, sizeof(thp), "%s", mode);
		free(text);
	}
	s->dyn = calloc(p->nr_dynamic + p->nr_transparent, sizeof(*s->dyn));
	if (!s->dyn) {
		free(recs);
		return -ENOMEM;
	}
	for (size_t i = 0; i < p->nr_vms; i++) {
		const struct hp_vm_plan *vp = &p->vms[i];
		struct hp_status_dyn *d;

		if (vp->backing == HP_BACKING_STATIC)
			continue;
		d = &s->dyn[s->nr_dyn++];
		d->vp = vp;
		if (vp->backing == HP_BACKING_TRANSPARENT) {
			if (!strcmp(thp, "never"))
				snprintf(
					d->state, sizeof(d->state),
					"on ordinary memory: THP enabled=never gives it no huge pages (hugeplan check)");
			else
				snprintf(
					d->state, sizeof(d->state),
					"on ordinary memory, huge pages where THP finds them (enabled=%s)",
					thp[0] ? thp : "unknown");
			continue;
		}
		for (size_t k = 0; k < n; k++)
			if (!strcmp(recs[k].vm, vp->vm->name)) {
				d->rec = recs[k];
				d->have_rec = true;
			}
		dyn_state(s, i, d);
	}
	free(recs);
	return 0;
}

static void nodes_text(const struct hp_status_dyn *d, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (unsigned k = 0; k < HP_MAX_NODES && o < len; k++) {
		uint64_t v = d->vp->backing == HP_BACKING_DYNAMIC ? d->vp->node_pages[k] : 0;

		if (v)
			o += (size_t)snprintf(buf + o, len - o, "%s%u:%" PRIu64, o ? " " : "", k,
					      v);
	}
	if (!o)
		snprintf(buf, len, "-");
}

int hp_status_print_dynamic(const struct status *s)
{
	// clang-format off
	static const struct hp_column cols[] = {
		{ "VM", 0 }, { "BACKING", 0 }, { "PAGESIZE", SCOLS_FL_RIGHT },
		{ "PAGES", SCOLS_FL_RIGHT }, { "NODES", 0 }, { "STATE", 0 },
	};
	// clang-format on
	struct libscols_table *t;

	if (!s->nr_dyn)
		return 0;
	t = hp_table_new(NULL, cols, ARRAY_SIZE(cols));
	if (!t)
		return -ENOMEM;
	printf("\nDynamic and transparent VMs (their pages come and go with them):\n");
	for (size_t i = 0; i < s->nr_dyn; i++) {
		const struct hp_status_dyn *d = &s->dyn[i];
		struct libscols_line *ln = scols_table_new_line(t, NULL);
		char buf[300];

		if (!ln)
			break;
		scols_line_set_data(ln, 0, d->vp->vm->name);
		scols_line_set_data(ln, 1, hp_backing_name(d->vp->backing));
		if (d->vp->backing == HP_BACKING_DYNAMIC) {
			hp_cell_page(ln, 2, d->vp->page_size);
			hp_cell_u64(ln, 3, d->vp->pages);
		} else {
			scols_line_set_data(ln, 2, "-");
			scols_line_set_data(ln, 3, "-");
		}
		nodes_text(d, buf, sizeof(buf));
		scols_line_set_data(ln, 4, buf);
		scols_line_set_data(ln, 5, d->state);
	}
	scols_print_table(t);
	scols_unref_table(t);
	return 0;
}

void hp_status_json_dynamic(struct hp_json *j, const struct status *s)
{
	hp_json_array(j, "backings");
	for (size_t i = 0; i < s->nr_dyn; i++) {
		const struct hp_status_dyn *d = &s->dyn[i];
		bool dyn = d->vp->backing == HP_BACKING_DYNAMIC;

		hp_json_object(j, NULL);
		hp_json_str(j, "name", d->vp->vm->name);
		hp_json_str(j, "backing", hp_backing_name(d->vp->backing));
		hp_json_str(j, "record",
			    !dyn			     ? NULL
			    : !d->have_rec		     ? "none"
			    : d->rec.state == HP_REC_STARTED ? "started"
							     : "starting");
		hp_json_bool(j, "running", d->qemu);
		hp_json_bool(j, "on_its_pages", d->on_pages);
		hp_json_u64(j, "pages", dyn ? d->vp->pages : 0);
		hp_json_u64(j, "pages_on_its_nodes", d->on_nodes);
		hp_json_str(j, "state", d->state);
		hp_json_end(j);
	}
	hp_json_end(j);
}
