// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What status reads of the running guests from /proc, any bytes: a process's cmdline judged
 * by qemu-server's rule (core/pveqemu.h) and by libvirt's (core/libvirtqemu.h), and a
 * numa_maps (core/numamaps.h). Input: the first
 * byte picks the VMID and the name buffer's length, the rest is the cmdline, and also (up to
 * a NUL) the numa_maps text.
 *
 * Properties:
 * - nothing is read outside the cmdline's bytes (the copy is exactly that long: ASan);
 * - a QEMU of that VM has the pid file's name, as qemu-server writes it or through /run, as
 *   a whole argument in its first line, and a name that is the VMID or one hugeplan takes
 *   (hp_vm_name_valid()), NUL-terminated inside any buffer length;
 * - a libvirt domain's QEMU has a whole argument -name or --name, and the domain's name
 *   somewhere after it;
 * - numa_maps: at most one counted mapping per line, and only lines that say "huge".
 */
#include "core/libvirtqemu.h"
#include "core/numamaps.h"
#include "core/pveqemu.h"
#include "core/vm.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* whether arg is one whole argument of the first line of b (len bytes) */
static bool has_arg(const char *b, size_t len, const char *arg)
{
	size_t al = strlen(arg);
	const char *nl = memchr(b, '\n', len);

	if (nl)
		len = (size_t)(nl - b);
	for (size_t i = 0; i + al <= len; i++)
		if ((i == 0 || b[i - 1] == '\0') && !memcmp(b + i, arg, al) &&
		    (i + al == len || b[i + al] == '\0'))
			return true;
	return false;
}

/* the offset just past the first whole argument -name or --name of b (len bytes), or 0 */
static size_t name_opt(const char *b, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (i == 0 || b[i - 1] == '\0')
			for (size_t k = 5; k <= 6; k++)
				if (i + k < len && !memcmp(b + i, k == 5 ? "-name" : "--name", k) &&
				    b[i + k] == '\0')
					return i + k;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const vmids[] = { "8006", "100", "1", "999999999" };
	struct fz_in in = { data, size };
	uint8_t sel = fz_u8(&in);
	const char *vmid = vmids[sel & 3];
	size_t namelen = sel >> 2, lines = 1, huge = 0;
	char *b = malloc(in.n ? in.n : 1), *t = malloc(in.n + 1), name[96];
	char want[64], want_run[64];
	uint64_t pages[HP_MAX_NODES];

	if (!b || !t) {
		free(b);
		free(t);
		return 0;
	}
	if (!namelen)
		namelen = sizeof(name);
	memcpy(b, in.p, in.n);
	memset(name, 'x', sizeof(name));
	if (hp_pve_qemu(b, in.n, vmid, name, namelen)) {
		snprintf(want, sizeof(want), "/var/run/qemu-server/%s.pid", vmid);
		snprintf(want_run, sizeof(want_run), "/run/qemu-server/%s.pid", vmid);
		FZ_ASSERT(has_arg(b, in.n, want) || has_arg(b, in.n, want_run),
			  "VM %s's QEMU without its pid file as an argument", vmid);
		FZ_ASSERT(memchr(name, '\0', namelen), "name not terminated in %zu bytes", namelen);
		if (namelen > 64 + 1)
			FZ_ASSERT(!strcmp(name, vmid) || hp_vm_name_valid(name),
				  "name \"%s\" is neither the VMID nor valid", name);
		for (size_t i = namelen; i < sizeof(name); i++)
			FZ_ASSERT(name[i] == 'x', "name written past %zu bytes", namelen);
	}
	{
		const char *dom = (sel & 4) ? "small2m" : "a";
		size_t at;

		if (hp_libvirt_qemu(b, in.n, dom)) {
			at = name_opt(b, in.n);
			FZ_ASSERT(at, "domain %s's QEMU without -name", dom);
			FZ_ASSERT(memmem(b + at, in.n - at, dom, strlen(dom)),
				  "domain %s's QEMU without its name after -name", dom);
		}
	}
	memcpy(t, in.p, in.n);
	t[in.n] = '\0';
	for (const char *p = t; *p; p++)
		lines += *p == '\n';
	for (const char *p = strstr(t, "huge"); p; p = strstr(p + 1, "huge"))
		huge++;
	{
		unsigned counted = hp_numa_maps_huge(t, 2 * 1024 * 1024, pages);

		FZ_ASSERT(counted <= lines && counted <= huge,
			  "%u mappings in %zu lines (%zu huge)", counted, lines, huge);
	}
	free(b);
	free(t);
	return 0;
}
