// SPDX-License-Identifier: GPL-2.0-or-later
/* hugeplan plan, hugeplan cmdline */
#include <getopt.h>
#include <inttypes.h>
#include <libsmartcols.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/table.h"
#include "core/json.h"
#include "core/macro.h"
#include "core/size.h"
#include "sources/sources.h"

static void node_list(uint64_t mask, char *buf, size_t len)
{
	size_t o = 0;

	if (!mask) {
		snprintf(buf, len, "any");
		return;
	}
	buf[0] = '\0';
	for (unsigned i = 0; i < HP_MAX_NODES && o < len; i++)
		if ((mask >> i) & 1)
			o += (size_t)snprintf(buf + o, len - o, "%s%u", o ? "," : "", i);
}

/*
 * The nodes a VM is pinned to as the plan keeps them: its Node= in the per-node form, and on a
 * one-node host too (pinned to the only node is still pinned: it was shown as "any"); only the
 * balanced form of a multi-node host before 5.16 (--balanced) loses the pinning.
 */
static uint64_t pinned_nodes(const struct hp_plan *p, const struct hp_vm_plan *v)
{
	if (p->node_form)
		return v->nodes;
	return p->nr_nodes == 1 ? v->vm->nodes : 0;
}

/* "1G", or "1G+2M" for a VM on several sizes */
static void page_sizes(const struct hp_vm_plan *v, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = v->nr_parts; i-- > 0 && o < len;) {
		char t[24];

		if (i + 1 < v->nr_parts && v->parts[i + 1].size == v->parts[i].size)
			continue;
		hp_size_token(v->parts[i].size, t, sizeof(t));
		o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? "+" : "", t);
	}
	if (!o)
		hp_size_token(v->page_size, buf, len);
}

static void override_keys(unsigned k, char *buf, size_t len)
{
	static const char *const names[] = { "Memory=",	 "PageSize=",	 "Node=",   "Instances=",
					     "Enabled=", "Passthrough=", "Backing=" };
	size_t o = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < ARRAY_SIZE(names) && o < len; i++)
		if (k & (1U << i))
			o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? " " : "", names[i]);
}

/*
 * which setting decided a VM's backing: an override's or its vms.d file's Backing=, a libvirt
 * domain's <metadata><hugeplan:backing>, or DefaultBacking=; "definition": not on huge pages
 */
static const char *backing_from(const struct hp_vm *v)
{
	if (v->not_huge)
		return "definition";
	if (!v->backing_set)
		return "default";
	if (v->source == HP_SRC_FILES)
		return "vms.d";
	return (v->override_keys & HP_KEY_BACKING) ? "override" : "metadata";
}

/* where each VM comes from, overrides, notes, and the VMs read but not on huge pages */
static void print_sources(const struct hp_loaded *l)
{
	size_t plain = 0;
	char src[64];

	hp_sources_text(l->sources, src, sizeof(src));
	printf("\nSources: %s\n", src);
	for (size_t i = 0; i < l->cfg.nr_vms; i++) {
		const struct hp_vm *v = &l->cfg.vms[i];
		char keys[96], file[1024];

		if (v->not_huge) {
			plain++;
			continue;
		}
		/* file names are the host's: shown as printable ASCII, like any message */
		hp_escape(file, sizeof(file), v->loc.file ? v->loc.file : "");
		printf("  %s: %s %s", v->name, hp_source_name(v->source), file);
		if (v->override) {
			override_keys(v->override_keys, keys, sizeof(keys));
			hp_escape(file, sizeof(file), v->override);
			printf(", with %s from %s", keys, file);
		}
		if (v->backing_set && !strcmp(backing_from(v), "metadata"))
			printf(", Backing=%s from its <metadata> (line %u)",
			       hp_backing_name(v->backing), v->backing_loc.line);
		if (!v->enabled)
			printf(" (Enabled=no: not planned)");
		printf("\n");
		if (v->note[0])
			printf("    note: %s\n", v->note);
	}
	if (!plain)
		return;
	printf("Not on huge pages (no pages planned, ordinary memory in the budget):");
	for (size_t i = 0, k = 0; i < l->cfg.nr_vms; i++) {
		const struct hp_vm *v = &l->cfg.vms[i];
		char h[24];

		if (!v->not_huge)
			continue;
		hp_size_human(v->plain_memory, h, sizeof(h));
		printf("%s %s (%s, %s)", k++ ? "," : "", v->name, hp_source_name(v->source), h);
	}
	printf("\n");
}

/* one VM's record: name, source, file, pages per size and node (null: any node) */
static void json_vm(struct hp_json *j, const struct hp_vm *vm, const struct hp_vm_plan *v,
		    const struct hp_plan *p, const struct hp_loc *default_loc)
{
	const struct hp_loc *at = vm->backing_set ? &vm->backing_loc : default_loc;
	char keys[96], where[1100] = "";

	hp_json_object(j, NULL);
	hp_json_str(j, "name", vm->name);
	hp_json_str(j, "source", hp_source_name(vm->source));
	hp_json_str(j, "file", vm->loc.file);
	hp_json_str(j, "source_id", vm->source_id);
	hp_json_bool(j, "planned", v != NULL);
	hp_json_bool(j, "huge_pages", !vm->not_huge);
	hp_json_bool(j, "enabled", vm->enabled);
	hp_json_str(j, "override", vm->override ? vm->override : "");
	override_keys(vm->override_keys, keys, sizeof(keys));
	hp_json_str(j, "override_keys", keys);
	hp_json_u64(j, "memory", vm->memory);
	hp_json_u64(j, "plain_memory", vm->plain_memory);
	hp_json_u64(j, "instances", vm->instances);
	if (v) {
		hp_json_u64(j, "page_size_kb", v->page_size / 1024);
		hp_json_u64(j, "total_pages", v->pages);
		hp_json_u64(j, "rounding_loss", v->loss);
	}
	hp_json_array(j, "nodes");
	for (unsigned k = 0; v && k < HP_MAX_NODES; k++)
		if ((pinned_nodes(p, v) >> k) & 1)
			hp_json_u64(j, NULL, k);
	hp_json_end(j);
	hp_json_str(j, "backing", hp_backing_name(vm->backing));
	/* which setting decided it, and where ("" for the built-in default) */
	hp_json_str(j, "backing_from", backing_from(vm));
	if (at->file && !vm->not_huge)
		snprintf(where, sizeof(where), "%s:%u", at->file, at->line);
	hp_json_str(j, "backing_at", where);
	/* dynamic: the pages vm start raises per node; transparent: its ordinary memory */
	hp_json_array(j, "node_pages");
	for (size_t k = 0; v && k < p->nr_nodes && v->backing == HP_BACKING_DYNAMIC; k++) {
		hp_json_object(j, NULL);
		hp_json_u64(j, "node", p->nodes[k].id);
		hp_json_u64(j, "pages", v->node_pages[p->nodes[k].id]);
		hp_json_end(j);
	}
	hp_json_end(j);
	hp_json_array(j, "node_bytes");
	for (size_t k = 0; v && k < p->nr_nodes && v->backing == HP_BACKING_TRANSPARENT; k++) {
		hp_json_object(j, NULL);
		hp_json_u64(j, "node", p->nodes[k].id);
		hp_json_u64(j, "bytes", v->node_bytes[p->nodes[k].id]);
		hp_json_end(j);
	}
	hp_json_end(j);
	hp_json_array(j, "pages");
	for (size_t i = 0; v && i < v->nr_parts; i++) {
		const struct hp_vm_pages *q = &v->parts[i];
		uint64_t n = q->pages;

		/* one record per size and node: a preferred part beside a bound one is summed */
		if (i && v->parts[i - 1].size == q->size && v->parts[i - 1].node == q->node)
			continue;
		for (size_t k = i + 1; k < v->nr_parts; k++)
			if (v->parts[k].size == q->size && v->parts[k].node == q->node)
				n += v->parts[k].pages;
		hp_json_object(j, NULL);
		hp_json_u64(j, "page_size_kb", q->size / 1024);
		if (q->node >= 0)
			hp_json_u64(j, "node", (uint64_t)q->node);
		else
			hp_json_str(j, "node", NULL);
		hp_json_u64(j, "pages", n);
		hp_json_end(j);
	}
	hp_json_end(j);
	hp_json_array(j, "backends");
	for (size_t i = 0; i < vm->nr_backends; i++) {
		const struct hp_backend *b = &vm->backends[i];

		hp_json_object(j, NULL);
		hp_json_str(j, "id", b->id);
		hp_json_u64(j, "bytes", b->bytes);
		hp_json_u64(j, "page_size_kb",
			    b->page_rule == HP_PAGE_FIXED ? b->page_size / 1024 : 0);
		hp_json_str(j, "policy", hp_policy_name(b->policy));
		hp_json_array(j, "host_nodes");
		for (unsigned k = 0; k < HP_MAX_NODES; k++)
			if ((b->nodes >> k) & 1)
				hp_json_u64(j, NULL, k);
		hp_json_end(j);
		hp_json_end(j);
	}
	hp_json_end(j);
	if (vm->note[0])
		hp_json_str(j, "note", vm->note);
	hp_json_end(j);
}

#define BAR_WIDTH 60

/*
 * One bar per node on a terminal: static pool S, vmemmap v, dynamic peak D, ordinary VM
 * memory O, reserve R, left . (over the width: the node does not fit, the bar ends in !).
 */
static void print_bars(const struct hp_plan *p)
{
	printf("\n");
	for (size_t k = 0; k < p->nr_nodes; k++) {
		const struct hp_node_plan *np = &p->nodes[k];
		const uint64_t part[] = { np->pool, np->vmemmap + np->dynamic_vmemmap, np->dynamic,
					  np->ordinary, np->reserve };
		static const char mark[] = "SvDOR";
		char bar[BAR_WIDTH + 2], mt[24];
		double scale = np->mem_total ? (double)BAR_WIDTH / (double)np->mem_total : 0;
		double at = 0;
		size_t o = 0;

		for (size_t i = 0; i < ARRAY_SIZE(part); i++) {
			size_t to;

			at += (double)part[i] * scale;
			to = at > BAR_WIDTH ? BAR_WIDTH : (size_t)(at + 0.5);
			/* a part that is there shows, however small */
			if (part[i] && to <= o && o < BAR_WIDTH)
				to = o + 1;
			while (o < to)
				bar[o++] = mark[i];
		}
		while (o < BAR_WIDTH)
			bar[o++] = '.';
		bar[o] = '\0';
		hp_size_human(np->mem_total, mt, sizeof(mt));
		printf("node %-3u [%s]%s %s\n", np->id, bar, np->ok ? " " : "!", mt);
	}
	printf("         S static pool  v vmemmap  D dynamic peak  O ordinary VM memory  R reserve  . left\n");
}

/* a dynamic VM's nodes with its pages: "1" or "0:512,1:512" */
static void dyn_nodes(const struct hp_plan *p, const struct hp_vm_plan *v, char *buf, size_t len)
{
	size_t o = 0, k = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < HP_MAX_NODES; i++)
		k += v->node_pages[i] != 0;
	for (unsigned i = 0; i < HP_MAX_NODES && o < len; i++) {
		if (!v->node_pages[i])
			continue;
		if (k == 1)
			o += (size_t)snprintf(buf + o, len - o, "%u", i);
		else
			o += (size_t)snprintf(buf + o, len - o, "%s%u:%" PRIu64, o ? "," : "", i,
					      v->node_pages[i]);
	}
	(void)p;
}

static void cell_left(struct libscols_line *ln, size_t col, int64_t left, bool bytes)
{
	char neg[40];

	if (left >= 0) {
		hp_cell_size(ln, col, (uint64_t)left, bytes);
		return;
	}
	hp_cell_size(ln, col, (uint64_t)(-(left + 1)) + 1, bytes);
	snprintf(neg, sizeof(neg), "-%s", scols_cell_get_data(scols_line_get_cell(ln, col)));
	scols_line_set_data(ln, col, neg);
}

/*
 * The budget per node, once a VM is dynamic or transparent: the static pool, its vmemmap,
 * the dynamic peak (with its vmemmap), the ordinary memory, the reserve and what is left.
 */
static int print_budget(const struct hp_cli *o, const struct hp_plan *p,
			const struct hp_column *cols, size_t ncols)
{
	struct libscols_table *t = hp_table_new("budget", cols, ncols);

	if (!t)
		return -1;
	for (size_t k = 0; k < p->nr_nodes; k++) {
		const struct hp_node_plan *np = &p->nodes[k];
		struct libscols_line *ln = scols_table_new_line(t, NULL);

		if (!ln)
			break;
		hp_cell_u64(ln, 0, np->id);
		hp_cell_size(ln, 1, np->mem_total, o->bytes);
		hp_cell_size(ln, 2, np->pool, o->bytes);
		hp_cell_size(ln, 3, np->vmemmap + np->dynamic_vmemmap, o->bytes);
		hp_cell_size(ln, 4, np->dynamic, o->bytes);
		hp_cell_size(ln, 5, np->ordinary, o->bytes);
		hp_cell_size(ln, 6, np->reserve, o->bytes);
		cell_left(ln, 7, np->left - (int64_t)np->reserve, o->bytes);
		scols_line_set_data(ln, 8, np->ok ? "yes" : "NO");
	}
	if (p->dynamic_peak)
		printf("Budget per node (DYNAMIC: the %u dynamic VM%s with most memory on the node at once; LEFT: after the reserve):\n",
		       p->dynamic_peak, p->dynamic_peak == 1 ? "" : "s");
	else
		printf("Budget per node (DYNAMIC: every dynamic VM at once; LEFT: after the reserve):\n");
	scols_print_table(t);
	scols_unref_table(t);
	if (isatty(STDOUT_FILENO))
		print_bars(p);
	return 0;
}

static int print_human(const struct hp_cli *o, const struct hp_loaded *l)
{
	// clang-format off
	static const struct hp_column vm_cols[] = {
		{ "VM", 0 }, { "MEMORY", SCOLS_FL_RIGHT }, { "PAGESIZE", SCOLS_FL_RIGHT },
		{ "INSTANCES", SCOLS_FL_RIGHT }, { "PAGES", SCOLS_FL_RIGHT },
		{ "NODES", SCOLS_FL_RIGHT }, { "ROUNDING", SCOLS_FL_RIGHT },
	};
	static const struct hp_column pool_cols[] = {
		{ "PAGESIZE", 0 }, { "NODE", SCOLS_FL_RIGHT }, { "PAGES", SCOLS_FL_RIGHT },
		{ "BYTES", SCOLS_FL_RIGHT },
	};
	static const struct hp_column node_cols[] = {
		{ "NODE", 0 }, { "MEMTOTAL", SCOLS_FL_RIGHT }, { "POOL", SCOLS_FL_RIGHT },
		{ "VMEMMAP", SCOLS_FL_RIGHT }, { "LEFT", SCOLS_FL_RIGHT },
		{ "RESERVE", SCOLS_FL_RIGHT }, { "FITS", SCOLS_FL_RIGHT },
	};
	static const struct hp_column budget_cols[] = {
		{ "NODE", 0 }, { "MEMTOTAL", SCOLS_FL_RIGHT }, { "STATIC", SCOLS_FL_RIGHT },
		{ "VMEMMAP", SCOLS_FL_RIGHT }, { "DYNAMIC", SCOLS_FL_RIGHT },
		{ "ORDINARY", SCOLS_FL_RIGHT }, { "RESERVE", SCOLS_FL_RIGHT },
		{ "LEFT", SCOLS_FL_RIGHT }, { "FITS", SCOLS_FL_RIGHT },
	};
	// clang-format on
	const struct hp_plan *p = &l->plan;
	bool mixed = p->nr_dynamic || p->nr_transparent;
	struct libscols_table *t;
	char buf[64];
	bool imported = false;

	for (size_t i = 0; i < l->cfg.nr_vms; i++)
		imported = imported || l->cfg.vms[i].source != HP_SRC_FILES;
	printf("Host: %zu node%s, MemTotal ", l->host.nr_nodes, l->host.nr_nodes == 1 ? "" : "s");
	hp_size_human(l->host.mem_total, buf, sizeof(buf));
	printf("%s, kernel %s, huge page sizes:", buf,
	       l->host.kver_str[0] ? l->host.kver_str : "unknown");
	for (size_t i = 0; i < l->host.nr_sizes; i++) {
		hp_size_token(l->host.sizes[i], buf, sizeof(buf));
		printf(" %s", buf);
	}
	printf("\n\n");

	t = hp_table_new("vms", vm_cols, ARRAY_SIZE(vm_cols));
	if (!t)
		return -1;
	if (imported && !scols_table_new_column(t, "SOURCE", 0, 0)) {
		scols_unref_table(t);
		return -1;
	}
	/* the column appears once a VM is not static: a static-only plan reads as it did */
	if (mixed && !scols_table_new_column(t, "BACKING", 0, 0)) {
		scols_unref_table(t);
		return -1;
	}
	for (size_t i = 0; i < p->nr_vms; i++) {
		const struct hp_vm_plan *v = &p->vms[i];
		struct libscols_line *ln = scols_table_new_line(t, NULL);

		if (!ln)
			break;
		scols_line_set_data(ln, 0, v->vm->name);
		hp_cell_size(ln, 1, v->vm->memory, o->bytes);
		page_sizes(v, buf, sizeof(buf));
		scols_line_set_data(ln, 2, buf);
		hp_cell_u64(ln, 3, v->vm->instances);
		hp_cell_u64(ln, 4, v->pages);
		if (v->backing == HP_BACKING_DYNAMIC)
			dyn_nodes(p, v, buf, sizeof(buf));
		else if (v->backing == HP_BACKING_TRANSPARENT)
			node_list(v->vm->source == HP_SRC_FILES ? v->vm->nodes : 0, buf,
				  sizeof(buf));
		else
			node_list(pinned_nodes(p, v), buf, sizeof(buf));
		scols_line_set_data(ln, 5, buf);
		hp_cell_size(ln, 6, v->loss, o->bytes);
		if (v->backing == HP_BACKING_TRANSPARENT) {
			scols_line_set_data(ln, 2, "-");
			scols_line_set_data(ln, 4, "-");
		}
		if (imported)
			scols_line_set_data(ln, 7, hp_source_name(v->vm->source));
		if (mixed)
			scols_line_set_data(ln, imported ? 8 : 7, hp_backing_name(v->backing));
	}
	if (p->nr_vms)
		scols_print_table(t);
	else
		printf("No enabled VM in the configuration.\n");
	scols_unref_table(t);
	if (imported)
		print_sources(l);

	if (p->nr_pools) {
		printf("\n");
		t = hp_table_new("pools", pool_cols, ARRAY_SIZE(pool_cols));
		if (!t)
			return -1;
		for (size_t i = 0; i < p->nr_pools; i++) {
			const struct hp_pool_plan *pool = &p->pools[i];

			for (size_t k = 0; k < p->nr_nodes; k++) {
				unsigned id = p->nodes[k].id;
				struct libscols_line *ln;

				if (!pool->node_pages[id] && p->nr_nodes > 1)
					continue;
				ln = scols_table_new_line(t, NULL);
				if (!ln)
					break;
				hp_cell_page(ln, 0, pool->size);
				snprintf(buf, sizeof(buf), "%u%s", id,
					 p->node_form || p->nr_nodes == 1 ? "" : " (est.)");
				scols_line_set_data(ln, 1, buf);
				hp_cell_u64(ln, 2, pool->node_pages[id]);
				hp_cell_size(ln, 3, pool->node_pages[id] * pool->size, o->bytes);
			}
		}
		scols_print_table(t);
		scols_unref_table(t);
	}

	printf("\n");
	/* the budget, once memory off the static pool counts (imported VMs off huge pages too) */
	if (mixed || p->nr_plain) {
		if (print_budget(o, p, budget_cols, ARRAY_SIZE(budget_cols)) < 0)
			return -1;
		goto verdict;
	}
	t = hp_table_new("nodes", node_cols, ARRAY_SIZE(node_cols));
	if (!t)
		return -1;
	for (size_t k = 0; k < p->nr_nodes; k++) {
		const struct hp_node_plan *np = &p->nodes[k];
		struct libscols_line *ln = scols_table_new_line(t, NULL);

		if (!ln)
			break;
		hp_cell_u64(ln, 0, np->id);
		hp_cell_size(ln, 1, np->mem_total, o->bytes);
		hp_cell_size(ln, 2, np->pool, o->bytes);
		hp_cell_size(ln, 3, np->vmemmap, o->bytes);
		cell_left(ln, 4, np->left, o->bytes);
		hp_cell_size(ln, 5, np->reserve, o->bytes);
		scols_line_set_data(ln, 6, np->ok ? "yes" : "NO");
	}
	scols_print_table(t);
	scols_unref_table(t);
	if (isatty(STDOUT_FILENO))
		print_bars(p);

verdict:
	printf("\n");
	for (size_t i = 0; i < p->nr_warnings; i++)
		printf("Warning: %s\n", p->warnings[i]);
	if (p->feasible) {
		printf("Verdict: the plan fits this host.\n");
		printf("Kernel arguments: %s\n",
		       l->cmdline[0] ? l->cmdline : "(none: nothing to reserve)");
	} else {
		printf("Verdict: the plan does NOT fit this host:\n");
		for (size_t i = 0; i < p->nr_problems; i++)
			printf("  %s\n", p->problems[i]);
		printf("Kernel arguments: none (a plan that does not fit is never rendered)\n");
	}
	return 0;
}

static int print_json(const struct hp_loaded *l)
{
	const struct hp_plan *p = &l->plan;
	struct hp_json j;
	char buf[64];

	hp_json_init(&j);
	hp_json_object(&j, NULL);
	hp_json_bool(&j, "feasible", p->feasible);
	hp_json_str(&j, "kernel_args", p->feasible ? l->cmdline : "");
	hp_json_str(&j, "plan_id", p->feasible ? l->args.plan_id : "");
	hp_json_u64(&j, "default_page_size_kb", p->default_size / 1024);
	hp_json_bool(&j, "node_form", p->node_form);
	hp_json_bool(&j, "free_vmemmap", p->free_vmemmap);
	hp_json_u64(&j, "reserve", p->reserve);
	hp_json_u64(&j, "reserve_per_node", p->reserve_per_node);
	hp_json_str(&j, "kernel", l->host.kver_str);
	hp_sources_text(l->sources, buf, sizeof(buf));
	hp_json_str(&j, "sources", buf);
	hp_json_array(&j, "pools");
	for (size_t i = 0; i < p->nr_pools; i++) {
		const struct hp_pool_plan *pool = &p->pools[i];

		hp_json_object(&j, NULL);
		hp_json_u64(&j, "page_size_kb", pool->size / 1024);
		hp_json_u64(&j, "pages", pool->pages);
		hp_json_u64(&j, "bytes", pool->pages * pool->size);
		hp_json_array(&j, "nodes");
		for (size_t k = 0; k < p->nr_nodes; k++) {
			unsigned id = p->nodes[k].id;

			hp_json_object(&j, NULL);
			hp_json_u64(&j, "node", id);
			hp_json_u64(&j, "pages", pool->node_pages[id]);
			hp_json_end(&j);
		}
		hp_json_end(&j);
		hp_json_end(&j);
	}
	hp_json_end(&j);
	hp_json_array(&j, "vms");
	for (size_t i = 0; i < p->nr_vms; i++)
		json_vm(&j, p->vms[i].vm, &p->vms[i], p, &l->cfg.host.default_backing_loc);
	/* then every other VM read: disabled, or not on huge pages */
	for (size_t i = 0; i < l->cfg.nr_vms; i++) {
		bool planned = false;

		for (size_t k = 0; k < p->nr_vms && !planned; k++)
			planned = p->vms[k].vm == &l->cfg.vms[i];
		if (!planned)
			json_vm(&j, &l->cfg.vms[i], NULL, p, &l->cfg.host.default_backing_loc);
	}
	hp_json_end(&j);
	hp_json_array(&j, "nodes");
	for (size_t k = 0; k < p->nr_nodes; k++) {
		const struct hp_node_plan *np = &p->nodes[k];

		hp_json_object(&j, NULL);
		hp_json_u64(&j, "node", np->id);
		hp_json_u64(&j, "mem_total", np->mem_total);
		hp_json_u64(&j, "pool", np->pool);
		hp_json_u64(&j, "vmemmap", np->vmemmap);
		hp_json_u64(&j, "dynamic", np->dynamic);
		hp_json_u64(&j, "dynamic_vmemmap", np->dynamic_vmemmap);
		hp_json_u64(&j, "ordinary", np->ordinary);
		hp_json_i64(&j, "left", np->left);
		hp_json_u64(&j, "reserve", np->reserve);
		hp_json_bool(&j, "fits", np->ok);
		hp_json_end(&j);
	}
	hp_json_end(&j);
	hp_json_array(&j, "problems");
	for (size_t i = 0; i < p->nr_problems; i++)
		hp_json_str(&j, NULL, p->problems[i]);
	hp_json_end(&j);
	hp_json_u64(&j, "dynamic_peak", p->dynamic_peak);
	hp_json_array(&j, "warnings");
	for (size_t i = 0; i < p->nr_warnings; i++)
		hp_json_str(&j, NULL, p->warnings[i]);
	hp_json_end(&j);
	hp_json_end(&j);
	return hp_cli_json_print(&j);
}

static void usage(const char *cmd)
{
	printf("Usage:\n %s %s [options]\n\n", program_invocation_short_name, cmd);
	if (!strcmp(cmd, "plan"))
		printf("Compute the static huge page reservation for the planned VMs and check\n"
		       "that it fits this host.\n");
	else
		printf("Print the kernel arguments of the plan on one line.\n");
	printf("\nOptions:\n"
	       "     --config DIR   read the configuration from DIR only\n"
	       "     --root DIR     read the system (and the configuration) under DIR\n"
	       "     --kver VER     plan for kernel version VER (default: the one that boots\n"
	       "                    next)\n"
	       "     --balanced     accept the balanced form on kernels before 5.16\n");
	if (!strcmp(cmd, "plan"))
		printf("  -J, --json         JSON output\n"
		       "  -b, --bytes        print sizes in bytes\n");
	printf("  -h, --help         display this help\n"
	       "\nExit status: 0 the plan fits, 1 it does not fit this host, 2 invalid\n"
	       "configuration or usage.\n\nSee hugeplan(8).\n");
}

static int run(int argc, char **argv, const char *cmd)
{
	static const struct option longopts[] = {
		HP_CLI_COMMON_OPTIONS,
		{ "json", no_argument, NULL, 'J' },
		{ "bytes", no_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 },
	};
	bool is_plan = !strcmp(cmd, "plan");
	struct hp_cli o = { .cmd = cmd };
	struct hp_loaded l;
	int c, r;

	opterr = 0;

	while ((c = getopt_long(argc, argv, is_plan ? "+hJb" : "+h", longopts, NULL)) != -1) {
		if (hp_cli_common_opt(&o, c, optarg))
			continue;
		switch (c) {
		case 'J':
		case 'b':
			if (!is_plan)
				return hp_cli_usage_error(cmd, "unrecognized option '%s'",
							  argv[optind - 1]);
			if (c == 'J')
				o.json = true;
			else
				o.bytes = true;
			break;
		case 'h':
			usage(cmd);
			return 0;
		default:
			return hp_cli_usage_error(cmd, "unrecognized option '%s'",
						  argv[optind - 1]);
		}
	}
	if (optind < argc)
		return hp_cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);

	r = hp_cli_load(&o, &l);
	if (r)
		return r;
	hp_cli_warnings(&l, stderr);
	if (is_plan) {
		r = o.json ? print_json(&l) : print_human(&o, &l);
		if (r < 0) {
			fprintf(stderr, "%s: cannot print the plan: out of memory\n",
				program_invocation_short_name);
			hp_cli_unload(&l);
			return EXIT_USAGE;
		}
	} else if (l.plan.feasible) {
		printf("%s\n", l.cmdline);
	}
	if (!l.plan.feasible) {
		if (!is_plan || o.json)
			for (size_t i = 0; i < l.plan.nr_problems; i++)
				fprintf(stderr, "%s: plan does not fit: %s\n",
					program_invocation_short_name, l.plan.problems[i]);
		r = EXIT_NOFIT;
	}
	hp_cli_unload(&l);
	return r;
}

int cmd_plan(int argc, char **argv)
{
	return run(argc, argv, "plan");
}

int cmd_cmdline(int argc, char **argv)
{
	return run(argc, argv, "cmdline");
}
