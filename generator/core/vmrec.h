/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Per-VM records: each planned VM as a plan placed it, its source, its definition's file and
 * its pages per page size and host node. apply keeps the records of the plan it wrote in its
 * state (core/state.h), so that status can name, per VM, what changed since this boot's entry
 * was written (core/stale.h: hp_stale_changes()). Pure.
 *
 * In the state file a record is one value:
 *
 *   NAME SOURCE PAGES FILE
 *   db1 libvirt 1048576:0:2,2048:-:256 /etc/libvirt/qemu/db1.xml
 *
 * SOURCE is hp_source_name(); PAGES is SIZE_KB:NODE:COUNT for each page size and host node,
 * ascending by size, then node ("-", any node, last), COUNT the pages of all instances; FILE,
 * the rest of the line, is the definition's path as on the system (without --root), escaped
 * with hp_escape() so that the line stays one printable line.
 */
#ifndef HP_VMREC_H
#define HP_VMREC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/plan.h"
#include "core/text.h"
#include "core/vm.h"

#define HP_REC_FILE_MAX 512

struct hp_rec_part {
	uint64_t size; /* bytes */
	int node;      /* host node, -1 for any */
	uint64_t pages;
};

struct hp_vm_rec {
	char name[HP_NAME_MAX + 1];
	enum hp_source source;
	char file[HP_REC_FILE_MAX]; /* escaped, without the root */
	size_t first, nr_parts;	    /* the VM's parts: hp_recs.parts[first ...] */
};

struct hp_recs {
	struct hp_vm_rec *vms;
	size_t nr, cap;
	struct hp_rec_part *parts;
	size_t nr_parts, cap_parts;
};

/*
 * hp_recs_from_plan - the records of every VM the plan places in the boot's pool (its static
 * VMs), in its order. root ("/" or NULL for none) is taken off the front of each file. 0 or
 * -ENOMEM; out is emptied first.
 */
int hp_recs_from_plan(const struct hp_plan *plan, const char *root, struct hp_recs *out);

/* hp_recs_parse_line - one record's text (len bytes, no newline) appended: 0, -EINVAL, -ENOMEM */
int hp_recs_parse_line(struct hp_recs *r, const char *v, size_t len);

/* hp_recs_render - "KEY=RECORD\n" for each record, appended to t. */
void hp_recs_render(const struct hp_recs *r, const char *key, struct hp_text *t);

/* hp_recs_copy - a deep copy (to is emptied first): 0 or -ENOMEM. */
int hp_recs_copy(const struct hp_recs *from, struct hp_recs *to);

/* hp_rec_parts_equal - x (of a) and y (of b) have the same pages per size and node. */
bool hp_rec_parts_equal(const struct hp_recs *a, const struct hp_vm_rec *x, const struct hp_recs *b,
			const struct hp_vm_rec *y);

/* hp_recs_equal - the same records, in the same order. */
bool hp_recs_equal(const struct hp_recs *a, const struct hp_recs *b);

/* hp_recs_unique - no two records of one name (a plan has none): 1, 0, or -ENOMEM */
int hp_recs_unique(const struct hp_recs *r);

void hp_recs_free(struct hp_recs *r);

/* hp_rec_bytes - the bytes of a record's pages. */
uint64_t hp_rec_bytes(const struct hp_recs *r, const struct hp_vm_rec *v);

/*
 * hp_rec_pages_text - a record's pages in words, into buf: "2 x 1G", "1 x 1G on node 0 + 1 x 1G
 * on node 1 + 256 x 2M" (no node named: any node).
 */
void hp_rec_pages_text(const struct hp_recs *r, const struct hp_vm_rec *v, char *buf, size_t len);

#endif
