// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bootreport.h"
#include "core/json.h"
#include "core/size.h"
#include "core/text.h"

static void human(uint64_t bytes, char *buf, size_t len)
{
	hp_size_human(bytes, buf, len);
}

static void json_size(struct hp_json *j, const struct hp_verdict *v, const struct hp_vsize *s)
{
	char h[32];

	human(s->size, h, sizeof(h));
	hp_json_object(j, NULL);
	hp_json_u64(j, "size", s->size);
	hp_json_str(j, "size_human", h);
	hp_json_str(j, "status", hp_status_name(s->status));
	hp_json_u64(j, "requested", s->requested);
	hp_json_u64(j, "kernel_requested", s->kernel_requested);
	hp_json_u64(j, "allocated", s->allocated);
	hp_json_u64(j, "free", s->free);
	hp_json_u64(j, "short_pages", s->short_pages);
	hp_json_u64(j, "short_bytes", s->short_pages * s->size);
	hp_json_bool(j, "present", s->present);
	hp_json_bool(j, "default", s->is_default);
	hp_json_bool(j, "gigantic", s->gigantic);
	hp_json_bool(j, "node_form", s->node_form);
	if (s->hint_node >= 0)
		hp_json_i64(j, "kernel_node_hint", s->hint_node);
	else
		hp_json_str(j, "kernel_node_hint", NULL);
	hp_json_array(j, "nodes");
	for (size_t i = 0; i < s->nr_nodes; i++) {
		const struct hp_vnode *n = &s->nodes[i];

		hp_json_object(j, NULL);
		hp_json_u64(j, "node", n->id);
		if (n->asked)
			hp_json_u64(j, "requested", n->requested);
		else
			hp_json_str(j, "requested", NULL);
		hp_json_u64(j, "allocated", n->allocated);
		hp_json_u64(j, "free", n->free);
		hp_json_str(j, "status", n->asked ? hp_status_name(n->status) : NULL);
		hp_json_u64(j, "short_pages", n->short_pages);
		hp_json_end(j);
	}
	hp_json_end(j);
	hp_json_array(j, "reasons");
	for (size_t i = 0; i < s->nr_reasons; i++)
		hp_json_str(j, NULL, v->kmsgs[s->reasons[i]]);
	hp_json_end(j);
	hp_json_end(j);
}

void hp_verdict_json(struct hp_json *j, const struct hp_verdict *v, uint64_t default_size)
{
	hp_json_str(j, "status", hp_overall_name(v->status));
	hp_json_u64(j, "short_bytes", v->short_bytes);
	hp_json_u64(j, "default_size", default_size);
	hp_json_array(j, "sizes");
	for (size_t i = 0; i < v->nr_sizes; i++)
		json_size(j, v, &v->sizes[i]);
	hp_json_end(j);
	hp_json_array(j, "ignored");
	for (size_t i = 0; i < v->nr_ignored; i++) {
		hp_json_object(j, NULL);
		hp_json_str(j, "message", v->ignored[i].text);
		hp_json_str(j, "source", v->ignored[i].from_kernel ? "kernel" : "simulation");
		hp_json_bool(j, "predicted", v->ignored[i].predicted);
		hp_json_end(j);
	}
	hp_json_end(j);
	hp_json_array(j, "kernel_messages");
	for (size_t i = 0; i < v->nr_kmsgs; i++)
		hp_json_str(j, NULL, v->kmsgs[i]);
	hp_json_end(j);
}

/* the report into j, initialized: hp_json_finish()'s answer */
static int render_json(struct hp_json *j, const struct hp_verdict *v,
		       const struct hp_report_meta *m, char **out, size_t *len)
{
	hp_json_object(j, NULL);
	hp_json_u64(j, "schema", HP_VERDICT_SCHEMA);
	hp_json_str(j, "generator", m->generator);
	hp_json_str(j, "kernel", m->kernel);
	hp_json_str(j, "cmdline", m->cmdline);
	hp_json_str(j, "plan", m->plan_id && *m->plan_id ? m->plan_id : NULL);
	hp_verdict_json(j, v, m->default_size);
	hp_json_str(j, "kmsg", m->kmsg_state);
	hp_json_object(j, "simulation");
	hp_json_str(j, "kernel_series", v->series);
	if (v->prediction == HP_PRED_YES || v->prediction == HP_PRED_NO)
		hp_json_bool(j, "messages_predicted", v->prediction == HP_PRED_YES);
	else
		hp_json_str(j, "messages_predicted", NULL);
	hp_json_end(j);
	hp_json_u64(j, "elapsed_us", m->elapsed_us);
	hp_json_end(j);
	return hp_json_finish(j, out, len);
}

int hp_report_json(const struct hp_verdict *v, const struct hp_report_meta *m, char **out,
		   size_t *len)
{
	struct hp_json j;

	hp_json_init(&j);
	return render_json(&j, v, m, out, len);
}

int hp_report_json_in(const struct hp_verdict *v, const struct hp_report_meta *m, char *buf,
		      size_t cap, size_t *len)
{
	struct hp_json j;
	char *out;

	hp_json_init_fixed(&j, buf, cap);
	return render_json(&j, v, m, &out, len);
}

static const char *plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

static void size_line(struct hp_text *f, const struct hp_verdict *v, const struct hp_vsize *s)
{
	char h[32], sb[32];

	human(s->size, h, sizeof(h));
	human(s->short_pages * s->size, sb, sizeof(sb));
	switch (s->status) {
	case HP_ST_NONE:
		hp_text_printf(f, "  %s: not requested (%llu allocated)\n", h,
			       (unsigned long long)s->allocated);
		return;
	case HP_ST_MET:
		hp_text_printf(f, "  %s: met: %llu of %llu\n", h, (unsigned long long)s->allocated,
			       (unsigned long long)s->requested);
		break;
	case HP_ST_UNSUPPORTED:
		hp_text_printf(
			f, "  %s: unsupported by this machine: %llu page%s asked, none possible\n",
			h, (unsigned long long)s->requested, plural(s->requested));
		break;
	case HP_ST_ZEROED:
		hp_text_printf(
			f,
			"  %s: zeroed by the kernel (invalid hugepages= value): %llu page%s (%s) missing\n",
			h, (unsigned long long)s->short_pages, plural(s->short_pages), sb);
		break;
	case HP_ST_IGNORED:
		hp_text_printf(f, "  %s: count ignored by the kernel: %llu page%s (%s) missing\n",
			       h, (unsigned long long)s->short_pages, plural(s->short_pages), sb);
		break;
	default:
		hp_text_printf(f, "  %s: short by %llu page%s (%s): %llu of %llu\n", h,
			       (unsigned long long)s->short_pages, plural(s->short_pages), sb,
			       (unsigned long long)s->allocated, (unsigned long long)s->requested);
	}
	for (size_t i = 0; s->node_form && i < s->nr_nodes; i++) {
		const struct hp_vnode *n = &s->nodes[i];

		if (n->status == HP_ST_NONE)
			continue;
		hp_text_printf(f, "    node%u: %s: %llu of %llu\n", n->id,
			       hp_status_name(n->status), (unsigned long long)n->allocated,
			       (unsigned long long)n->requested);
	}
	for (size_t i = 0; i < s->nr_reasons; i++)
		hp_text_printf(f, "    kernel: %s\n", v->kmsgs[s->reasons[i]]);
	if (s->hint_node >= 0 && s->node_form) {
		for (size_t i = 0; i < s->nr_nodes; i++)
			if (s->nodes[i].id == (unsigned)s->hint_node &&
			    s->nodes[i].status != HP_ST_SHORT) {
				hp_text_printf(
					f,
					"    note: the kernel's message names node%d; the per-node counts above are sysfs's\n",
					s->hint_node);
				break;
			}
	}
}

/* the summary into f, initialized: hp_text_finish()'s answer */
static int render_summary(struct hp_text *f, const struct hp_verdict *v,
			  const struct hp_report_meta *m, char **out)
{
	switch (v->status) {
	case HP_V_NOTHING:
		hp_text_printf(
			f,
			"hugeplan-verify: nothing requested: no huge page counts on the kernel command line\n");
		break;
	case HP_V_MET:
		hp_text_printf(
			f,
			"hugeplan-verify: met: every huge page pool holds what the kernel command line asked\n");
		break;
	case HP_V_SHORT: {
		char sb[32];

		human(v->short_bytes, sb, sizeof(sb));
		hp_text_printf(
			f,
			"hugeplan-verify: SHORT: huge page pools are %s short of the kernel command line\n",
			sb);
		break;
	}
	}
	if (v->prediction == HP_PRED_NO)
		hp_text_printf(
			f,
			"  uncertain: the kernel's messages are not the ones the simulation of its parser (Linux %s) predicted: what was asked may differ\n",
			v->series ? v->series : "?");
	for (size_t i = 0; i < v->nr_sizes; i++)
		if (v->status != HP_V_NOTHING || v->sizes[i].allocated)
			size_line(f, v, &v->sizes[i]);
	for (size_t i = 0; i < v->nr_ignored; i++)
		hp_text_printf(f, "  ignored%s: %s\n",
			       !v->ignored[i].from_kernel ? " (expected)"
			       : v->ignored[i].predicted  ? ""
							  : " (not predicted)",
			       v->ignored[i].text);
	if (!v->kmsg_read && m->kmsg_state && strcmp(m->kmsg_state, HP_KMSG_UNNEEDED))
		hp_text_printf(f, "  kernel log not read: %s\n", m->kmsg_state);
	if (m->report_path)
		hp_text_printf(f, "  report: %s\n", m->report_path);
	return hp_text_finish(f, out, NULL);
}

int hp_report_summary(const struct hp_verdict *v, const struct hp_report_meta *m, char **out)
{
	struct hp_text text = HP_TEXT_INIT;

	return render_summary(&text, v, m, out);
}

int hp_report_summary_in(const struct hp_verdict *v, const struct hp_report_meta *m, char *buf,
			 size_t cap)
{
	struct hp_text text;
	char *out;

	hp_text_init_fixed(&text, buf, cap);
	return render_summary(&text, v, m, &out);
}

void hp_report_kmsg_line(const struct hp_verdict *v, const struct hp_report_meta *m, char *buf,
			 size_t len, unsigned *level)
{
	size_t o;

	*level = v->status == HP_V_SHORT ? 4 : 6;
	if (v->status == HP_V_NOTHING) {
		snprintf(buf, len, "hugeplan: no huge pages requested on the kernel command line");
		return;
	}
	o = (size_t)snprintf(buf, len, "hugeplan: huge pages %s:", hp_overall_name(v->status));
	for (size_t i = 0; i < v->nr_sizes && o < len; i++) {
		const struct hp_vsize *s = &v->sizes[i];
		char h[32];

		if (s->status == HP_ST_NONE)
			continue;
		human(s->size, h, sizeof(h));
		o += (size_t)snprintf(buf + o, len - o, " %s %s %llu/%llu;", h,
				      hp_status_name(s->status), (unsigned long long)s->allocated,
				      (unsigned long long)s->requested);
		for (size_t k = 0; s->node_form && k < s->nr_nodes && o < len; k++)
			if (s->nodes[k].status == HP_ST_SHORT)
				o += (size_t)snprintf(buf + o, len - o, " node%u short %llu/%llu;",
						      s->nodes[k].id,
						      (unsigned long long)s->nodes[k].allocated,
						      (unsigned long long)s->nodes[k].requested);
	}
	if (o < len && m->report_path && v->status == HP_V_SHORT)
		snprintf(buf + o, len - o, " see %s", m->report_path);
	else if (o < len && o && buf[o - 1] == ';')
		buf[o - 1] = '\0';
}
