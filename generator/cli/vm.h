/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hugeplan vm start/stop, and what status borrows of it. */
#ifndef HP_CLI_VM_H
#define HP_CLI_VM_H

#include <stdio.h>

/*
 * hp_vm_settle - put back what an interrupted vm start (a STARTING record whose process is
 * gone) added, and take its record away; each said on out (NULL: quiet). The caller holds
 * the vm lock. Returns how many were settled, or -errno.
 */
int hp_vm_settle(const char *root, const char *except, FILE *out);

#endif
