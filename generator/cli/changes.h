/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What changed per VM between two plans (core/stale.h: hp_stale_changes()), in words: the
 * lines status prints under its Plan part and hugeplan-replan.service logs, one per VM.
 */
#ifndef HP_CLI_CHANGES_H
#define HP_CLI_CHANGES_H

#include <stddef.h>

#include "core/plan.h"
#include "core/stale.h"
#include "core/vmrec.h"

/* The records compared and the plan today's came from (after's order is the plan's). */
struct hp_cli_changes {
	const struct hp_recs *before, *after;
	const struct hp_plan *plan;
	struct hp_changes changes;
};

/* hp_cli_changes_vm - today's VM of a change, NULL for a removed one */
const struct hp_vm *hp_cli_changes_vm(const struct hp_cli_changes *cc,
				      const struct hp_vm_change *c);

/* hp_cli_changes_summary - "added: cache, web; grew: db1": the changed VMs by kind */
void hp_cli_changes_summary(const struct hp_cli_changes *cc, char *buf, size_t len);

/*
 * hp_cli_change_line - one VM: "cache (libvirt, /etc/libvirt/qemu/cache.xml): added: 1 x 1G",
 * "db1 (files, FILE): grew from 1.00 GiB to 2.00 GiB: 1 x 1G -> 2 x 1G". The file is today's
 * (as read, under --root), a removed VM's the one recorded; escaped (hp_escape()).
 */
void hp_cli_change_line(const struct hp_cli_changes *cc, const struct hp_vm_change *c, char *buf,
			size_t len);

#endif
