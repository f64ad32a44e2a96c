// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/bootspec.h"
#include "core/grub-snippet.h"
#include "core/macro.h"
#include "core/text.h"
#include "sys/bootloader.h"
#include "sys/path.h"
#include "sys/root.h"

#define SCRIPT_MAX (1U << 20)

static bool regular(const char *root, const char *path)
{
	struct stat st;

	return hp_root_stat(root, path, &st, true) == 0 && S_ISREG(st.st_mode);
}

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
	static const char *const pve[] = { HP_P_PROXMOX_BOOT };
	static const char *const grubby[] = { HP_P_GRUBBY };
	char *text;
	int r;

	memset(f, 0, sizeof(*f));
	first_found(root, f->mkconfig, sizeof(f->mkconfig), mkconfig, 3);
	first_found(root, f->update_grub, sizeof(f->update_grub), update, 1);
	first_found(root, f->kernel_install, sizeof(f->kernel_install), ki, 1);
	f->kernel_cmdline = hp_path_exists(root, "%s", HP_P_KERNEL_CMDLINE);
	first_found(root, f->proxmox_boot_tool, sizeof(f->proxmox_boot_tool), pve, 1);
	f->proxmox_uuids = hp_path_exists(root, "%s", HP_P_PROXMOX_UUIDS);
	first_found(root, f->grubby, sizeof(f->grubby), grubby, 1);
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

/* the shell script that sources the files, one line each, quoted for sh */
struct script {
	struct hp_text t;
	bool snippet_done;
	const char *snippet;
};

/* ". 'FILE'", the quotes of the name escaped; hugeplan's snippet first where its name sorts */
static int script_file(void *ctx, const char *file, const char *text, bool after)
{
	struct script *sc = ctx;

	(void)text;
	if (sc->snippet && !sc->snippet_done && after) {
		hp_text_puts(&sc->t, ". /dev/stdin\n"); /* its new text comes on stdin */
		sc->snippet_done = true;
	}
	hp_text_puts(&sc->t, ". '");
	for (const char *p = file; *p; p++)
		hp_text_put(&sc->t, *p == '\'' ? "'\\''" : p, *p == '\'' ? 4 : 1);
	hp_text_puts(&sc->t, "'\n");
	return 0;
}

int hp_grub_source(const char *snippet, struct hp_grub_vars *v, int *status, char *err,
		   size_t errlen)
{
	struct script sc = { .t = HP_TEXT_INIT, .snippet = snippet };
	char *out = NULL, *p, *script = NULL;
	size_t n = 0;
	int r;

	memset(v, 0, sizeof(*v));
	*status = 0;
	err[0] = '\0';
	hp_text_puts(&sc.t, "set -e\n");
	r = for_each_grub_file(NULL, script_file, &sc);
	if (r == 0 && sc.snippet && !sc.snippet_done)
		hp_text_puts(&sc.t, ". /dev/stdin\n");
	hp_text_puts(
		&sc.t,
		"printf '%s\\0' \"${GRUB_CMDLINE_LINUX-}\" \"${GRUB_CMDLINE_LINUX_DEFAULT-}\" \"${GRUB_DISABLE_RECOVERY-}\"\n");
	if (r < 0) {
		hp_text_free(&sc.t);
		return r;
	}
	r = hp_text_finish(&sc.t, &script, NULL);
	if (r == 0) {
		const char *argv[] = { HP_P_SH, "-c", script, NULL };

		r = hp_run_capture(argv, snippet ? snippet : "", &out, &n, status, err, errlen);
	}
	free(script);
	if (r < 0)
		return r;
	if (*status) {
		free(out);
		return -ECHILD;
	}
	/* three NUL-terminated values */
	p = out;
	v->linux_ = strndup(p, strnlen(p, n));
	p += strnlen(p, n) + 1;
	v->linux_default = p < out + n ? strndup(p, strnlen(p, (size_t)(out + n - p))) : strdup("");
	p += strnlen(p, (size_t)(out + n > p ? out + n - p : 0)) + 1;
	v->disable_recovery =
		p < out + n ? strndup(p, strnlen(p, (size_t)(out + n - p))) : strdup("");
	free(out);
	if (!v->linux_ || !v->linux_default || !v->disable_recovery) {
		hp_grub_vars_free(v);
		return -ENOMEM;
	}
	return 0;
}

void hp_grub_vars_free(struct hp_grub_vars *v)
{
	free(v->linux_);
	free(v->linux_default);
	free(v->disable_recovery);
	memset(v, 0, sizeof(*v));
}

int hp_grub_kernels(const char *root, char (*out)[256], size_t max)
{
	struct dirent *e;
	size_t n = 0;
	DIR *d;
	int r = hp_root_opendir(root, HP_P_BOOT, &d);

	if (r < 0)
		return r == -ENOENT ? 0 : r;
	while ((e = readdir(d)) && n < max) {
		const char *v = startswith(e->d_name, "vmlinuz-");
		char path[4096];

		snprintf(path, sizeof(path), "%s/%s", HP_P_BOOT, e->d_name);
		if (!v || !*v || strlen(v) >= 256 || !regular(root, path))
			continue;
		snprintf(out[n++], 256, "%s", v);
	}
	closedir(d);
	qsort(out, n, sizeof(*out), hp_vercmp_newest);
	return (int)n;
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

int hp_run_capture(const char *const *argv, const char *in, char **out, size_t *outlen, int *status,
		   char *err, size_t errlen)
{
	static char *const env[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
	int ipipe[2] = { -1, -1 }, opipe[2] = { -1, -1 }, epipe[2] = { -1, -1 }, st, r = 0;
	size_t inlen = strlen(in), done = 0, n = 0, cap = 4096, en = 0;
	char *buf = malloc(cap);
	pid_t pid;

	if (!buf)
		return -ENOMEM;
	if (pipe2(ipipe, O_CLOEXEC) < 0 || pipe2(opipe, O_CLOEXEC) < 0 ||
	    pipe2(epipe, O_CLOEXEC) < 0) {
		r = -errno;
		goto fail;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		r = -errno;
		goto fail;
	}
	if (pid == 0) {
		dup2(ipipe[0], STDIN_FILENO);
		dup2(opipe[1], STDOUT_FILENO);
		dup2(epipe[1], STDERR_FILENO);
		execve(argv[0], (char *const *)argv, env);
		_exit(127);
	}
	close(ipipe[0]);
	close(opipe[1]);
	close(epipe[1]);
	ipipe[0] = opipe[1] = epipe[1] = -1;
	if (!inlen) {
		close(ipipe[1]);
		ipipe[1] = -1;
	}
	/* feed stdin while reading stdout and stderr, so that no pipe fills up */
	while (opipe[0] >= 0 || epipe[0] >= 0) {
		struct pollfd fds[3] = { { .fd = opipe[0], .events = POLLIN },
					 { .fd = epipe[0], .events = POLLIN },
					 { .fd = ipipe[1], .events = POLLOUT } };
		ssize_t k;

		if (poll(fds, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			break;
		}
		if (fds[2].revents) {
			k = write(ipipe[1], in + done, inlen - done);
			if (k > 0)
				done += (size_t)k;
			if (k < 0 || done == inlen) {
				close(ipipe[1]);
				ipipe[1] = -1;
			}
		}
		if (fds[0].revents) {
			if (n == cap) {
				char *b = cap < (16U << 20) ? realloc(buf, cap * 2) : NULL;

				if (!b) {
					r = -ENOMEM;
					break;
				}
				buf = b;
				cap *= 2;
			}
			k = read(opipe[0], buf + n, cap - n);
			if (k > 0) {
				n += (size_t)k;
			} else {
				close(opipe[0]);
				opipe[0] = -1;
			}
		}
		if (fds[1].revents) {
			char tmp[512];

			k = read(epipe[0], tmp, sizeof(tmp));
			if (k > 0) {
				for (ssize_t i = 0; i < k && en + 1 < errlen; i++)
					err[en++] = tmp[i] == '\n' ? ' ' : tmp[i];
				if (errlen)
					err[en] = '\0';
			} else {
				close(epipe[0]);
				epipe[0] = -1;
			}
		}
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			r = r ? r : -errno;
			break;
		}
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
fail:
	for (int i = 0; i < 2; i++) {
		if (ipipe[i] >= 0)
			close(ipipe[i]);
		if (opipe[i] >= 0)
			close(opipe[i]);
		if (epipe[i] >= 0)
			close(epipe[i]);
	}
	if (r < 0) {
		free(buf);
		return r;
	}
	*out = buf;
	*outlen = n;
	return 0;
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
