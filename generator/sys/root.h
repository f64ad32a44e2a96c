/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Paths beneath a root, resolved as if the root were "/". Every system access of hugeplan,
 * hugeplan-generator and hugeplan-verify goes through these functions (or through
 * sys/path.h's readers, which use them): a new reader or writer must too.
 *
 * root is NULL, "" or "/" for the running system: paths are then opened as they are.
 * Otherwise it is a directory (an offline image, a fixture tree: --root, $HUGEPLAN_ROOT) and
 * path, absolute as on that system ("/etc/kernel/cmdline"), is resolved inside it the way a
 * process chrooted into it would: ".." stops at the root, and a symbolic link whose target is
 * absolute ("etc/kernel -> /etc/kernel") starts again at the root, never at the real "/".
 * Nothing under a root can lead a read or a write out of it, whatever links the image holds.
 *
 * The kernel does the resolution (openat2() with RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS).
 * Where openat2() is missing (Linux before 5.6, or a seccomp filter that answers ENOSYS),
 * the same resolution is done here one component at a time, each opened O_NOFOLLOW beneath
 * a directory already resolved, symbolic links read and followed by hand with the same rules
 * (absolute targets and ".." stay inside the root; at most 40 links, else -ELOOP): both give
 * the same answers, which tests/harden/run-root.sh checks by running the programs both ways.
 *
 * Every function returns 0 (or an fd) on success and -errno on failure. Messages compose the
 * root-prefixed path with hp_path() (sys/path.h); what is opened is never that string.
 * libc only: the early-boot verifier links this.
 */
#ifndef HP_SYS_ROOT_H
#define HP_SYS_ROOT_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

/* Returned (negated) for a path that must be a regular file and is not (a FIFO, a device). */
#define HP_ENOTREG EMEDIUMTYPE

/*
 * hp_root_open - open(2) of path beneath root, with O_CLOEXEC | O_NOCTTY added. flags and
 * mode as for open(2), O_CREAT and O_EXCL included (a dangling link is then created inside
 * the root, never outside); O_NOFOLLOW applies to the last component only, as for open(2).
 * Returns the fd or -errno.
 */
int hp_root_open(const char *root, const char *path, int flags, mode_t mode);

/*
 * hp_root_open_file - open the regular file at path beneath root for reading. What is there
 * is looked at first (an O_PATH open, which never acts on a device): anything but a regular
 * file is refused, unopened, with -HP_ENOTREG (-EISDIR for a directory). It is then opened
 * O_NONBLOCK (a FIFO swapped in meanwhile never blocks) and must still be that file
 * (-ESTALE otherwise). The running system's own /proc and /sys (root NULL, "" or "/") are
 * opened without the look: no device or FIFO is there to act on, and the fstat() after the
 * open still refuses anything but a regular file. st, if given, gets its fstat(). Returns
 * the fd or -errno.
 */
int hp_root_open_file(const char *root, const char *path, struct stat *st);

/*
 * hp_root_open_looked - hp_root_open_file() of path, whose lstat beneath root the caller has
 * just taken (looked): a regular file is opened (O_NONBLOCK, O_NOFOLLOW) without a second
 * look, and must still be that file (-ESTALE otherwise); anything else is refused unopened,
 * as hp_root_open_file() refuses it.
 */
int hp_root_open_looked(const char *root, const char *path, const struct stat *looked,
			struct stat *st);

/*
 * hp_root_open_file_in - hp_root_open_file() of path, a file directly in a directory already
 * opened beneath root (dirfd, any mode, O_PATH too), where it is name: judged with fstatat()
 * (its own lstat; the directory was resolved inside the root), so no path is walked again. A
 * symbolic link there is resolved as hp_root_open_file() resolves path. Same answers.
 */
int hp_root_open_file_in(const char *root, int dirfd, const char *path, const char *name,
			 struct stat *st);

/*
 * hp_dir_each - fn for each entry of the open directory dirfd (its offset moves), read with
 * getdents64() into a buffer on the stack: a DIR's 32 KiB buffer is pages written, at every
 * boot for the programs that run then. A nonzero return of fn stops the walk and is returned;
 * a failed read is -errno (what was read before it was shown); 0 at the end.
 */
struct dirent64;
int hp_dir_each(int dirfd, int (*fn)(const struct dirent64 *e, void *ctx), void *ctx);

/*
 * hp_root_dir_regular - which of names (at most 32) the entries of the directory dirfd
 * (opened O_RDONLY | O_DIRECTORY beneath a root) list as regular files (d_type: judged
 * without a call per file): bit i of *mask, and inos[i] its inode number. An entry absent,
 * of another type or of a type the file system does not say (DT_UNKNOWN) has no bit: judge it
 * with hp_root_open_file_in(), which says why. 0 or -errno.
 */
int hp_root_dir_regular(int dirfd, const char *const *names, size_t n, ino_t *inos, unsigned *mask);

/*
 * hp_root_open_judged - open name in dirfd, judged a regular file of inode ino by
 * hp_root_dir_regular(): O_NONBLOCK, no link followed; it must still be that file (-ESTALE).
 * st, if given, gets its fstat(). The fd, or -errno: then take hp_root_open_file_in().
 */
int hp_root_open_judged(int dirfd, const char *name, ino_t ino, struct stat *st);

/*
 * hp_root_hold - keep root open for the calls that follow with the same root (the same
 * string): each then resolves beneath that descriptor instead of opening root again, as
 * the programs that run at every boot want (an open is microseconds there). It is O_PATH and
 * close-on-exec; a process that forks a child to chroot must not hold one. Nothing for the
 * running system. hp_root_release() closes it. 0 or -errno (then nothing is held).
 */
int hp_root_hold(const char *root);
void hp_root_release(void);

/* hp_root_opendir - a directory beneath root, for readdir(). 0 and *out, or -errno. */
int hp_root_opendir(const char *root, const char *path, DIR **out);

/*
 * hp_root_stat - stat(2) of path beneath root (follow true: links followed inside the root)
 * or lstat(2) (follow false: the last component itself). 0 or -errno.
 */
int hp_root_stat(const char *root, const char *path, struct stat *st, bool follow);

/*
 * hp_root_readlink - the target of the symbolic link at path beneath root (the text of the
 * link, as readlink(2) gives it, NUL-terminated). 0, -EINVAL if it is not a link,
 * -ENAMETOOLONG if it does not fit len, or -errno.
 */
int hp_root_readlink(const char *root, const char *path, char *buf, size_t len);

/*
 * hp_root_mkdirs - create dir beneath root and its missing parents (mode 0755, umask not
 * applied). 0 if it exists or was made, -ENOTDIR when a component is not a directory,
 * -ENOENT for a dangling link on the way, or -errno.
 */
int hp_root_mkdirs(const char *root, const char *dir);

/* hp_root_mkdirs_made - the same; *made (if given) says whether this call made dir itself. */
int hp_root_mkdirs_made(const char *root, const char *dir, bool *made);

/* What hp_root_walk() shows its callback. */
enum hp_walk_kind {
	HP_WALK_DIR,  /* a directory on the way (the root and those above it included) */
	HP_WALK_LINK, /* a symbolic link on the way, followed after the callback (its lstat) */
	HP_WALK_LEAF, /* what path finally names, links followed */
};

/*
 * Called for each step of a walk, in order: shown is its path as messages show it (under
 * root's own name), st its stat. A negative return stops the walk and is returned.
 */
typedef int (*hp_walk_fn)(void *ctx, const char *shown, const struct stat *st,
			  enum hp_walk_kind kind);

/*
 * hp_root_walk - resolve path beneath root as hp_root_open() does, and show fn every
 * directory and symbolic link on the way and what it ends at: first "/" and the directories
 * from "/" down to the root itself as the running system has them (each as HP_WALK_DIR,
 * links on that way as HP_WALK_LINK), then each step beneath the root. Every link's target
 * is walked the same way, so every directory and link a resolution depends on is seen
 * exactly as it is used. Always by hand (openat2() shows nothing of the way). 0 or -errno.
 */
int hp_root_walk(const char *root, const char *path, hp_walk_fn fn, void *ctx);

/*
 * hp_root_resolve - where path beneath root ends once every link is followed, as messages
 * show it (under root's own name, "/" for the running system): "IMG/etc/x" for a path whose
 * links lead to /etc/x in the image. 0 or -errno (-ENOENT for a dangling link).
 */
int hp_root_resolve(const char *root, const char *path, char *buf, size_t len);

/* hp_root_is_host - whether root names the running system (NULL, "" or "/"). */
bool hp_root_is_host(const char *root);

/* hp_strerror - strerror(-r), with a plain sentence for -HP_ENOTREG. */
const char *hp_strerror(int r);

#endif
