// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hp_atomic_write()/hp_atomic_remove()/hp_atomic_rmdir() on a real temporary directory.
 * Failures are real ones: a missing directory, a symlink, and RLIMIT_FSIZE making write() fail
 * with EFBIG part way.
 * (tests/grub/run-atomic.sh fails fsync, rename and the other steps with strace.)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hp-test.h"

#include "sys/atomic-file.h"
#include "sys/root.h"

struct fx {
	char dir[256];
	char file[300];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (hp_test_tmpdir(f->dir, sizeof(f->dir), "hp-atomic") < 0)
		return -1;
	snprintf(f->file, sizeof(f->file), "%s/99-hugeplan.cfg", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	int r = hp_test_rmtree(f->dir);

	free(f);
	return r;
}

static size_t entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void put(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

static void assert_file(const char *path, const char *text)
{
	char buf[4096];
	FILE *fp = fopen(path, "r");
	size_t n;

	assert_non_null(fp);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	assert_int_equal(n, strlen(text));
	assert_string_equal(buf, text);
}

static void test_create(void **state)
{
	struct fx *f = *state;
	enum hp_af_step step = HP_AF_NONE;
	struct stat st;
	mode_t old = umask(077);

	/* the mode asked for, whatever the umask */
	assert_int_equal(hp_atomic_write(NULL, f->file, "abc\n", 4, 0644, &step), HP_AF_WRITTEN);
	umask(old);
	assert_file(f->file, "abc\n");
	assert_int_equal(stat(f->file, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(entries(f->dir), 1);
	assert_int_equal(step, HP_AF_NONE);
}

static void test_unchanged_keeps_mtime(void **state)
{
	struct fx *f = *state;
	struct timespec past[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
	struct stat st, st2;

	put(f->file, "same\n");
	assert_int_equal(utimensat(AT_FDCWD, f->file, past, 0), 0);
	assert_int_equal(stat(f->file, &st), 0);
	assert_int_equal(hp_atomic_write(NULL, f->file, "same\n", 5, 0644, NULL), HP_AF_UNCHANGED);
	assert_int_equal(stat(f->file, &st2), 0);
	assert_int_equal(st2.st_mtime, 1000000000);
	assert_int_equal(st2.st_ino, st.st_ino);
	/* a prefix, an extension and one changed byte are all changes */
	assert_int_equal(hp_atomic_write(NULL, f->file, "same", 4, 0644, NULL), HP_AF_WRITTEN);
	assert_file(f->file, "same");
	assert_int_equal(hp_atomic_write(NULL, f->file, "same\n\n", 6, 0644, NULL), HP_AF_WRITTEN);
	assert_int_equal(hp_atomic_write(NULL, f->file, "sane\n\n", 6, 0644, NULL), HP_AF_WRITTEN);
	assert_file(f->file, "sane\n\n");
	assert_int_equal(entries(f->dir), 1);
}

/* issue 12 item 8: the mode asked for, never the old file's; other names keep the old file */
static void test_replace_fixed_mode(void **state)
{
	struct fx *f = *state;
	char other[400];
	struct stat st, st2;

	put(f->file, "old\n");
	assert_int_equal(chmod(f->file, 04755), 0);
	assert_int_equal(stat(f->file, &st), 0);
	assert_int_equal(hp_atomic_write(NULL, f->file, "new\n", 4, 0644, NULL), HP_AF_WRITTEN);
	assert_file(f->file, "new\n");
	assert_int_equal(stat(f->file, &st2), 0);
	assert_int_equal(st2.st_mode & 07777, 0644);
	assert_true(st2.st_ino != st.st_ino); /* renamed over, not rewritten in place */

	/* the same content under another mode is no "unchanged": the mode is put right */
	assert_int_equal(chmod(f->file, 0666), 0);
	assert_int_equal(hp_atomic_write(NULL, f->file, "new\n", 4, 0644, NULL), HP_AF_WRITTEN);
	assert_int_equal(stat(f->file, &st2), 0);
	assert_int_equal(st2.st_mode & 07777, 0644);

	/* a hard link: the other name keeps the old file, untouched; ours is a file of its own */
	snprintf(other, sizeof(other), "%s/other", f->dir);
	assert_int_equal(link(f->file, other), 0);
	assert_int_equal(chmod(other, 06777), 0);
	assert_int_equal(hp_atomic_write(NULL, f->file, "new\n", 4, 0644, NULL), HP_AF_WRITTEN);
	assert_int_equal(stat(f->file, &st2), 0);
	assert_int_equal(st2.st_mode & 07777, 0644);
	assert_int_equal(st2.st_nlink, 1);
	assert_file(other, "new\n");
	assert_int_equal(stat(other, &st2), 0);
	assert_int_equal(st2.st_mode & 07777, 06777);
	assert_int_equal(st2.st_nlink, 1);
	assert_int_equal(hp_atomic_write(NULL, f->file, "new\n", 4, 0644, NULL), HP_AF_UNCHANGED);
}

static void test_empty_content(void **state)
{
	struct fx *f = *state;

	assert_int_equal(hp_atomic_write(NULL, f->file, "", 0, 0644, NULL), HP_AF_WRITTEN);
	assert_file(f->file, "");
	assert_int_equal(hp_atomic_write(NULL, f->file, "", 0, 0644, NULL), HP_AF_UNCHANGED);
}

static void test_symlink_refused(void **state)
{
	struct fx *f = *state;
	enum hp_af_step step = HP_AF_NONE;
	char target[300];

	snprintf(target, sizeof(target), "%s/elsewhere", f->dir);
	put(target, "precious\n");
	assert_int_equal(symlink(target, f->file), 0);
	assert_int_equal(hp_atomic_write(NULL, f->file, "x\n", 2, 0644, &step), -ELOOP);
	assert_int_equal(step, HP_AF_READ);
	assert_file(target, "precious\n");
	assert_int_equal(entries(f->dir), 2);
}

static void test_directory_refused(void **state)
{
	struct fx *f = *state;
	enum hp_af_step step = HP_AF_NONE;

	assert_int_equal(mkdir(f->file, 0755), 0);
	assert_int_equal(hp_atomic_write(NULL, f->file, "x\n", 2, 0644, &step), -EISDIR);
	assert_int_equal(step, HP_AF_READ);
	assert_int_equal(entries(f->dir), 1);
}

static void test_missing_dir(void **state)
{
	struct fx *f = *state;
	enum hp_af_step step = HP_AF_NONE;
	char path[400];

	snprintf(path, sizeof(path), "%s/no/such/file", f->dir);
	assert_int_equal(hp_atomic_write(NULL, path, "x\n", 2, 0644, &step), -ENOENT);
	assert_int_equal(step, HP_AF_OPEN_DIR);
	assert_string_equal(hp_af_step_name(step), "open directory");
	assert_int_equal(entries(f->dir), 0);
}

/* write() fails part way (EFBIG past RLIMIT_FSIZE): old file intact, no temporary left. */
static void test_write_failure(void **state)
{
	struct fx *f = *state;
	enum hp_af_step step = HP_AF_NONE;
	struct rlimit old, small;
	char big[10000];

	memset(big, 'n', sizeof(big));
	put(f->file, "old content\n");
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	small = old;
	small.rlim_cur = 4096;
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	assert_int_equal(hp_atomic_write(NULL, f->file, big, sizeof(big), 0644, &step), -EFBIG);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);
	assert_int_equal(step, HP_AF_WRITE);
	assert_file(f->file, "old content\n");
	assert_int_equal(entries(f->dir), 1);
}

static void test_remove(void **state)
{
	struct fx *f = *state;
	enum hp_af_step step = HP_AF_NONE;

	put(f->file, "x\n");
	assert_int_equal(hp_atomic_remove(NULL, f->file, &step), 0);
	assert_int_equal(access(f->file, F_OK), -1);
	assert_int_equal(hp_atomic_remove(NULL, f->file, &step), HP_AF_ABSENT);
	assert_int_equal(mkdir(f->file, 0755), 0);
	assert_int_equal(hp_atomic_remove(NULL, f->file, &step), -EISDIR);
	assert_int_equal(step, HP_AF_UNLINK);
}

/*
 * hp_atomic_rmdir() (a record's folder, core/blsapply.h): an empty folder goes, a missing one
 * is absent, a folder with anything in it stays (-ENOTEMPTY, step RMDIR); beneath a root, a
 * parent that links to an absolute path is the root's, never the host's.
 */
static void test_rmdir(void **state)
{
	struct fx *f = *state;
	enum hp_af_step step = HP_AF_NONE;
	char root[300], link[350], host[300], inside[700], sub[320], cmd[800];

	assert_int_equal(mkdir(f->file, 0755), 0);
	assert_int_equal(hp_atomic_rmdir(NULL, f->file, &step), 0);
	assert_int_equal(access(f->file, F_OK), -1);
	assert_int_equal(hp_atomic_rmdir(NULL, f->file, &step), HP_AF_ABSENT);
	assert_int_equal(mkdir(f->file, 0755), 0);
	snprintf(sub, sizeof(sub), "%s/before", f->file);
	put(sub, "x\n");
	assert_int_equal(hp_atomic_rmdir(NULL, f->file, &step), -ENOTEMPTY);
	assert_int_equal(step, HP_AF_RMDIR);
	assert_int_equal(access(sub, F_OK), 0);

	/* ROOT/rec -> HOST (absolute): rec/x beneath ROOT is ROOT/HOST/x */
	snprintf(root, sizeof(root), "%s/root", f->dir);
	snprintf(host, sizeof(host), "%s/host", f->dir);
	assert_int_equal(mkdir(root, 0755), 0);
	assert_int_equal(mkdir(host, 0755), 0);
	snprintf(sub, sizeof(sub), "%s/x", host);
	assert_int_equal(mkdir(sub, 0755), 0);
	snprintf(link, sizeof(link), "%s/rec", root);
	assert_int_equal(symlink(host, link), 0);
	assert_int_equal(hp_atomic_rmdir(root, "/rec/x", &step), HP_AF_ABSENT);
	assert_int_equal(access(sub, F_OK), 0);
	/* the link's target made inside the root: rec/x is made there */
	snprintf(inside, sizeof(inside), "%s%s/x", root, host);
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s%s'", root, host);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(hp_root_mkdirs(root, "/rec/x"), 0);
	assert_int_equal(access(inside, F_OK), 0);
	assert_int_equal(hp_atomic_rmdir(root, "/rec/x", &step), 0);
	assert_int_equal(access(inside, F_OK), -1);
	assert_int_equal(access(sub, F_OK), 0);
}

/* names a killed writer leaves (".NAME.XXXXXX~") and names that only look alike */
static const char *const stale[] = { ".99-hugeplan.cfg.0a1b2c~", ".99-hugeplan.cfg.ffffff~" };
static const char *const alike[] = {
	".99-hugeplan.cfg.0a1b2~",   ".99-hugeplan.cfg.0a1b2c3~", ".99-hugeplan.cfg.0A1B2C~",
	".99-hugeplan.cfg.0a1b2c",   "99-hugeplan.cfg.0a1b2c~",	  ".98-other.cfg.0a1b2c~",
	".99-hugeplan.cfg~.0a1b2c~", ".99-hugeplan.cfgx0a1b2c~",  ".99-hugeplan.cfg.0a1b2g~",
};

static void plant(const struct fx *f, const char *const *names, size_t n)
{
	char p[400];

	for (size_t i = 0; i < n; i++) {
		snprintf(p, sizeof(p), "%s/%s", f->dir, names[i]);
		put(p, "GRUB_CMDLINE_LINUX_DEFAULT=\"half written\n");
	}
}

static void assert_planted(const struct fx *f, const char *const *names, size_t n, int present)
{
	char p[400];

	for (size_t i = 0; i < n; i++) {
		snprintf(p, sizeof(p), "%s/%s", f->dir, names[i]);
		assert_int_equal(access(p, F_OK) == 0, present);
	}
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* a killed writer's temporary files go with the next write, changed or not, and remove */
static void test_stale_temps(void **state)
{
	struct fx *f = *state;

	put(f->file, "old\n");
	plant(f, stale, N(stale));
	plant(f, alike, N(alike));
	assert_int_equal(hp_atomic_write(NULL, f->file, "new\n", 4, 0644, NULL), HP_AF_WRITTEN);
	assert_planted(f, stale, N(stale), 0);
	assert_planted(f, alike, N(alike), 1);
	assert_file(f->file, "new\n");
	assert_int_equal(entries(f->dir), 1 + N(alike));

	plant(f, stale, N(stale));
	assert_int_equal(hp_atomic_write(NULL, f->file, "new\n", 4, 0644, NULL), HP_AF_UNCHANGED);
	assert_planted(f, stale, N(stale), 0);

	plant(f, stale, N(stale));
	assert_int_equal(hp_atomic_remove(NULL, f->file, NULL), 0);
	assert_planted(f, stale, N(stale), 0);
	plant(f, stale, N(stale));
	assert_int_equal(hp_atomic_remove(NULL, f->file, NULL), HP_AF_ABSENT);
	assert_planted(f, stale, N(stale), 0);
	assert_int_equal(entries(f->dir), N(alike));
}

/*
 * A live writer's temporary file is not taken for a stale one: a child locks the directory as
 * a writer does, creates its temporary file and only renames it once the parent is waiting.
 */
static void test_live_writer_kept(void **state)
{
	struct fx *f = *state;
	char tmp[400];
	int go[2], st;
	pid_t pid;

	snprintf(tmp, sizeof(tmp), "%s/%s", f->dir, stale[0]);
	assert_int_equal(pipe(go), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int dfd = open(f->dir, O_RDONLY | O_DIRECTORY);
		char c = 1;

		if (dfd < 0 || flock(dfd, LOCK_EX) < 0)
			_exit(10);
		put(tmp, "child\n");
		if (write(go[1], &c, 1) != 1)
			_exit(11);
		usleep(200000); /* the parent is blocked in flock by now */
		_exit(rename(tmp, f->file) < 0 ? 12 : 0);
	}
	close(go[1]);
	{
		char c;

		assert_int_equal(read(go[0], &c, 1), 1);
	}
	close(go[0]);
	assert_int_equal(hp_atomic_write(NULL, f->file, "parent\n", 7, 0644, NULL), HP_AF_WRITTEN);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0); /* its file was there to rename */
	assert_file(f->file, "parent\n");
	assert_int_equal(entries(f->dir), 1);
}

static void test_mkdirs(void **state)
{
	struct fx *f = *state;
	char path[400];
	struct stat st;

	snprintf(path, sizeof(path), "%s/var/lib/hugeplan", f->dir);
	assert_int_equal(hp_root_mkdirs(NULL, path), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(hp_root_mkdirs(NULL, path), 0);
	put(f->file, "x\n");
	snprintf(path, sizeof(path), "%s/sub", f->file);
	assert_int_equal(hp_root_mkdirs(NULL, path), -ENOTDIR);
	/* every missing parent, whatever the slashes and "." say */
	snprintf(path, sizeof(path), "%s//a/./b//c/", f->dir);
	assert_int_equal(hp_root_mkdirs(NULL, path), 0);
	snprintf(path, sizeof(path), "%s/a/b/c", f->dir);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	/* beneath a root: the same, the root's name as given */
	assert_int_equal(hp_root_mkdirs(f->dir, "/r1/r2"), 0);
	snprintf(path, sizeof(path), "%s/r1/r2", f->dir);
	assert_int_equal(stat(path, &st), 0);
	/* ".." anywhere, a relative path: refused, nothing made */
	assert_int_equal(hp_root_mkdirs(f->dir, "/r1/../x"), -EINVAL);
	assert_int_equal(hp_root_mkdirs(f->dir, "/r1/.."), -EINVAL);
	assert_int_equal(hp_root_mkdirs(f->dir, "r1/y"), -EINVAL);
	snprintf(path, sizeof(path), "%s/x", f->dir);
	assert_int_equal(access(path, F_OK), -1);
	/* "..x" is a name like any other */
	assert_int_equal(hp_root_mkdirs(f->dir, "/r1/..x"), 0);
	/* a dangling link on the way: -ENOENT, and nothing made at its target */
	snprintf(path, sizeof(path), "%s/dangling", f->dir);
	assert_int_equal(symlink("/nowhere/at/all", path), 0);
	assert_int_equal(hp_root_mkdirs(f->dir, "/dangling"), -ENOENT);
	snprintf(path, sizeof(path), "%s/nowhere", f->dir);
	assert_int_equal(access(path, F_OK), -1);
}

/* hp_root_mkdirs_made(): whether this call made the directory itself, on the host or not */
static void test_mkdirs_made(void **state)
{
	struct fx *f = *state;
	char path[400];
	bool made = true;

	/* the running system: one mkdir() where the parent is there, the walk where it is not */
	snprintf(path, sizeof(path), "%s/run", f->dir);
	assert_int_equal(hp_root_mkdirs_made(NULL, path, &made), 0);
	assert_true(made);
	assert_int_equal(hp_root_mkdirs_made(NULL, path, &made), 0);
	assert_false(made);
	snprintf(path, sizeof(path), "%s/p/q/r", f->dir);
	assert_int_equal(hp_root_mkdirs_made(NULL, path, &made), 0);
	assert_true(made);
	/* its parents made but not itself: not made (there meanwhile) */
	snprintf(path, sizeof(path), "%s/p/q", f->dir);
	assert_int_equal(hp_root_mkdirs_made(NULL, path, &made), 0);
	assert_false(made);
	/* a file, a dangling link there: no directory, said as before */
	put(f->file, "x\n");
	assert_int_equal(hp_root_mkdirs_made(NULL, f->file, &made), -ENOTDIR);
	snprintf(path, sizeof(path), "%s/dangling", f->dir);
	assert_int_equal(symlink("/nowhere/at/all", path), 0);
	assert_int_equal(hp_root_mkdirs_made(NULL, path, &made), -ENOENT);
	assert_int_equal(access("/nowhere", F_OK), -1);
	/* beneath a root */
	assert_int_equal(hp_root_mkdirs_made(f->dir, "/s1/s2", &made), 0);
	assert_true(made);
	assert_int_equal(hp_root_mkdirs_made(f->dir, "/s1/s2", &made), 0);
	assert_false(made);
	assert_int_equal(hp_root_mkdirs_made(f->dir, "/s1", &made), 0);
	assert_false(made);
}

/* into a directory just made: written as hp_atomic_write() writes, with nothing looked for */
static void test_write_new_dir(void **state)
{
	struct fx *f = *state;
	enum hp_af_step step;
	char dir[400], path[460];
	struct stat st;
	bool made;

	snprintf(dir, sizeof(dir), "%s/fresh", f->dir);
	assert_int_equal(hp_root_mkdirs_made(NULL, dir, &made), 0);
	assert_true(made);
	snprintf(path, sizeof(path), "%s/report.json", dir);
	assert_int_equal(hp_atomic_write_new_dir(NULL, path, "{}\n", 3, 0644, &step),
			 HP_AF_WRITTEN);
	assert_file(path, "{}\n");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(entries(dir), 1);
	/* the same content again: it did not compare, so it wrote (and still one entry) */
	assert_int_equal(hp_atomic_write_new_dir(NULL, path, "{}\n", 3, 0644, &step),
			 HP_AF_WRITTEN);
	assert_int_equal(hp_atomic_write(NULL, path, "{}\n", 3, 0644, &step), HP_AF_UNCHANGED);
	assert_int_equal(entries(dir), 1);
}

/* written unnamed and linked in (O_TMPFILE): exactly the mode asked for under any umask */
static void test_write_new_dir_umask(void **state)
{
	struct fx *f = *state;
	enum hp_af_step step;
	char dir[400], path[460];
	struct stat st;
	mode_t old;
	bool made;

	snprintf(dir, sizeof(dir), "%s/fresh", f->dir);
	assert_int_equal(hp_root_mkdirs_made(NULL, dir, &made), 0);
	snprintf(path, sizeof(path), "%s/report.json", dir);
	old = umask(0277);
	assert_int_equal(hp_atomic_write_new_dir(NULL, path, "{}\n", 3, 0644, &step),
			 HP_AF_WRITTEN);
	umask(old);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(st.st_nlink, 1);
	assert_file(path, "{}\n");
	assert_int_equal(entries(dir), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unchanged_keeps_mtime, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replace_fixed_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_content, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlink_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_directory_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remove, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rmdir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_temps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_live_writer_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mkdirs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mkdirs_made, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_new_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_new_dir_umask, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
