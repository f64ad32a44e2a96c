// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hp_atomic_write()/hp_atomic_remove() on a real temporary directory. Failures are real ones:
 * a missing directory, a symlink, and RLIMIT_FSIZE making write() fail with EFBIG part way.
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
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "sys/atomic-file.h"

struct fx {
	char dir[256];
	char file[300];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "%s/hp-atomic.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->file, sizeof(f->file), "%s/99-hugeplan.cfg", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
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
	assert_int_equal(hp_atomic_write(f->file, "abc\n", 4, 0644, &step), HP_AF_WRITTEN);
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
	assert_int_equal(hp_atomic_write(f->file, "same\n", 5, 0644, NULL), HP_AF_UNCHANGED);
	assert_int_equal(stat(f->file, &st2), 0);
	assert_int_equal(st2.st_mtime, 1000000000);
	assert_int_equal(st2.st_ino, st.st_ino);
	/* a prefix, an extension and one changed byte are all changes */
	assert_int_equal(hp_atomic_write(f->file, "same", 4, 0644, NULL), HP_AF_WRITTEN);
	assert_file(f->file, "same");
	assert_int_equal(hp_atomic_write(f->file, "same\n\n", 6, 0644, NULL), HP_AF_WRITTEN);
	assert_int_equal(hp_atomic_write(f->file, "sane\n\n", 6, 0644, NULL), HP_AF_WRITTEN);
	assert_file(f->file, "sane\n\n");
	assert_int_equal(entries(f->dir), 1);
}

static void test_replace_keeps_mode(void **state)
{
	struct fx *f = *state;
	struct stat st, st2;

	put(f->file, "old\n");
	assert_int_equal(chmod(f->file, 0600), 0);
	assert_int_equal(stat(f->file, &st), 0);
	assert_int_equal(hp_atomic_write(f->file, "new\n", 4, 0644, NULL), HP_AF_WRITTEN);
	assert_file(f->file, "new\n");
	assert_int_equal(stat(f->file, &st2), 0);
	assert_int_equal(st2.st_mode & 07777, 0600);
	assert_true(st2.st_ino != st.st_ino); /* renamed over, not rewritten in place */
}

static void test_empty_content(void **state)
{
	struct fx *f = *state;

	assert_int_equal(hp_atomic_write(f->file, "", 0, 0644, NULL), HP_AF_WRITTEN);
	assert_file(f->file, "");
	assert_int_equal(hp_atomic_write(f->file, "", 0, 0644, NULL), HP_AF_UNCHANGED);
}

static void test_symlink_refused(void **state)
{
	struct fx *f = *state;
	enum hp_af_step step = HP_AF_NONE;
	char target[300];

	snprintf(target, sizeof(target), "%s/elsewhere", f->dir);
	put(target, "precious\n");
	assert_int_equal(symlink(target, f->file), 0);
	assert_int_equal(hp_atomic_write(f->file, "x\n", 2, 0644, &step), -ELOOP);
	assert_int_equal(step, HP_AF_READ);
	assert_file(target, "precious\n");
	assert_int_equal(entries(f->dir), 2);
}

static void test_directory_refused(void **state)
{
	struct fx *f = *state;
	enum hp_af_step step = HP_AF_NONE;

	assert_int_equal(mkdir(f->file, 0755), 0);
	assert_int_equal(hp_atomic_write(f->file, "x\n", 2, 0644, &step), -EISDIR);
	assert_int_equal(step, HP_AF_READ);
	assert_int_equal(entries(f->dir), 1);
}

static void test_missing_dir(void **state)
{
	struct fx *f = *state;
	enum hp_af_step step = HP_AF_NONE;
	char path[400];

	snprintf(path, sizeof(path), "%s/no/such/file", f->dir);
	assert_int_equal(hp_atomic_write(path, "x\n", 2, 0644, &step), -ENOENT);
	assert_int_equal(step, HP_AF_CREATE);
	assert_string_equal(hp_af_step_name(step), "create temporary file");
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
	assert_int_equal(hp_atomic_write(f->file, big, sizeof(big), 0644, &step), -EFBIG);
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
	assert_int_equal(hp_atomic_remove(f->file, &step), 0);
	assert_int_equal(access(f->file, F_OK), -1);
	assert_int_equal(hp_atomic_remove(f->file, &step), HP_AF_ABSENT);
	assert_int_equal(mkdir(f->file, 0755), 0);
	assert_int_equal(hp_atomic_remove(f->file, &step), -EISDIR);
	assert_int_equal(step, HP_AF_UNLINK);
}

static void test_mkdirs(void **state)
{
	struct fx *f = *state;
	char path[400];
	struct stat st;

	snprintf(path, sizeof(path), "%s/var/lib/hugeplan", f->dir);
	assert_int_equal(hp_mkdirs(path), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(hp_mkdirs(path), 0);
	put(f->file, "x\n");
	snprintf(path, sizeof(path), "%s/sub", f->file);
	assert_int_equal(hp_mkdirs(path), -ENOTDIR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unchanged_keeps_mtime, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replace_keeps_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_content, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlink_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_directory_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remove, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mkdirs, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
