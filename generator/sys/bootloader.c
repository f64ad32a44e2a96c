// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/grub-snippet.h"
#include "sys/bootloader.h"
#include "sys/path.h"
#include "sys/root.h"

#define SCRIPT_MAX (1U << 20)

static bool executable(const char *root, const char *path)
{
	struct stat st;

	return hp_root_stat(root, path, &st, true) == 0 && S_ISREG(st.st_mode) &&
	       (st.st_mode & 0111);
}

static void first_found(const char *root, char *dst, size_t len, const char *const *cands, size_t n)
{
	dst[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (executable(root, cands[i])) {
			snprintf(dst, len, "%s", cands[i]);
			return;
		}
	}
}

int hp_boot_probe(const char *root, struct hp_boot_facts *f)
{
	static const char *const mkconfig[] = { HP_P_GRUB_MKCONFIG, HP_P_GRUB_MKCONFIG_B,
						HP_P_GRUB2_MKCONFIG };
	static const char *const update[] = { HP_P_UPDATE_GRUB };
	static const char *const ki[] = { HP_P_KERNEL_INSTALL };
	char *text;
	int r;

	memset(f, 0, sizeof(*f));
	first_found(root, f->mkconfig, sizeof(f->mkconfig), mkconfig, 3);
	first_found(root, f->update_grub, sizeof(f->update_grub), update, 1);
	first_found(root, f->kernel_install, sizeof(f->kernel_install), ki, 1);
	f->kernel_cmdline = hp_path_exists(root, "%s", HP_P_KERNEL_CMDLINE);
	if (!f->mkconfig[0])
		return 0;
	/* Debian's grub-mkconfig.in: 'for x in ${sysconfdir}/default/grub.d/\*.cfg' */
	r = hp_read_text(root, &text, NULL, SCRIPT_MAX, "%s", f->mkconfig);
	if (r < 0)
		return r;
	f->mkconfig_reads_grub_d = strstr(text, "/default/grub.d/") != NULL;
	free(text);
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * fn(ctx, root, file, text, after) for /etc/default/grub and every /etc/default/grub.d/ *.cfg
 * but hugeplan's, in the order grub-mkconfig sources them (C collation); after: it comes after
 * 99-hugeplan.cfg. Missing files are skipped; a negative return of fn stops the walk.
 */
static int for_each_grub_file(const char *root, int (*fn)(void *, const char *, const char *, bool),
			      void *ctx)
{
	char file[512], **names = NULL, *text;
	size_t nr = 0, cap = 0;
	struct dirent *e;
	DIR *d;
	int r;

	r = hp_read_text(root, &text, NULL, SCRIPT_MAX, "%s", HP_P_GRUB_DEFAULT);
	if (r == 0) {
		r = fn(ctx, HP_P_GRUB_DEFAULT, text, false);
		free(text);
	}
	if (r < 0 && r != -ENOENT)
		return r;
	r = hp_root_opendir(root, HP_P_GRUB_D, &d);
	if (r < 0)
		return r == -ENOENT ? 0 : r;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (len < 5 || strcmp(e->d_name + len - 4, ".cfg") ||
		    !strcmp(e->d_name, HP_GRUB_SNIPPET_NAME))
			continue;
		if (nr == cap) {
			char **nn = realloc(names, (cap = cap ? cap * 2 : 16) * sizeof(*names));

			if (!nn) {
				r = -ENOMEM;
				break;
			}
			names = nn;
		}
		names[nr] = strdup(e->d_name);
		if (!names[nr]) {
			r = -ENOMEM;
			break;
		}
		nr++;
	}
	closedir(d);
	if (r == 0 && nr)
		qsort(names, nr, sizeof(*names), cmp_names);
	for (size_t i = 0; i < nr; i++) {
		if (r == 0) {
			snprintf(file, sizeof(file), "%s/%s", HP_P_GRUB_D, names[i]);
			r = hp_read_text(root, &text, NULL, SCRIPT_MAX, "%s", file);
			if (r == 0) {
				r = fn(ctx, file, text, strcmp(names[i], HP_GRUB_SNIPPET_NAME) > 0);
				free(text);
			} else if (r == -ENOENT) {
				r = 0;
			}
		}
		free(names[i]);
	}
	free(names);
	return r;
}

struct words {
	struct hp_grub_word *out;
	size_t max, count;
};

static int scan_words(void *ctx, const char *file, const char *text, bool after)
{
	struct words *w = ctx;
	struct hp_grub_hit hits[16];
	size_t n = hp_grub_scan(text, hits, 16);

	for (size_t i = 0; i < n; i++, w->count++) {
		struct hp_grub_word *g = &w->out[w->count];

		if (w->count >= w->max || i >= 16)
			continue;
		snprintf(g->file, sizeof(g->file), "%s", file);
		g->line = hits[i].line;
		snprintf(g->word, sizeof(g->word), "%s", hits[i].word);
		g->after_snippet = after;
	}
	return 0;
}

int hp_grub_find_words(const char *root, struct hp_grub_word *out, size_t max)
{
	struct words w = { .out = out, .max = max };
	int r = for_each_grub_file(root, scan_words, &w);

	return r < 0 ? r : (int)w.count;
}

struct init {
	char *file;
	size_t len;
	unsigned *line;
};

static int scan_init(void *ctx, const char *file, const char *text, bool after)
{
	struct init *in = ctx;
	unsigned line = hp_grub_scan_init(text);

	(void)after;
	/* the last assignment counts: a later file without "--" does not undo it, though */
	if (line) {
		snprintf(in->file, in->len, "%s", file);
		*in->line = line;
	}
	return 0;
}

int hp_grub_find_init(const char *root, char *file, size_t len, unsigned *line)
{
	struct init in = { .file = file, .len = len, .line = line };

	file[0] = '\0';
	*line = 0;
	return for_each_grub_file(root, scan_init, &in);
}

int hp_run(const char *const *argv, int *status, const char **step)
{
	int pfd[2], err = 0, st;
	ssize_t k;
	pid_t pid;

	/* the child reports a failed exec through this pipe; a successful exec closes it */
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		*step = "pipe";
		return -errno;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		err = -errno;
		close(pfd[0]);
		close(pfd[1]);
		*step = "fork";
		return err;
	}
	if (pid == 0) {
		int null = open(HP_P_DEVNULL, O_RDONLY | O_CLOEXEC);

		if (null >= 0)
			dup2(null, STDIN_FILENO);
		execv(argv[0], (char *const *)argv);
		err = errno;
		k = write(pfd[1], &err, sizeof(err));
		(void)k;
		_exit(127);
	}
	close(pfd[1]);
	do
		k = read(pfd[0], &err, sizeof(err));
	while (k < 0 && errno == EINTR);
	close(pfd[0]);
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR) {
			*step = "wait";
			return -errno;
		}
	}
	if (k == (ssize_t)sizeof(err)) {
		*step = "exec";
		return -err;
	}
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return 0;
}
