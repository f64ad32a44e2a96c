// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <limits.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/libvirtqemu.h"
#include "core/numamaps.h"
#include "core/pathnames.h"
#include "core/pveqemu.h"
#include "sys/guests.h"
#include "sys/path.h"
#include "sys/root.h"

#define NUMA_MAPS_MAX (64U << 20) /* a QEMU has a few hundred mappings */
#define CMDLINE_MAX   (1U << 20)  /* qemu-server's command lines are a few KiB */
#define STATUS_MAX    (16U << 20) /* libvirt's status files are some 10 KiB */

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct hp_guest *)a)->name, ((const struct hp_guest *)b)->name);
}

/* the pid in a pid file; -ENOENT: none (not a pid) */
static int read_pid(const char *root, const char *fmt, const char *name, long *pid)
{
	uint64_t v;
	int r = hp_read_u64(root, &v, fmt, name);

	if (r < 0)
		return r == -EINVAL ? -ENOENT : r;
	if (!v || v > INT32_MAX)
		return -ENOENT;
	*pid = (long)v;
	return 0;
}

/*
 * Whether pid's /proc/PID/exe is the binary emulator, by virPidFileReadPathIfAlive()'s rule
 * (core/libvirtqemu.h): the same file, or the same path once " (deleted)" is taken off the
 * link and links are resolved. 0 yes, -ENOENT no (or the process is gone), -errno.
 */
static int exe_is(const char *root, long pid, const char *emulator)
{
	char exe[64], link[PATH_MAX], a[PATH_MAX], b[PATH_MAX];
	struct stat sa, sb;
	size_t n;
	int r;

	snprintf(exe, sizeof(exe), HP_P_PROC_PID_EXE, pid);
	if (hp_root_stat(root, exe, &sa, true) == 0 &&
	    hp_root_stat(root, emulator, &sb, true) == 0 && sa.st_dev == sb.st_dev &&
	    sa.st_ino == sb.st_ino)
		return 0;
	/* gone, or running no binary (a zombie, a kernel thread); not root: noted by the caller */
	r = hp_root_readlink(root, exe, link, sizeof(link));
	if (r == -ENOENT || r == -ESRCH || r == -EINVAL)
		return -ENOENT;
	if (r < 0)
		return r;
	n = hp_exe_undeleted(link);
	link[n] = '\0';
	if (link[0] != '/' || hp_root_resolve(root, link, a, sizeof(a)) < 0 ||
	    hp_root_resolve(root, emulator, b, sizeof(b)) < 0 || strcmp(a, b))
		return -ENOENT;
	return 0;
}

/*
 * a libvirt guest's pid, when its QEMU still runs (core/libvirtqemu.h): the status file's pid
 * is the pid file's, that process runs the domain's emulator, and its -name is the domain's.
 * -ENOENT: none runs.
 */
static int libvirt_pid(const char *root, hp_libvirt_status_fn status, struct hp_guest *g)
{
	char emulator[PATH_MAX], pidname[6 * HP_GUEST_NAME_MAX], *text;
	long spid;
	size_t len;
	bool ours;
	int r;

	g->source = HP_SRC_LIBVIRT;
	r = hp_libvirt_pid_name(g->name, pidname, sizeof(pidname));
	if (r < 0)
		return -ENOENT;
	r = read_pid(root, HP_P_LIBVIRT_PID, pidname, &g->pid);
	if (r < 0)
		return r;
	/* the status file (root's alone, 0600) */
	r = hp_read_text(root, &text, &len, STATUS_MAX, HP_P_LIBVIRT_STATUS, g->name);
	if (r < 0)
		return r;
	r = status(text, len, &spid, emulator, sizeof(emulator));
	free(text);
	if (r < 0)
		return r == -EINVAL ? -ENOENT : r;
	if (g->pid != spid)
		return -ENOENT;
	r = exe_is(root, g->pid, emulator);
	if (r < 0)
		return r;
	r = hp_read_text(root, &text, &len, CMDLINE_MAX, HP_P_PROC_PID_CMDLINE, g->pid);
	if (r < 0)
		return r == -ENOENT || r == -ESRCH ? -ENOENT : r;
	ours = hp_libvirt_qemu(text, len, g->name);
	free(text);
	return ours ? 0 : -ENOENT;
}

/* a Proxmox VE guest's pid and name (core/pveqemu.h); -ENOENT: none runs */
static int pve_pid(const char *root, struct hp_guest *g)
{
	size_t len;
	char *text;
	bool ours;
	int r;

	g->source = HP_SRC_PROXMOX;
	memcpy(g->vmid, g->name, sizeof(g->vmid));
	r = read_pid(root, HP_P_PVE_PID, g->vmid, &g->pid);
	if (r < 0)
		return r;
	r = hp_read_text(root, &text, &len, CMDLINE_MAX, HP_P_PROC_PID_CMDLINE, g->pid);
	if (r < 0)
		return r == -ENOENT || r == -ESRCH ? -ENOENT : r;
	ours = hp_pve_qemu(text, len, g->vmid, g->name, sizeof(g->name));
	free(text);
	return ours ? 0 : -ENOENT;
}

/* one guest's pages; -ENOENT: no such process (a stale pid file) */
static int read_guest(const char *root, const struct hp_pools *pools, hp_libvirt_status_fn status,
		      bool pve, struct hp_guest *g)
{
	char *text;
	int r;

	r = pve ? pve_pid(root, g) : libvirt_pid(root, status, g);
	if (r < 0)
		return r;
	r = hp_read_text(root, &text, NULL, NUMA_MAPS_MAX, HP_P_NUMA_MAPS, g->pid);
	if (r < 0)
		return r == -ESRCH ? -ENOENT : r;
	for (size_t i = 0; i < pools->nr_pools && i < HP_MAX_SIZES; i++)
		hp_numa_maps_huge(text, pools->pools[i].size, g->pages[i]);
	free(text);
	return 0;
}

static void note_add(char *note, size_t notelen, size_t *o, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void note_add(char *note, size_t notelen, size_t *o, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (*o >= notelen)
		return;
	if (*o)
		*o += (size_t)snprintf(note + *o, notelen - *o, "; ");
	if (*o >= notelen)
		return;
	va_start(ap, fmt);
	k = vsnprintf(note + *o, notelen - *o, fmt, ap);
	va_end(ap);
	if (k > 0)
		*o += (size_t)k;
}

/*
 * The guests of one manager's directory, appended to *gs: libvirt's running domains (a status
 * file NAME.xml each; driver.pid, libvirtd's own lock, has none), or (pve) qemu-server's pid
 * files VMID.pid. 0, or -ENOMEM; a directory that cannot be read is noted.
 */
static int read_dir(const char *root, const struct hp_pools *pools, hp_libvirt_status_fn status,
		    bool pve, struct hp_guest **gs, size_t *nr, size_t *cap, char *note,
		    size_t notelen, size_t *o)
{
	const char *dir = pve ? HP_P_PVE_RUN : HP_P_LIBVIRT_QEMU_RUN;
	struct dirent *de;
	DIR *d;
	int r;

	r = hp_root_opendir(root, dir, &d);
	if (r == -ENOENT)
		return 0;
	if (r < 0) {
		if (r == -ENOMEM)
			return r;
		note_add(note, notelen, o, "%s: %s", dir, hp_strerror(r));
		return 0;
	}
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		struct hp_guest *g;

		if (len <= 4 || strcmp(de->d_name + len - 4, pve ? ".pid" : ".xml") ||
		    len - 4 >= (pve ? sizeof(g->vmid) : HP_GUEST_NAME_MAX))
			continue;
		/* qemu-server's pid files are VMID.pid; its other files (VMID.qmp, .vnc) too */
		if (pve && strspn(de->d_name, "0123456789") != len - 4)
			continue;
		if (*nr == *cap) {
			struct hp_guest *m = realloc(*gs, (*cap ? *cap * 2 : 4) * sizeof(**gs));

			if (!m) {
				closedir(d);
				return -ENOMEM;
			}
			*gs = m;
			*cap = *cap ? *cap * 2 : 4;
		}
		g = &(*gs)[*nr];
		memset(g, 0, sizeof(*g));
		memcpy(g->name, de->d_name, len - 4);
		r = read_guest(root, pools, status, pve, g);
		if (r == -ENOMEM) {
			closedir(d);
			return r;
		}
		if (r == -ENOENT)
			continue;
		if (r < 0) {
			if (pve && strcmp(g->name, g->vmid))
				note_add(note, notelen, o, "%s (VMID %s, pid %ld): %s", g->name,
					 g->vmid, g->pid, hp_strerror(r));
			else if (pve)
				note_add(note, notelen, o, "VMID %s (pid %ld): %s", g->vmid, g->pid,
					 hp_strerror(r));
			else
				note_add(note, notelen, o, "%s (pid %ld): %s", g->name, g->pid,
					 hp_strerror(r));
			continue;
		}
		(*nr)++;
	}
	closedir(d);
	return 0;
}

int hp_guests_read(const char *root, const struct hp_pools *pools, hp_libvirt_status_fn status,
		   struct hp_guest **out, size_t *n, char *note, size_t notelen)
{
	struct hp_guest *gs = NULL;
	size_t nr = 0, cap = 0, o = 0;
	int r;

	*out = NULL;
	*n = 0;
	if (notelen)
		note[0] = '\0';
	r = read_dir(root, pools, status, false, &gs, &nr, &cap, note, notelen, &o);
	if (r == 0)
		r = read_dir(root, pools, status, true, &gs, &nr, &cap, note, notelen, &o);
	if (r < 0) {
		free(gs);
		return r;
	}
	if (nr)
		qsort(gs, nr, sizeof(*gs), by_name);
	else {
		free(gs);
		gs = NULL;
	}
	*out = gs;
	*n = nr;
	return 0;
}
