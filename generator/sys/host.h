/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reads host facts (core/host.h) through the path layer. libc only: the early-boot verifier
 * links it too.
 */
#ifndef HP_HOST_H
#define HP_HOST_H

#include <stddef.h>
#include <stdint.h>

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

/*
 * hp_read_cmdline - root's /proc/cmdline, the whole line without its newline, into buf of
 * len bytes (HP_KCMDLINE_MAX: 4095 bytes of words, the most COMMAND_LINE_SIZE 4096 leaves).
 * Every reader of the command line uses this. 0; -E2BIG when the line is longer (never cut,
 * never read as empty); -EINVAL for a NUL byte in it; -errno (-ENOENT: no file). buf is ""
 * on failure.
 */
int hp_read_cmdline(const char *root, char *buf, size_t len);

/* hp_cmdline_strerror - what a failure of hp_read_cmdline() means, for a message. */
const char *hp_cmdline_strerror(int r);

/*
 * hp_hstate_dir_size - the page size of a /sys/kernel/mm/hugepages entry "hugepages-NkB", in
 * bytes. 0; -EINVAL for another name; -ERANGE when N KiB do not fit 64 bits of bytes.
 */
int hp_hstate_dir_size(const char *name, uint64_t *size);

/*
 * hp_hstate_sizes - the page sizes of the hugepages-<kB>kB entries of HP_P_HUGEPAGES beneath
 * root, ascending, at most max of them. No directory (a kernel without hugetlbfs): none, 0.
 * -ERANGE with the entry's name in bad for a size that does not fit 64 bits of bytes, or
 * -errno (bad ""). Read with getdents64() into a buffer on the stack: a DIR's 32 KiB buffer
 * is pages written at every boot (the generator and the verifier both list them).
 */
int hp_hstate_sizes(const char *root, uint64_t *sizes, size_t max, size_t *n, char *bad,
		    size_t badlen);

/* hp_hstate_sizes_fd - the same from the directory fd, open for reading (its offset moves). */
int hp_hstate_sizes_fd(int fd, uint64_t *sizes, size_t max, size_t *n, char *bad, size_t badlen);

#endif
