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

static int scan_file(const char *root, const char *file, bool after, struct hp_grub_word *out,
		     size_t max, size_t *count)
{
	struct hp_grub_hit hits[16];
	size_t n;
	char *text;
	int r;

	r = hp_read_text(root, &text, NULL, SCRIPT_MAX, "%s", file);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	n = hp_grub_scan(text, hits, 16);
	free(text);
	for (size_t i = 0; i < n; i++, (*count)++) {
		struct hp_grub_word *w = &out[*count];

		if (*count >= max || i >= 16)
			continue;
		snprintf(w->file, sizeof(w->file), "%s", file);
		w->line = hits[i].line;
		snprintf(w->word, sizeof(w->word), "%s", hits[i].word);
		w->after_snippet = after;
	}
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int hp_grub_find_words(const char *root, struct hp_grub_word *out, size_t max)
{
	char file[512], **names = NULL;
	size_t count = 0, nr = 0, cap = 0;
	struct dirent *e;
	DIR *d;
	int r;

	r = scan_file(root, HP_P_GRUB_DEFAULT, false, out, max, &count);
	if (r < 0)
		return r;
	r = hp_root_opendir(root, HP_P_GRUB_D, &d);
	if (r < 0)
		return r == -ENOENT ? (int)count : r;
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
			r = scan_file(root, file, strcmp(names[i], HP_GRUB_SNIPPET_NAME) > 0, out,
				      max, &count);
		}
		free(names[i]);
	}
	free(names);
	return r < 0 ? r : (int)count;
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
