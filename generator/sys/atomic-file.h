/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Replacing a file so that a reader (or a crash) sees either the old content or the new,
 * never a mix: a temporary file in the same directory, created exclusively without following
 * links, written, fsync'd, renamed over the target, then the directory fsync'd. libc only.
 *
 * Paths are as on the system under a root and resolved beneath it (sys/root.h): the
 * directory is opened there once, and every later step works relative to it (openat,
 * renameat, unlinkat), so neither the file nor its temporary file can be outside the root,
 * whatever links the image holds. On failure the function
 * returns -errno and *step tells which step failed, for the message. Up to and including the
 * rename, a failure leaves the old file byte-for-byte and removes the temporary file. Only a
 * failed directory fsync comes after the rename: the new content is then in place but its
 * durability is not known, and the caller must say so.
 *
 * A writer killed between creating its temporary file (".NAME.XXXXXX~", six hex digits) and
 * the rename leaves it behind; nothing reads it (grub-mkconfig sources grub.d/ *.cfg). Writers
 * hold an exclusive flock on the directory from before they create one until after the rename
 * or unlink, so the next write or remove of the same file, holding the lock, removes any it
 * finds: they cannot pile up. Where the directory cannot be locked, they are left alone.
 */
#ifndef HP_ATOMIC_FILE_H
#define HP_ATOMIC_FILE_H

#include <stddef.h>
#include <sys/types.h>

enum hp_af_step {
	HP_AF_NONE = 0,
	HP_AF_MKDIR,	/* creating a missing directory */
	HP_AF_OPEN_DIR, /* opening the directory (for the lock and the final fsync) */
	HP_AF_READ,	/* reading the current file to compare (also: it is a symlink) */
	HP_AF_CREATE,	/* creating the temporary file */
	HP_AF_WRITE,	/* writing it */
	HP_AF_FSYNC,	/* fsync of the temporary file */
	HP_AF_CLOSE,	/* closing it */
	HP_AF_RENAME,	/* renaming it over the target */
	HP_AF_UNLINK,	/* removing the target */
	HP_AF_DIR_SYNC, /* fsync of the directory, after rename or unlink */
	HP_AF_RMDIR,	/* removing an (empty) directory */
};

/* hp_af_step_name - "create temporary file", "fsync directory", ... */
const char *hp_af_step_name(enum hp_af_step step);

/* the return values of hp_atomic_write() and hp_atomic_remove() besides -errno */
enum {
	HP_AF_WRITTEN = 0,
	HP_AF_UNCHANGED = 1, /* write: same content already there, nothing written, mtime kept */
	HP_AF_ABSENT = 1,    /* remove: there was no file */
};

/*
 * hp_atomic_write - make path (beneath root) hold exactly data[0..len), as a regular file of
 * exactly mode (umask not applied), owned by us, with one link. When it already is all that,
 * nothing is written and HP_AF_UNCHANGED is returned; otherwise it is replaced: the old
 * file's mode, owner and other names are never carried over (a setuid or world-writable old
 * file, a hard link to another file). A symbolic link at path is refused (-ELOOP, step
 * READ), as is anything but a regular file. The directory must exist.
 */
int hp_atomic_write(const char *root, const char *path, const void *data, size_t len, mode_t mode,
		    enum hp_af_step *step);

/*
 * hp_atomic_write_new_dir - hp_atomic_write() into a directory the caller has just made
 * (hp_root_mkdirs_made()): no temporary file left by a writer that died can be in it, nor an
 * old file to compare, so neither is looked for (the boot report, into the /run of a boot).
 * The file is written unnamed (O_TMPFILE) and linked in once whole where the filesystem and
 * the caller's capabilities allow it (tmpfs, root), else through a temporary name.
 */
int hp_atomic_write_new_dir(const char *root, const char *path, const void *data, size_t len,
			    mode_t mode, enum hp_af_step *step);

/* hp_atomic_remove - unlink path and fsync its directory. HP_AF_ABSENT if it did not exist. */
int hp_atomic_remove(const char *root, const char *path, enum hp_af_step *step);

/*
 * hp_atomic_rmdir - remove the empty directory path (beneath root) and fsync its parent.
 * HP_AF_ABSENT if it did not exist; -ENOTEMPTY (step RMDIR) when it holds anything.
 */
int hp_atomic_rmdir(const char *root, const char *path, enum hp_af_step *step);

#endif
