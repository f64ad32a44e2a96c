/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reads host facts (core/host.h) through the path layer. libc only: the early-boot verifier
 * links it too.
 */
#ifndef HP_HOST_H
#define HP_HOST_H

#include "core/host.h"

/* hp_host_read - read every fact under root. -errno on failure, with h->err set. */
int hp_host_read(const char *root, struct hp_host *h);

/*
 * hp_host_read_kernel - only what the command line simulation needs (hp_host_karch()): the
 * online nodes (ids, no memory), the huge page sizes, the kernel version and the command line.
 * Skips meminfo and cpuinfo, which are costly to generate on large machines. For the generator,
 * which runs at every boot. -errno on failure, with h->err set.
 */
int hp_host_read_kernel(const char *root, struct hp_host *h);

#endif
