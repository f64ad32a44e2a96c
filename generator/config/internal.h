/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to generator/config: what its files share. config.h is the interface.
 *
 *   config.c  the entry points: defaults, loading from a search path or from texts, freeing
 *   search.c  the search path: directories, NAME.conf entries by priority, masking, reading a
 *             file once without following it into a FIFO
 *   perms.c   what root may trust: sshd's StrictModes walk over a path and its parents
 *   reader.c  one text through inih, after a pre-pass that refuses what inih would misread
 *   value.c   the values of [Host] and [VM] keys
 */
#ifndef HP_CONFIG_INTERNAL_H
#define HP_CONFIG_INTERNAL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "config/config.h"
#include "core/vm.h"

enum kind { KIND_HOST, KIND_VM };

struct parse {
	struct hp_config *c;
	const char *file; /* pooled */
	enum kind kind;
	struct hp_vm *vm;
	bool saw_section;
	struct hp_diag *err;
	const char *hidden; /* not NULL: where the file really is; its lines are never quoted */
	bool failed;
	unsigned failed_line;
	/* the reader's view of the buffer */
	const char *pos, *end;
	unsigned line;
};

/* what loading from files carries along */
struct loader {
	struct hp_config *c;
	const struct hp_config_opts *o; /* as loading: &c->opts */
	struct hp_diag *err;
	/*
	 * perms.c: the last directory whose whole resolution was judged and held no symbolic
	 * link, as callers name it and as the walk showed it ("" for none). Only root could
	 * have changed it since: what is in it needs no walk from "/" again.
	 */
	char trusted[PATH_MAX];
	char trusted_shown[PATH_MAX];
	/*
	 * search.c conf_lstat(): the last path looked at without following its last component,
	 * and what that gave. A file read is looked at so three times (its mask, its owner and
	 * mode, whether it is a link to elsewhere): each look was a resolution beneath the root
	 * at every boot. The file opened is matched to it by inode (perms.c judge_leaf()).
	 */
	char lstat_path[PATH_MAX];
	struct stat lstat_st;
	int lstat_r;
	/* search.c: bit i, c->dirs[i] was found missing (a search path's directory may be): none
	 * of its drop-in folders is looked for */
	unsigned long dirs_absent;
};

/* config.c */
/* conf_check_duplicates - -EEXIST with err set when two VMs have one name */
int conf_check_duplicates(struct hp_config *c, struct hp_diag *err);

/* search.c */
/* conf_search_path - c->dirs: confdir alone, or the search path under root; checked */
int conf_search_path(struct loader *ld, const char *root, const char *confdir);
/* conf_load_host, conf_load_vms - [Host] (hugeplan.conf, drop-ins), [VM] (vms.d) over c->dirs */
int conf_load_host(struct loader *ld);
int conf_load_vms(struct loader *ld);
/* conf_lstat - hp_root_stat(path, no follow) beneath the configuration's root, once per path */
int conf_lstat(struct loader *ld, const char *path, struct stat *st);
/* conf_open_failed - "PATH: cannot open: ERROR" into err; returns r (a -errno) */
int conf_open_failed(struct hp_diag *err, const char *path, int r);
/* conf_in_root - path (as messages show it, under the root's name) as the root names it */
const char *conf_in_root(const struct hp_config *c, const char *path);

/* perms.c */
/*
 * conf_check_perms - with check_perms, path and everything its resolution depends on (every
 * directory from "/", every link on the way and in the links' targets: hp_root_walk()) must
 * be owned by root (or owner_uid) and, but for links, not writable by group or others.
 * leaf: the stat of what was opened (the walk must end at it), NULL when nothing was.
 * A path directly in the last directory so judged (ld->trusted) that is no link itself is
 * judged alone: its lstat, against leaf.
 * 0, -EPERM or -errno with ld->err set.
 */
int conf_check_perms(struct loader *ld, const char *path, const struct stat *leaf);

/* reader.c */
/* conf_perr - the first error of the text being read, at its current line; returns 0 */
int conf_perr(struct parse *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * conf_parse_text - one text (file is pooled) into c->host or *vm; 0 or -errno, err set.
 * hidden: not NULL for a file outside the configuration directories (where it really is):
 * its lines are then never quoted in a message.
 */
int conf_parse_text(struct hp_config *c, const char *file, enum kind kind, struct hp_vm *vm,
		    const char *text, size_t len, struct hp_diag *err, const char *hidden);
/*
 * conf_vm_init, conf_vm_finish - a VM's defaults before its file; its name and checks after
 * (partial: a file without Memory= is kept, as an override of an imported VM)
 */
void conf_vm_init(struct hp_vm *vm);
int conf_vm_finish(struct hp_vm *vm, const char *file, const char *fname, bool partial,
		   struct hp_diag *err);

/* value.c */
/* conf_host_key, conf_vm_key - one KEY=VALUE of [Host] or [VM]: 1 taken, 0 refused (perr) */
int conf_host_key(struct parse *p, const char *key, const char *v);
int conf_vm_key(struct parse *p, const char *key, const char *v);

#endif
