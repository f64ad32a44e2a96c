// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <json.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/report.h"

struct rd {
	char *err;
	size_t errlen;
	int r;
};

__attribute__((format(printf, 2, 3))) static void bad(struct rd *d, const char *fmt, ...)
{
	va_list ap;

	if (d->r)
		return;
	d->r = -EINVAL;
	va_start(ap, fmt);
	vsnprintf(d->err, d->errlen, fmt, ap);
	va_end(ap);
}

static json_object *field(struct rd *d, json_object *o, const char *key, json_type t, bool nullable)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v)) {
		bad(d, "no \"%s\"", key);
		return NULL;
	}
	if (nullable && json_object_is_type(v, json_type_null))
		return NULL;
	if (!json_object_is_type(v, t) &&
	    !(t == json_type_double && json_object_is_type(v, json_type_int))) {
		bad(d, "\"%s\" is not a %s", key, json_type_to_name(t));
		return NULL;
	}
	return v;
}

static uint64_t u64(struct rd *d, json_object *o, const char *key)
{
	json_object *v = field(d, o, key, json_type_int, false);
	int64_t x;

	if (!v)
		return 0;
	x = json_object_get_int64(v);
	if (x < 0) {
		bad(d, "\"%s\" is negative", key);
		return 0;
	}
	/* json-c clamps above INT64_MAX; no count or size of ours comes near */
	return (uint64_t)x;
}

static bool boolean(struct rd *d, json_object *o, const char *key)
{
	json_object *v = field(d, o, key, json_type_boolean, false);

	return v && json_object_get_boolean(v);
}

static void str(struct rd *d, json_object *o, const char *key, char *buf, size_t len, bool nullable)
{
	json_object *v = field(d, o, key, json_type_string, nullable);

	buf[0] = '\0';
	if (v)
		snprintf(buf, len, "%s", json_object_get_string(v));
}

static enum hp_status status_of(struct rd *d, const char *s)
{
	for (int st = HP_ST_NONE; st <= HP_ST_IGNORED; st++)
		if (!strcmp(s, hp_status_name((enum hp_status)st)))
			return (enum hp_status)st;
	bad(d, "unknown status \"%s\"", s);
	return HP_ST_NONE;
}

/* the index of text in v->kmsgs, added when new; -1 when full */
static int kmsg_index(struct hp_verdict *v, const char *text)
{
	for (size_t i = 0; i < v->nr_kmsgs; i++)
		if (!strcmp(v->kmsgs[i], text))
			return (int)i;
	if (v->nr_kmsgs >= HP_VERDICT_MAX_KMSGS)
		return -1;
	snprintf(v->kmsgs[v->nr_kmsgs], HP_KMSG_LEN, "%s", text);
	return (int)v->nr_kmsgs++;
}

static void node_of(struct rd *d, json_object *o, struct hp_vnode *n)
{
	json_object *req = field(d, o, "requested", json_type_int, true);
	char st[32];

	n->id = (unsigned)u64(d, o, "node");
	n->asked = req != NULL;
	n->requested = req ? (uint64_t)json_object_get_int64(req) : 0;
	n->allocated = u64(d, o, "allocated");
	n->free = u64(d, o, "free");
	n->short_pages = u64(d, o, "short_pages");
	str(d, o, "status", st, sizeof(st), true);
	n->status = st[0] ? status_of(d, st) : HP_ST_NONE;
}

static void size_of(struct rd *d, json_object *o, struct hp_verdict *v, struct hp_vsize *s)
{
	json_object *a, *hint;
	char st[32];

	s->size = u64(d, o, "size");
	str(d, o, "status", st, sizeof(st), false);
	s->status = status_of(d, st);
	s->requested = u64(d, o, "requested");
	s->kernel_requested = u64(d, o, "kernel_requested");
	s->allocated = u64(d, o, "allocated");
	s->free = u64(d, o, "free");
	s->short_pages = u64(d, o, "short_pages");
	s->present = boolean(d, o, "present");
	s->is_default = boolean(d, o, "default");
	s->gigantic = boolean(d, o, "gigantic");
	s->node_form = boolean(d, o, "node_form");
	hint = field(d, o, "kernel_node_hint", json_type_int, true);
	s->hint_node = hint ? (int)json_object_get_int(hint) : -1;
	a = field(d, o, "nodes", json_type_array, false);
	for (size_t i = 0; a && i < json_object_array_length(a) && s->nr_nodes < HP_MAX_NODES;
	     i++) {
		json_object *n = json_object_array_get_idx(a, i);

		if (!json_object_is_type(n, json_type_object)) {
			bad(d, "a node is not an object");
			return;
		}
		node_of(d, n, &s->nodes[s->nr_nodes++]);
	}
	a = field(d, o, "reasons", json_type_array, false);
	for (size_t i = 0; a && i < json_object_array_length(a); i++) {
		json_object *m = json_object_array_get_idx(a, i);
		int k;

		if (!json_object_is_type(m, json_type_string))
			continue;
		k = kmsg_index(v, json_object_get_string(m));
		if (k >= 0 && s->nr_reasons < HP_VERDICT_MAX_REASONS)
			s->reasons[s->nr_reasons++] = (unsigned)k;
	}
}

int hp_report_parse(const char *text, struct hp_verdict *v, struct hp_report_info *info, char *err,
		    size_t errlen)
{
	struct rd d = { .err = err, .errlen = errlen };
	json_tokener *tok = json_tokener_new();
	json_object *root, *a;
	char st[32];

	if (!tok)
		return -ENOMEM;
	memset(v, 0, sizeof(*v));
	memset(info, 0, sizeof(*info));
	root = json_tokener_parse_ex(tok, text, (int)strlen(text));
	if (!root || json_tokener_get_error(tok) != json_tokener_success) {
		bad(&d, "not JSON: %s", json_tokener_error_desc(json_tokener_get_error(tok)));
		json_tokener_free(tok);
		json_object_put(root);
		return d.r;
	}
	json_tokener_free(tok);
	if (!json_object_is_type(root, json_type_object)) {
		bad(&d, "not a JSON object");
		goto out;
	}
	if (u64(&d, root, "schema") != 1 && !d.r)
		bad(&d, "schema %llu, this hugeplan reads schema 1",
		    (unsigned long long)u64(&d, root, "schema"));
	str(&d, root, "generator", info->generator, sizeof(info->generator), true);
	str(&d, root, "kernel", info->kernel, sizeof(info->kernel), true);
	str(&d, root, "cmdline", info->cmdline, sizeof(info->cmdline), false);
	str(&d, root, "plan", info->plan, sizeof(info->plan), true);
	str(&d, root, "kmsg", info->kmsg, sizeof(info->kmsg), true);
	info->default_size = u64(&d, root, "default_size");
	info->elapsed_us = u64(&d, root, "elapsed_us");
	str(&d, root, "status", st, sizeof(st), false);
	if (!strcmp(st, hp_overall_name(HP_V_MET)))
		v->status = HP_V_MET;
	else if (!strcmp(st, hp_overall_name(HP_V_SHORT)))
		v->status = HP_V_SHORT;
	else if (!strcmp(st, hp_overall_name(HP_V_NOTHING)))
		v->status = HP_V_NOTHING;
	else
		bad(&d, "unknown status \"%s\"", st);
	v->short_bytes = u64(&d, root, "short_bytes");
	v->kmsg_read = !strcmp(info->kmsg, "read");
	a = field(&d, root, "kernel_messages", json_type_array, false);
	for (size_t i = 0; a && i < json_object_array_length(a); i++) {
		json_object *m = json_object_array_get_idx(a, i);

		if (json_object_is_type(m, json_type_string))
			kmsg_index(v, json_object_get_string(m));
	}
	a = field(&d, root, "sizes", json_type_array, false);
	for (size_t i = 0; a && !d.r && i < json_object_array_length(a); i++) {
		json_object *s = json_object_array_get_idx(a, i);

		if (v->nr_sizes >= HP_VERDICT_MAX_SIZES)
			break;
		if (!json_object_is_type(s, json_type_object)) {
			bad(&d, "a size is not an object");
			break;
		}
		size_of(&d, s, v, &v->sizes[v->nr_sizes++]);
	}
	a = field(&d, root, "ignored", json_type_array, false);
	for (size_t i = 0; a && !d.r && i < json_object_array_length(a); i++) {
		json_object *g = json_object_array_get_idx(a, i);
		struct hp_ignored *ig;
		char src[16];

		if (v->nr_ignored >= HP_MAX_KMSGS || !json_object_is_type(g, json_type_object))
			break;
		ig = &v->ignored[v->nr_ignored++];
		str(&d, g, "message", ig->text, sizeof(ig->text), false);
		str(&d, g, "source", src, sizeof(src), false);
		ig->from_kernel = !strcmp(src, "kernel");
		ig->predicted = boolean(&d, g, "predicted");
	}
out:
	json_object_put(root);
	return d.r;
}
