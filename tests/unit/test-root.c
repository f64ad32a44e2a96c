// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the boot path's opens (issue 20) keep of the hardening rules (issue 12):
 * - hp_root_open_looked(): a file whose lstat the caller took is opened without a second
 *   look, and must still be that file: one swapped in after the look is -ESTALE, a link
 *   there now is not followed (-ELOOP), a directory or a FIFO looked at is refused unopened
 *   (never a hang), beneath a root as on the host;
 * - hp_root_open_file() of the running system's /proc and /sys (opened without a look): a
 *   regular file opens, a directory is -EISDIR, a missing file -ENOENT.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hp-test.h"
#include "sys/root.h"

struct fx {
	char dir[256];
	char file[300], other[300], fifo[300];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (hp_test_tmpdir(f->dir, sizeof(f->dir), "hp-root") < 0)
		return -1;
	snprintf(f->file, sizeof(f->file), "%s/hugeplan.conf", f->dir);
	snprintf(f->other, sizeof(f->other), "%s/other", f->dir);
	snprintf(f->fifo, sizeof(f->fifo), "%s/fifo", f->dir);
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

static void put(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

/* path as hp_root_open_looked() takes it: on the host (NULL) or beneath f->dir */
static int open_looked(const struct fx *f, const char *root, const char *path,
		       const struct stat *looked, struct stat *st)
{
	return hp_root_open_looked(root, root ? path + strlen(f->dir) : path, looked, st);
}

static void looked(const struct fx *f, const char *root)
{
	struct stat lst, st;
	char buf[16];
	int fd;

	put(f->file, "[Host]\n");
	assert_int_equal(lstat(f->file, &lst), 0);
	fd = open_looked(f, root, f->file, &lst, &st);
	assert_true(fd >= 0);
	assert_int_equal(st.st_ino, lst.st_ino);
	assert_int_equal(read(fd, buf, sizeof(buf)), 7);
	close(fd);

	/* replaced after the look: not the file looked at */
	put(f->other, "[Host]\nStrict=no\n");
	assert_int_equal(rename(f->other, f->file), 0);
	assert_int_equal(open_looked(f, root, f->file, &lst, &st), -ESTALE);

	/* a link there now: not followed */
	assert_int_equal(lstat(f->file, &lst), 0);
	assert_int_equal(unlink(f->file), 0);
	put(f->other, "x\n");
	assert_int_equal(symlink("other", f->file), 0);
	assert_int_equal(open_looked(f, root, f->file, &lst, &st), -ELOOP);

	/* what the look found is refused unopened: a FIFO (no writer: an open would wait) */
	assert_int_equal(mkfifo(f->fifo, 0600), 0);
	assert_int_equal(lstat(f->fifo, &lst), 0);
	assert_int_equal(open_looked(f, root, f->fifo, &lst, &st), -HP_ENOTREG);
	assert_int_equal(lstat(f->dir, &lst), 0);
	assert_int_equal(open_looked(f, root, f->dir, &lst, &st), -EISDIR);
	unlink(f->file);
	unlink(f->other);
	unlink(f->fifo);
}

static void test_looked_host(void **state)
{
	looked(*state, NULL);
}

static void test_looked_root(void **state)
{
	struct fx *f = *state;

	looked(f, f->dir);
}

static void test_kernel_files(void **state)
{
	struct stat st;
	int fd;

	(void)state;
	fd = hp_root_open_file(NULL, "/proc/self/stat", &st);
	assert_true(fd >= 0);
	assert_true(S_ISREG(st.st_mode));
	close(fd);
	assert_int_equal(hp_root_open_file(NULL, "/proc/sys", &st), -EISDIR);
	assert_int_equal(hp_root_open_file("/", "/sys/kernel", &st), -EISDIR);
	assert_int_equal(hp_root_open_file(NULL, "/proc/no such file", &st), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_looked_host, setup, teardown),
		cmocka_unit_test_setup_teardown(test_looked_root, setup, teardown),
		cmocka_unit_test(test_kernel_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
