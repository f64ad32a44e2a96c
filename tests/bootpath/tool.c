// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The pure boot path modules (core/bls.h, core/pe.h, core/grubsh.h, core/kdump.h) as a
 * command, so that tests/bootpath can hold their answers against the real tools': bootctl,
 * kernel-install, grub-mkconfig, kdump-config. Built by the tests against the core library.
 *
 *   tool bls-edit FILE [TOKEN...]        the entry with the tokens in (none: owned words out)
 *   tool bls-options FILE                the entry's options, joined
 *   tool bls-undo CUR BEFORE AFTER       what remove writes
 *   tool cmdline-edit FILE [TOKEN...]    /etc/kernel/cmdline with the tokens in
 *   tool uki-cmdline FILE                a UKI's .cmdline as systemd-stub passes it on
 *   tool grub-kernel VALUE [NAME=VALUE]  the kernel's command line from a linux line's words
 *   tool kdump-debian NEXT CMDLINE APPEND   the crash kernel's command line ("-": unset)
 *   tool kpool CMDLINE                   the pools an x86-64 kernel (2M, 1G) is asked for
 *   tool vercmp A B                      "A < B", "A == B" or "A > B" (core/bootspec.h),
 *                                        as systemd-analyze compare-versions prints it
 *   tool bls-default ROOT                the id of the entry sys/bls.h finds boots next
 *   tool grub-default CFG [GRUBENV]      the kernel of GRUB's default entry (core/nextboot.h)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/bls.h"
#include "core/bootspec.h"
#include "core/cmdline-edit.h"
#include "core/grubsh.h"
#include "core/kcmdline.h"
#include "core/kdump.h"
#include "core/nextboot.h"
#include "core/pe.h"
#include "sys/bls.h"
#include "sys/path.h"

static char *slurp(const char *path)
{
	char *t;
	int r = hp_read_text(NULL, &t, NULL, 1 << 20, "%s", path);

	if (r < 0) {
		fprintf(stderr, "tool: %s: %s\n", path, strerror(-r));
		exit(2);
	}
	return t;
}

static int uki(const char *path)
{
	unsigned char head[HP_PE_HEAD_MAX];
	const struct hp_pe_section *s;
	struct hp_pe pe;
	char data[8192], out[8192];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC), r;

	if (fd < 0)
		return 2;
	n = pread(fd, head, sizeof(head), 0);
	r = hp_pe_parse(head, n < 0 ? 0 : (size_t)n, &pe);
	if (r < 0) {
		fprintf(stderr, "tool: %s: %s\n", path, strerror(-r));
		return 1;
	}
	printf("uki=%s\n", hp_pe_is_uki(&pe) ? "yes" : "no");
	s = hp_pe_find(&pe, ".cmdline");
	if (s) {
		size_t len = hp_pe_section_len(s);

		n = pread(fd, data, len < sizeof(data) ? len : sizeof(data), s->raw_offset);
		hp_uki_cmdline_text(data, n < 0 ? 0 : (size_t)n, out, sizeof(out));
		printf("cmdline=%s\n", out);
	}
	close(fd);
	return 0;
}

static char **var_argv;
static int var_argc;

static const char *var(const char *name, void *ctx)
{
	size_t n = strlen(name);

	(void)ctx;
	for (int i = 0; i < var_argc; i++)
		if (!strncmp(var_argv[i], name, n) && var_argv[i][n] == '=')
			return var_argv[i] + n + 1;
	return NULL;
}

int main(int argc, char **argv)
{
	char *out = NULL;
	int r = -EINVAL;

	if (argc < 3)
		return 2;
	if (!strcmp(argv[1], "bls-edit")) {
		unsigned bad = 0;
		char *t = slurp(argv[2]);

		r = hp_bls_edit(t, (const char *const *)argv + 3, (size_t)argc - 3, &out, &bad);
		if (r == -EINVAL)
			fprintf(stderr, "tool: %s:%u: refused\n", argv[2], bad);
	} else if (!strcmp(argv[1], "bls-options")) {
		struct hp_bls_entry e;
		char *t = slurp(argv[2]);

		r = hp_bls_parse(t, &e);
		if (!r)
			printf("%s\n", e.options);
		hp_bls_entry_free(&e);
		return r ? 1 : 0;
	} else if (!strcmp(argv[1], "bls-undo") && argc == 5) {
		enum hp_bls_undo_how how;

		r = hp_bls_undo(slurp(argv[2]), slurp(argv[3]), slurp(argv[4]), &out, &how, NULL);
	} else if (!strcmp(argv[1], "cmdline-edit")) {
		r = hp_cmdline_edit(slurp(argv[2]), (const char *const *)argv + 3, (size_t)argc - 3,
				    0, &out);
	} else if (!strcmp(argv[1], "uki-cmdline")) {
		return uki(argv[2]);
	} else if (!strcmp(argv[1], "grub-kernel")) {
		var_argv = argv + 3;
		var_argc = argc - 3;
		r = hp_grub_kernel_cmdline(argv[2], var, NULL, &out);
		if (!r)
			printf("%s\n", out);
		free(out);
		return r ? 1 : 0;
	} else if (!strcmp(argv[1], "kpool")) {
		struct hp_karch a = { .sizes = { 2ULL << 20, 1ULL << 30 },
				      .nr_sizes = 2,
				      .hpage_size = 2ULL << 20,
				      .gigantic_min = 8ULL << 20,
				      .online_nodes = 1,
				      .node_alloc = true,
				      .hugepages_supported = true };
		static struct hp_kreq req;

		hp_kcmdline_simulate(argv[2], &a, &req);
		for (size_t i = 0; i < req.nr_pools; i++)
			if (req.pools[i].pages)
				printf("%s=%llu\n", req.pools[i].size == a.sizes[0] ? "2M" : "1G",
				       (unsigned long long)req.pools[i].pages);
		return 0;
	} else if (!strcmp(argv[1], "vercmp") && argc == 4) {
		int c = hp_vercmp(argv[2], argv[3]);

		printf("%s %s %s\n", argv[2], c < 0 ? "<" : c > 0 ? ">" : "==", argv[3]);
		return 0;
	} else if (!strcmp(argv[1], "grub-default")) {
		char kver[256];

		if (!hp_grub_default_kver(slurp(argv[2]), argc > 3 ? slurp(argv[3]) : NULL, kver,
					  sizeof(kver)))
			return 1;
		printf("%s\n", kver);
		return 0;
	} else if (!strcmp(argv[1], "bls-default")) {
		struct hp_bls_scan sc;
		char what[4096];

		r = hp_bls_scan(argv[2], &sc, what, sizeof(what));
		if (r == 0 && sc.def >= 0)
			printf("%s\n", sc.items[sc.def].key.id);
		hp_bls_scan_free(&sc);
		return r < 0 ? 1 : 0;
	} else if (!strcmp(argv[1], "kdump-debian") && argc == 5) {
		r = hp_kdump_debian(argv[2], strcmp(argv[3], "-") ? argv[3] : NULL,
				    strcmp(argv[4], "-") ? argv[4] : NULL, &out);
		if (!r)
			printf("%s\n", out);
		free(out);
		return r ? 1 : 0;
	}
	if (r < 0)
		return 1;
	fputs(out, stdout);
	free(out);
	return 0;
}
