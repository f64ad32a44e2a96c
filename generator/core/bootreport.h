/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The verifier's outputs from a verdict: the JSON report (/run/hugeplan/boot-report.json),
 * the short human summary, and the one line for the kernel log. Pure: text into memory.
 *
 * The verdict in JSON is one object, schema HP_VERDICT_SCHEMA, written by hp_verdict_json()
 * alone: the boot report holds it, and "hugeplan status --json" as its "boot_check". Sizes
 * are in bytes. hugeplan(8) documents it as a stable interface: fields are only ever added;
 * a change of meaning gets a new schema number, which readers refuse (cli/report.h).
 *
 *   verdict: "status": "met"|"short"|"nothing-requested", "short_bytes": n,
 *     "default_size": bytes (the kernel's default huge page size, as this boot set it),
 *     "sizes": [ { "size": bytes, "size_human": "2.00 MiB", "status": hp_status_name(),
 *                  "requested": n, "kernel_requested": n, "allocated": n, "free": n,
 *                  "short_pages": n, "short_bytes": n, "present": b, "default": b,
 *                  "gigantic": b, "node_form": b, "kernel_node_hint": n or null,
 *                  "nodes": [ { "node": n, "requested": n or null, "allocated": n,
 *                               "free": n, "status": name or null, "short_pages": n } ],
 *                  "reasons": [ kernel line, ... ] } ],
 *     "ignored": [ { "message": line, "source": "kernel"|"simulation",
 *                    "predicted": b } ],
 *     "kernel_messages": [ every HugeTLB line ]
 *
 *   boot report (/run/hugeplan/boot-report.json):
 *   { "schema": 1, "generator": "hugeplan-verify VERSION", "kernel": osrelease,
 *     "cmdline": text, "plan": id or null, VERDICT...,
 *     "kmsg": "read" or why not,
 *     "simulation": { "kernel_series": "6.1"|"6.12"|..., the rules it applied
 *                     (hp_kcmdline_series()), "messages_predicted": b, or null when the
 *                     kernel log was not read },
 *     "elapsed_us": n }
 */
#ifndef HP_BOOTREPORT_H
#define HP_BOOTREPORT_H

#include <stddef.h>
#include <stdint.h>

#include "core/verdict.h"

struct hp_report_meta {
	const char *generator; /* "hugeplan-verify 0.1.0" */
	const char *kernel;    /* osrelease, NULL unknown */
	const char *cmdline;
	const char *plan_id; /* "" or NULL: none */
	uint64_t default_size;
	const char *kmsg_state; /* "read", or why the log was not read */
	uint64_t elapsed_us;
	const char *report_path; /* named in the summary; NULL: not written */
};

#define HP_VERDICT_SCHEMA 1

struct hp_json;
/* hp_verdict_json - the verdict's members (above) into the object j is writing. */
void hp_verdict_json(struct hp_json *j, const struct hp_verdict *v, uint64_t default_size);

/* hp_report_json - the report; *out is malloc'd, NUL-terminated. 0 or -ENOMEM. */
int hp_report_json(const struct hp_verdict *v, const struct hp_report_meta *m, char **out,
		   size_t *len);

/* hp_report_summary - a few lines for people: verdict first, then per size and node. */
int hp_report_summary(const struct hp_verdict *v, const struct hp_report_meta *m, char **out);

/*
 * hp_report_json_in, hp_report_summary_in - the same, written into buf (cap bytes,
 * NUL-terminated): nothing allocated. -ENOBUFS when it does not fit (then take the others).
 */
int hp_report_json_in(const struct hp_verdict *v, const struct hp_report_meta *m, char *buf,
		      size_t cap, size_t *len);
int hp_report_summary_in(const struct hp_verdict *v, const struct hp_report_meta *m, char *buf,
			 size_t cap);

/*
 * hp_report_kmsg_line - one line for the kernel log, "hugeplan: ..." and its level: 4
 * (warning) when short, 6 (info) otherwise.
 */
void hp_report_kmsg_line(const struct hp_verdict *v, const struct hp_report_meta *m, char *buf,
			 size_t len, unsigned *level);

#endif
