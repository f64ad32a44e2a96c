// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test helper for the grub tier: the core's renderings and the atomic file layer, from the
 * command line, so shell tests can feed them and fail their system calls with strace.
 *   tool snippet TOKEN...            99-hugeplan.cfg for these tokens, on stdout
 *   tool cmdline [--proc] TOKEN...   stdin edited as /etc/kernel/cmdline, on stdout
 *   tool write PATH                  stdin atomically into PATH; prints written/unchanged
 *   tool remove PATH                 PATH removed; prints removed/absent
 *   tool owned                       for each word on stdin (one a line): "1" when
 *                                    hp_word_owned() says hugeplan owns it, else "0"
 * Exit 0, or 1 with the error (and the failed step) on stderr.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cmdline-edit.h"
#include "core/grub-snippet.h"
#include "sys/atomic-file.h"

int main(int argc, char **argv)
{
	const char *const *toks;
	char in[65536], *out = NULL;
	unsigned flags = 0;
	size_t n, bad = 0;
	int r;

	if (argc < 2)
		return 2;
	if (strcmp(argv[1], "snippet") == 0) {
		toks = (const char *const *)argv + 2;
		r = hp_grub_snippet(toks, (size_t)argc - 2, &out, &bad);
	} else if (strcmp(argv[1], "cmdline") == 0) {
		int first = 2;

		if (argc > 2 && strcmp(argv[2], "--proc") == 0) {
			flags = HP_CMDLINE_FROM_PROC;
			first = 3;
		}
		n = fread(in, 1, sizeof(in) - 1, stdin);
		in[n] = '\0';
		toks = (const char *const *)argv + first;
		r = hp_cmdline_edit(in, toks, (size_t)(argc - first), flags, &out);
	} else if (argc == 2 && strcmp(argv[1], "owned") == 0) {
		while (fgets(in, sizeof(in), stdin)) {
			n = strcspn(in, "\n");
			printf("%d\n", hp_word_owned(in, n) ? 1 : 0);
		}
		return 0;
	} else if (argc == 3 && strcmp(argv[1], "write") == 0) {
		enum hp_af_step step = HP_AF_NONE;

		n = fread(in, 1, sizeof(in), stdin);
		r = hp_atomic_write(NULL, argv[2], in, n, 0644, &step);
		if (r < 0) {
			fprintf(stderr, "tool: %s: %s: %s\n", argv[2], hp_af_step_name(step),
				strerror(-r));
			return 1;
		}
		puts(r == HP_AF_UNCHANGED ? "unchanged" : "written");
		return 0;
	} else if (argc == 3 && strcmp(argv[1], "remove") == 0) {
		enum hp_af_step step = HP_AF_NONE;

		r = hp_atomic_remove(NULL, argv[2], &step);
		if (r < 0) {
			fprintf(stderr, "tool: %s: %s: %s\n", argv[2], hp_af_step_name(step),
				strerror(-r));
			return 1;
		}
		puts(r == HP_AF_ABSENT ? "absent" : "removed");
		return 0;
	} else {
		return 2;
	}
	if (r < 0) {
		fprintf(stderr, "tool: %s (token %zu)\n", strerror(-r), bad);
		return 1;
	}
	fputs(out, stdout);
	free(out);
	return 0;
}
