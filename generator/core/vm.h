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

/* Where a VM is defined. */
enum hp_source {
	HP_SRC_FILES = 0, /* vms.d/NAME.conf */
	HP_SRC_LIBVIRT,	  /* /etc/libvirt/qemu/NAME.xml, as virsh define wrote it */
	HP_SRC_PROXMOX,	  /* /etc/pve/qemu-server/VMID.conf (this node's, through /etc/pve/local) */
};

/* How a memory backend's page size is decided (some rules need the host or the plan). */
enum hp_page_rule {
	HP_PAGE_FIXED = 0,    /* page_size */
	HP_PAGE_HOST_DEFAULT, /* vms.d without PageSize=: DefaultPageSize=, else the host's largest
			       */
	HP_PAGE_BOOT_DEFAULT, /* libvirt's bare <hugepages/>: the default huge page size of the boot
				 the VM runs on: DefaultPageSize=, else the kernel's built-in one
				 (HPAGE_SIZE: 2M on x86-64) */
	HP_PAGE_PVE_ANY,      /* qemu-server's "hugepages: any": 1G when the host lists 1G and the
				 chunk is a multiple of 1 GiB, else 2M (Memory.pm hugepages_size) */
};

/* Where the kernel takes a backend's pages from (QEMU's host-nodes + policy). */
enum hp_policy {
	HP_POL_ANY = 0,	   /* no binding: any node */
	HP_POL_BIND,	   /* libvirt strict / restrictive, qemu-server bind, vms.d Node=: those
			      nodes; over several, split evenly and each part rounded up */
	HP_POL_INTERLEAVE, /* page by page round-robin over the nodes, from the lowest */
	HP_POL_PREFERRED,  /* that one node while it has room, the rest on any node */
};

#define HP_BACKEND_ID_MAX 24

/*
 * One memory backend of a VM: what QEMU is asked to map from one hugetlbfs size (a
 * memory-backend-file or a hugetlb memory-backend-memfd): the machine's RAM ("pc.ram"), a
 * guest NUMA cell ("ram-node1"), or a memory device ("memdimm0", qemu-server's "mem-dimm3").
 * Sources fill it exactly as libvirt (qemuBuildMemoryBackendProps) or qemu-server
 * (PVE::QemuServer::Memory) would ask QEMU; the planner turns it into pages per node.
 * Only backends on huge pages are listed. Fields may be added at the end.
 */
struct hp_backend {
	char id[HP_BACKEND_ID_MAX]; /* QEMU's memdev id */
	uint64_t bytes;		    /* the backend's size */
	enum hp_page_rule page_rule;
	uint64_t page_size; /* bytes, with HP_PAGE_FIXED */
	uint64_t nodes;	    /* host nodes (bit N: node N); 0 with HP_POL_ANY */
	enum hp_policy policy;
	int guest_node;		/* the guest NUMA cell it backs, -1 without guest NUMA */
	bool dimm;		/* a memory device, not a cell's or the machine's RAM */
	struct hp_loc loc;	/* where its size was given */
	struct hp_loc page_loc; /* where its page size was given */
	struct hp_loc node_loc; /* where its host nodes were given */
};

/* Keys a vms.d file set, so that an override changes only those (hp_vm.set_keys). */
enum {
	HP_KEY_MEMORY = 1U << 0,
	HP_KEY_PAGESIZE = 1U << 1,
	HP_KEY_NODE = 1U << 2,
	HP_KEY_INSTANCES = 1U << 3,
	HP_KEY_ENABLED = 1U << 4,
	HP_KEY_PASSTHROUGH = 1U << 5,
	HP_KEY_BACKING = 1U << 6,
};

/*
 * A planned VM. A vms.d VM has no backends[]: Memory=, PageSize= and Node= make its one. An
 * imported VM (libvirt, Proxmox) has its backends on huge pages in backends[] and memory is
 * their sum. Strings are owned by the configuration (hp_config). Fields may be added at the
 * end; issue 15 (libvirt at runtime) finds a domain again by source_id.
 */
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
	bool memory_unitless; /* Memory= was a bare number, read as bytes */
	uint64_t page_size;   /* 0: the host's default */
	struct hp_loc page_loc;
	uint64_t nodes; /* bit N: pinned to node N; 0 means any */
	struct hp_loc node_loc;
	unsigned instances;
	bool enabled;
	bool passthrough;
	/* since Sources= */
	enum hp_source source;
	char source_id[40]; /* libvirt: the domain's UUID; Proxmox: the VMID; "" for vms.d */
	struct hp_backend *backends; /* imported VMs: malloc'd, owned by the configuration */
	size_t nr_backends;
	bool not_huge;		/* imported, and its definition asks for no huge pages: listed
				   as read, no pages planned (its memory counts as ordinary) */
	uint64_t plain_memory;	/* bytes its definition has off huge pages (ordinary memory) */
	unsigned set_keys;	/* HP_KEY_*: what its vms.d file set */
	const char *override;	/* imported VMs: the vms.d file that changes some keys, or NULL */
	unsigned override_keys; /* HP_KEY_* that file changed */
	bool keephugepages;	/* Proxmox: keephugepages: 1 */
	char note[160];		/* what the source holds that is not planned, "" none */
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
	unsigned sources;      /* Sources=: HP_SOURCES_* bits; 0 is auto */
	struct hp_loc sources_loc;
	bool auto_apply;		      /* AutoApply=: hugeplan-replan.service applies */
	enum hp_backing_mode default_backing; /* DefaultBacking=, static */
	struct hp_loc default_backing_loc;
	unsigned dynamic_peak; /* DynamicPeak=: dynamic VMs running at once; 0: all of them */
	struct hp_loc dynamic_peak_loc;
};

/* Sources= */
enum {
	HP_SOURCES_FILES = 1U << HP_SRC_FILES,
	HP_SOURCES_LIBVIRT = 1U << HP_SRC_LIBVIRT,
	HP_SOURCES_PROXMOX = 1U << HP_SRC_PROXMOX,
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

/* hp_source_name - "files", "libvirt", "proxmox" */
const char *hp_source_name(enum hp_source s);

/* hp_policy_name - "any", "bind", "interleave", "preferred" (QEMU's words) */
const char *hp_policy_name(enum hp_policy p);

#endif
