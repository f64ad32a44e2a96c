/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The configuration as data: host settings from hugeplan.conf and the planned VMs from vms.d.
 * Every value remembers the file and line it came from, so that anything refused later (by the
 * planner, against the host) is reported at its source.
 */
#ifndef HP_VM_H
#define HP_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HP_NAME_MAX 64

struct hp_loc {
	const char *file; /* owned by the configuration's string pool, NULL when defaulted */
	unsigned line;
};

/*
 * How a VM's memory is backed (Backing=):
 *   static       huge pages reserved at boot (the kernel command line): fastest, always there,
 *                lost to the host;
 *   dynamic      huge pages allocated when the VM starts (hugeplan vm start, from libvirt's
 *                hook) and given back when it stops: near-static speed, memory back to the
 *                host while the VM is off; the start can fail on a fragmented host;
 *   transparent  no huge pages reserved: ordinary memory the kernel backs with transparent huge
 *                pages where it can (THP).
 */
enum hp_backing_mode {
	HP_BACKING_STATIC = 0,
	HP_BACKING_DYNAMIC,
	HP_BACKING_TRANSPARENT,
};

struct hp_vm {
	char name[HP_NAME_MAX + 1];
	struct hp_loc loc; /* the file; line 0 */
	uint64_t memory;   /* bytes, per instance */
	struct hp_loc memory_loc;
	uint64_t page_size; /* 0: the host's default */
	struct hp_loc page_loc;
	uint64_t nodes; /* bit N: pinned to node N; 0 means any */
	struct hp_loc node_loc;
	unsigned instances;
	bool enabled;
	bool passthrough;
	enum hp_backing_mode backing; /* Backing=, else DefaultBacking= (the loader fills it) */
	bool backing_set;	      /* Backing= given (else the default applies) */
	struct hp_loc backing_loc;
};

struct hp_settings {
	uint64_t reserve; /* ReserveMemory=, bytes */
	bool reserve_set; /* else max(2G, 5% of MemTotal) */
	struct hp_loc reserve_loc;
	uint64_t reserve_per_node; /* ReserveMemoryPerNode=, default 512M */
	struct hp_loc reserve_per_node_loc;
	uint64_t default_page; /* DefaultPageSize=, 0: the largest size in the plan */
	struct hp_loc default_page_loc;
	bool free_vmemmap;     /* FreeVmemmap= */
	bool strict;	       /* Strict= */
	char metrics_dir[256]; /* MetricsDirectory=, absolute; hugeplan metrics --update */
	enum hp_backing_mode default_backing; /* DefaultBacking=, static */
	struct hp_loc default_backing_loc;
	unsigned dynamic_peak; /* DynamicPeak=: dynamic VMs running at once; 0: all of them */
	struct hp_loc dynamic_peak_loc;
};

/*
 * A message about a place in the configuration: "FILE:LINE: msg" (line 0: "FILE: msg").
 * file and msg hold printable ASCII only (see hp_escape()): whatever bytes a configuration
 * file or its name holds, the message stays one line and sends no control sequence to a
 * terminal or a log.
 */
struct hp_diag {
	char file[512];
	unsigned line;
	char msg[512];
};

/*
 * hp_escape - src as printable ASCII into dst (always NUL-terminated, cut before an escape
 * that would not fit): a backslash is doubled, any byte outside 0x20..0x7e becomes \xNN.
 */
void hp_escape(char *dst, size_t len, const char *src);

void hp_diag_set(struct hp_diag *d, const struct hp_loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* hp_backing_name - "static", "dynamic", "transparent" */
const char *hp_backing_name(enum hp_backing_mode b);

/* hp_backing_parse - the name back; -EINVAL for anything else */
int hp_backing_parse(const char *s, enum hp_backing_mode *out);

/* hp_vm_name_valid - [A-Za-z0-9][A-Za-z0-9_.-]*, at most HP_NAME_MAX */
bool hp_vm_name_valid(const char *s);

#endif
