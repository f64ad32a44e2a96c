/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Loads hugeplan's configuration the way systemd and the UAPI config-file conventions do:
 *
 *   hugeplan.conf              [Host] settings; the first found in the search path is used
 *   hugeplan.conf.d/NAME.conf  drop-ins, applied in lexical order of NAME over hugeplan.conf
 *   vms.d/NAME.conf            one [VM] each; the VM is named NAME unless Name= says otherwise
 *
 * Search path, highest priority first: /etc/hugeplan, /run/hugeplan, /usr/lib/hugeplan (under
 * a root). A file replaces a same-named file of a lower directory; a symlink to /dev/null or
 * an empty file masks it. An explicit directory replaces the whole search path.
 *
 * Files are parsed with libinih after a pass of our own that rejects what inih would silently
 * misread (NUL bytes, lines longer than inih's buffer, unknown sections, "KEY:VALUE" lines and
 * inline "; comments", which inih would accept) and strips leading blanks (inih would take an
 * indented line as a continuation) and a UTF-8 byte order mark. Unknown keys and sections,
 * malformed values and duplicate VM names are errors reported as FILE:LINE; the first error
 * of a file is the one reported. Files that are not regular files (a FIFO, a directory, a
 * socket) and dangling or looping symbolic links are errors, never skipped and never waited
 * on.
 *
 * Run as root, hugeplan's output ends up in the kernel's command line and in a file root's
 * shell sources: with hp_config_opts.check_perms the loader refuses, as sshd's StrictModes
 * does, configuration that another user could change: every file read and every directory
 * scanned must be owned by root (or owner_uid) and not writable by group or others, and so must
 * every directory above them, up to "/" (there, a world-writable directory with the sticky
 * bit, such as /tmp, is accepted: others cannot replace what root owns in it). Paths are
 * checked after resolving symbolic links.
 */
#ifndef HP_CONFIG_H
#define HP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "core/vm.h"

#define HP_CONF_FILE_MAX (1U << 20) /* bytes */
#define HP_CONF_LINE_MAX 200	    /* characters; inih's line buffer */

struct hp_config_opts {
	bool check_perms; /* refuse what a user other than root or owner_uid could change */
	uid_t owner_uid;  /* trusted besides root; 0 for root alone */
	bool host_only;	  /* read the [Host] settings only: c->vms stays empty */
	bool overrides;	  /* a vms.d file without Memory= is kept (memory 0, set_keys saying what
			     it sets): it may override an imported VM (sources/sources.h) */
};

struct hp_config {
	struct hp_settings host;
	struct hp_vm *vms; /* in lexical order of their file names */
	size_t nr_vms;
	char **files; /* every file read, in the order read (the string pool of hp_loc) */
	size_t nr_files;
	char **dirs; /* the search path used */
	size_t nr_dirs;
	struct hp_config_opts opts; /* as loaded: hp_config_any_vm() reads the same way */
	char *root;		    /* the root every path is resolved beneath; NULL: as they are */
	size_t root_len;	    /* its length in the paths above (which messages show) */
};

/*
 * hp_config_load - read the configuration. confdir non-NULL replaces the search path by that
 * one directory (not prefixed by root); otherwise the search path is taken under root (NULL
 * or "/" for the running system). On failure returns -errno (-EINVAL for bad content) with
 * err set and c left empty. hp_config_free() releases a loaded configuration.
 */
int hp_config_load(const char *root, const char *confdir, struct hp_config *c, struct hp_diag *err);

/*
 * hp_config_load_opts - hp_config_load() with options (NULL: the defaults, no permission
 * check). A confdir that is not an existing directory is an error (-ENOENT, -ENOTDIR):
 * a mistyped --config must not read as "no VMs".
 */
int hp_config_load_opts(const char *root, const char *confdir, const struct hp_config_opts *o,
			struct hp_config *c, struct hp_diag *err);

/*
 * hp_config_load_host - as hp_config_load(), but only the [Host] settings (hugeplan.conf and
 * its drop-ins): c->vms stays empty. For the generator, which runs at every boot and needs
 * Strict= but not a whole vms.d. (hp_config_load_opts() with host_only, for other options.)
 */
int hp_config_load_host(const char *root, const char *confdir, struct hp_config *c,
			struct hp_diag *err);

/*
 * hp_config_any_vm - whether the search path of c (as loaded by either function) holds an
 * enabled VM: reads vms.d in order, with the options c was loaded with, and stops at the
 * first one. 1 yes, 0 no, -errno with err set when a file on the way cannot be read, is
 * malformed or (check_perms) could be changed by another user.
 */
int hp_config_any_vm(struct hp_config *c, struct hp_diag *err);

/* The role of one configuration text, for hp_config_load_texts(). */
enum hp_conf_role {
	HP_CONF_MAIN,	/* hugeplan.conf, [Host] */
	HP_CONF_DROPIN, /* hugeplan.conf.d/NAME.conf, [Host] */
	HP_CONF_VM,	/* vms.d/NAME.conf, [VM] */
};

struct hp_conf_text {
	const char *path; /* names it in messages; a VM without Name= takes its base name less
			     ".conf" */
	enum hp_conf_role role;
	const char *text; /* len bytes, need not be NUL-terminated; len 0 masks (skipped) */
	size_t len;
};

/*
 * hp_config_load_texts - the configuration from texts instead of files: exactly what
 * hp_config_load() does once it has found and read the files, with the same errors. The
 * [Host] texts (main, then drop-ins) are applied in the order given, then the VM texts are
 * read in the order given. For tests and fuzzing, and for front ends that read the files
 * themselves. Returns 0 or -errno with err set and c left empty.
 */
int hp_config_load_texts(const struct hp_conf_text *t, size_t n, struct hp_config *c,
			 struct hp_diag *err);

void hp_config_free(struct hp_config *c);

/* hp_config_pool_file - a copy of path kept (and freed) with c, for hp_loc.file; NULL ENOMEM. */
const char *hp_config_pool_file(struct hp_config *c, const char *path);

/*
 * hp_config_check_perms - with c->opts.check_perms, the StrictModes check of path (a file
 * read, st its fstat, or a directory scanned, st NULL), every directory above it and every
 * link its resolution beneath root follows (the chain of config/perms.c). path is as messages
 * show it, under root's name (hp_path()); root as for hp_config_load(), whatever c was
 * loaded from (--config). 0, or -EPERM (or -errno) with err set.
 */
int hp_config_check_perms(struct hp_config *c, const char *root, const char *path,
			  const struct stat *st, struct hp_diag *err);

/*
 * hp_config_check_leaf - the same for a file that is no symbolic link, opened in a directory
 * that hp_config_check_perms() passed: the file alone is judged, its directories were (st:
 * its fstat).
 */
int hp_config_check_leaf(struct hp_config *c, const char *path, const struct stat *st,
			 struct hp_diag *err);

/* hp_config_defaults - the settings of an empty configuration. */
void hp_config_defaults(struct hp_settings *s);

#endif
