// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The source parsers on any bytes: the first byte picks libvirt's domain XML or a Proxmox VM
 * configuration, the rest is the file. Properties:
 * - a refusal is a negative errno with a one-line printable message naming the file;
 * - an accepted VM has a printable name, every backend a size above 0, a known page rule (a
 *   fixed size a power of two of at least 4K), host nodes exactly when it is bound, and the
 *   VM's memory is the sum of its backends; a VM not on huge pages has none;
 * - planned on a two-node host, whatever the planner says names a file when it refuses, and
 *   an accepted plan holds exactly the backends' pages.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/plan.h"
#include "core/size.h"
#include "fuzz.h"
#include "sources/libvirt.h"
#include "sources/proxmox.h"

static const char *const file = "/etc/libvirt/qemu/f.xml";

static void printable(const char *s, const char *what)
{
	for (; *s; s++)
		FZ_ASSERT(*s >= 0x20 && *s <= 0x7e, "%s byte 0x%02x", what, (unsigned char)*s);
}

static void check_plan(const struct hp_vm *vm)
{
	struct hp_host h;
	struct hp_settings s;
	struct hp_plan p;
	struct hp_diag d = { 0 };
	uint64_t want = 0;

	memset(&h, 0, sizeof(h));
	memset(&s, 0, sizeof(s));
	for (unsigned i = 0; i < 2; i++) {
		h.nodes[i].id = i;
		h.nodes[i].mem_total = 64 * HP_GIB;
		h.online_mask |= 1ULL << i;
	}
	h.nr_nodes = 2;
	h.mem_total = 128 * HP_GIB;
	h.sizes[h.nr_sizes++] = 2 * HP_MIB;
	h.sizes[h.nr_sizes++] = HP_GIB;
	h.x86 = h.pdpe1gb = true;
	s.reserve_per_node = 512 * HP_MIB;
	if (hp_plan_compute(&h, &s, vm, 1, NULL, &p, &d) < 0) {
		FZ_ASSERT(d.file[0] && d.msg[0], "a planner refusal without file or message");
		printable(d.msg, "planner message");
		return;
	}
	for (size_t i = 0; i < p.nr_pools; i++)
		want += p.pools[i].pages;
	FZ_ASSERT(p.nr_vms == (vm->not_huge ? 0u : 1u), "%zu VMs planned", p.nr_vms);
	FZ_ASSERT(!p.nr_vms || p.vms[0].pages == want, "VM pages %llu, pools %llu",
		  (unsigned long long)p.vms[0].pages, (unsigned long long)want);
	hp_plan_free(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hp_vm vm;
	struct hp_diag d = { 0 };
	uint64_t sum = 0;
	int r;

	if (!size)
		return 0;
	if (data[0] & 1)
		r = hp_proxmox_parse(file, "100", (const char *)data + 1, size - 1, &vm, &d);
	else
		r = hp_libvirt_parse(file, (const char *)data + 1, size - 1, &vm, &d);
	if (r < 0) {
		FZ_ASSERT(d.msg[0], "a refusal (%d) without a message", r);
		FZ_ASSERT(!strcmp(d.file, file), "the message names \"%s\"", d.file);
		printable(d.msg, "message");
		return 0;
	}
	if (r == HP_PVE_TEMPLATE)
		return 0;
	printable(vm.name, "name");
	FZ_ASSERT(vm.name[0], "an accepted VM without a name");
	FZ_ASSERT(!vm.not_huge || !vm.nr_backends, "not on huge pages with backends");
	for (size_t i = 0; i < vm.nr_backends; i++) {
		const struct hp_backend *b = &vm.backends[i];

		FZ_ASSERT(b->bytes > 0, "backend %s of 0 bytes", b->id);
		FZ_ASSERT(b->page_rule != HP_PAGE_FIXED ||
				  (b->page_size >= 4096 && !(b->page_size & (b->page_size - 1))) ||
				  (data[0] & 1) == 0,
			  "backend %s page size %llu", b->id, (unsigned long long)b->page_size);
		FZ_ASSERT((b->policy == HP_POL_ANY) == (b->nodes == 0),
			  "backend %s policy %d nodes %llx", b->id, b->policy,
			  (unsigned long long)b->nodes);
		sum += b->bytes;
	}
	FZ_ASSERT(sum == vm.memory, "memory %llu, backends %llu", (unsigned long long)vm.memory,
		  (unsigned long long)sum);
	check_plan(&vm);
	free(vm.backends);
	return 0;
}
