// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hugeplan vm start NAME, hugeplan vm stop NAME: dynamic huge pages around a VM's run, as
 * libvirt's hook calls them (contrib/libvirt/hugeplan-vm.in: "prepare begin", "release end").
 *
 *   dynamic      start raises each node of the VM's plan by what it lacks there
 *                (core/dynamic.h), after the budget check, compacting a node and trying
 *                again while the kernel falls short, within --wait; verifies per node; on
 *                failure puts every count back and says so in one line. stop gives back
 *                exactly what start added. Both hold /run/hugeplan/vm.lock, and leave (or
 *                take away) the record /run/hugeplan/vms/NAME.record.
 *   static       start changes nothing: it succeeds when the VM's pages are free.
 *   transparent  nothing to do.
 *
 * A VM hugeplan does not plan is nothing to do (exit 0): the hook runs for every guest.
 * Exit 0 done, 1 refused or the kernel fell short (nothing changed), 2 bad usage or
 * configuration.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/vm.h"
#include "core/buddy.h"
#include "core/dynamic.h"
#include "core/pathnames.h"
#include "core/size.h"
#include "sys/pool.h"
#include "sys/root.h"
#include "sys/runtime.h"

#define LOCK_WAIT_MS 120000

/* the lock of every vm start and stop, or -1 with the reason said */
static int take_lock(const struct hp_cli *o, const char *verb, const char *name)
{
	int lock = hp_rt_lock(o->root, LOCK_WAIT_MS);

	if (lock >= 0)
		return lock;
	// clang-format off
	if (lock == -ENOTUNIQ)
		fprintf(stderr, "%s vm %s %s: %s is not hugeplan's lock (a regular file of ours with one link): nothing changed; move it away\n",
			program_invocation_short_name, verb, name, HP_P_VM_LOCK);
	else if (lock == -EWOULDBLOCK)
		fprintf(stderr, "%s vm %s %s: %s still held after %u s by another vm start or stop: nothing changed\n",
			program_invocation_short_name, verb, name, HP_P_VM_LOCK, LOCK_WAIT_MS / 1000);
	else
		fprintf(stderr, "%s vm %s %s: cannot take %s: %s\n", program_invocation_short_name,
			verb, name, HP_P_VM_LOCK, hp_strerror(lock));
	// clang-format on
	return -1;
}
#define DEFAULT_WAIT 10

enum { OPT_WAIT = OPT_CLI_LAST };

static volatile sig_atomic_t stop_asked;

static void on_signal(int sig)
{
	(void)sig;
	stop_asked = 1;
}

static void usage(void)
{
	printf("Usage:\n %s vm start|stop NAME [options]\n\n", program_invocation_short_name);
	printf("Dynamic huge pages around a VM's run (libvirt's hook calls these): start\n"
	       "raises the pool on the nodes of the VM's plan by what it lacks, compacting a\n"
	       "node and trying again while the kernel falls short; stop gives back exactly\n"
	       "what start added. A static VM's start checks that its pages are free.\n");
	printf("\nOptions:\n"
	       "     --wait SECONDS how long start may compact and try again (default %d)\n"
	       "     --config DIR   read the configuration from DIR only\n"
	       "     --root DIR     read the system (and the configuration) under DIR\n"
	       "     --kver VER     plan for kernel version VER (default: the running one)\n"
	       "     --balanced     accept the balanced form on kernels before 5.16\n"
	       "  -h, --help         display this help\n"
	       "\nExit status: 0 done (or nothing to do), 1 refused or short (every count as it\n"
	       "was), 2 invalid usage or configuration.\n\nSee hugeplan(8).\n",
	       DEFAULT_WAIT);
}

static uint64_t now_s(void)
{
	return (uint64_t)time(NULL);
}

static long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool pid_alive(long pid)
{
	return pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

/* put every part back to its count before the start; 0, or the first error */
static int restore(const char *root, const struct hp_rt_record *rec, char *bad, size_t len)
{
	size_t o = 0;
	int first = 0;

	bad[0] = '\0';
	for (size_t i = 0; i < rec->nr_parts; i++) {
		const struct hp_rt_part *p = &rec->parts[i];
		uint64_t nr, free, surplus;
		int r;

		r = hp_rt_read_node(root, p->size, p->node, &nr, &free, &surplus);
		if (r == 0 && nr == p->before)
			continue;
		r = hp_rt_write_nr(root, p->size, p->node, p->before);
		if (r == 0)
			r = hp_rt_read_node(root, p->size, p->node, &nr, &free, &surplus);
		if (r == 0 && nr <= p->before)
			continue;
		if (!first)
			first = r ? r : -EBUSY;
		if (o < len)
			o += (size_t)snprintf(bad + o, len - o,
					      "%snode %u could not be put back to %" PRIu64 "%s%s",
					      o ? "; " : "", p->node, p->before, r ? ": " : "",
					      r ? strerror(-r) : " (pages in use)");
	}
	return first;
}

int hp_vm_settle(const char *root, const char *except, FILE *out)
{
	struct hp_rt_record *recs;
	size_t n;
	int r, settled = 0;

	r = hp_rt_records(root, &recs, &n, NULL, 0);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		const struct hp_rt_record *rec = &recs[i];
		char bad[512];

		if (rec->state != HP_REC_STARTING || pid_alive(rec->pid) ||
		    (except && !strcmp(rec->vm, except) && rec->pid == (long)getpid()))
			continue;
		r = restore(root, rec, bad, sizeof(bad));
		if (r < 0) {
			if (out)
				fprintf(out,
					"%s: the interrupted start of %s (pid %ld) left its record: %s\n",
					program_invocation_short_name, rec->vm, rec->pid, bad);
			continue;
		}
		hp_rt_record_remove(root, rec->vm);
		settled++;
		if (out)
			fprintf(out,
				"%s: settled the interrupted start of %s (pid %ld): every count is back as it was before it\n",
				program_invocation_short_name, rec->vm, rec->pid);
	}
	free(recs);
	return settled;
}

/* the started records of VMs other than name, into *out */
static int started_others(const char *root, const char *name, struct hp_rt_record **out, size_t *n,
			  struct hp_rt_record *own, bool *have_own)
{
	struct hp_rt_record *recs;
	size_t m, k = 0;
	int r = hp_rt_records(root, &recs, &m, NULL, 0);

	*have_own = false;
	if (r < 0)
		return r;
	for (size_t i = 0; i < m; i++) {
		if (!strcmp(recs[i].vm, name)) {
			*own = recs[i];
			*have_own = true;
			continue;
		}
		if (recs[i].state == HP_REC_STARTED)
			recs[k++] = recs[i];
	}
	*out = recs;
	*n = k;
	return 0;
}

static void shortfall_line(const char *root, const char *name, const struct hp_rt_record *rec,
			   const uint64_t *got, const unsigned *compacted, unsigned wait_s,
			   const char *restored)
{
	struct hp_buddy b;
	bool have_b = hp_rt_read_buddy(root, &b) == 0;

	for (size_t i = 0; i < rec->nr_parts; i++) {
		const struct hp_rt_part *p = &rec->parts[i];
		char tok[24], frag[256];

		if (got[i] >= p->target)
			continue;
		hp_size_token(p->size, tok, sizeof(tok));
		if (have_b)
			hp_buddy_describe(&b, p->node, HP_BASE_PAGE, p->size, frag, sizeof(frag));
		else
			snprintf(frag, sizeof(frag), "%s unreadable", HP_P_BUDDYINFO);
		fprintf(stderr,
			"%s vm start %s: node %u: wanted %" PRIu64 " more %s pages, got %" PRIu64
			" %s (node %u: %s); %s\n",
			program_invocation_short_name, name, p->node, p->target - p->before, tok,
			got[i] > p->before ? got[i] - p->before : 0,
			compacted[i] ? "after compacting"
			: wait_s     ? "without compacting (its compact file could not be written)"
				     : "without compacting (--wait 0)",
			p->node, frag, restored[0] ? restored : "every count is back as it was");
		return; /* one line: the first short node */
	}
}

static int start_dynamic(const struct hp_cli *o, struct hp_loaded *l, const struct hp_vm_plan *vp,
			 unsigned wait_s)
{
	struct hp_rt_record *others = NULL, own;
	struct hp_rt_start st;
	struct hp_pools pools;
	uint64_t got[HP_RT_MAX_PARTS] = { 0 };
	unsigned compacted[HP_RT_MAX_PARTS] = { 0 };
	char errpath[4200], restored[768];
	const char *name = vp->vm->name;
	struct hp_rt_start_in in = { .host = &l->host, .plan = &l->plan, .vp = vp };
	size_t nothers = 0;
	bool have_own, ok = false;
	long deadline;
	int lock, r, ret = EXIT_NOFIT;

	lock = take_lock(o, "start", name);
	if (lock < 0)
		return EXIT_USAGE;
	hp_vm_settle(o->root, NULL, stderr);
	r = started_others(o->root, name, &others, &nothers, &own, &have_own);
	if (r == 0 && have_own && own.state == HP_REC_STARTED) {
		printf("%s: already started (%s/%s.record): nothing to do\n", name, HP_P_VM_RECORDS,
		       name);
		ret = 0;
		goto out;
	}
	if (r == 0)
		r = hp_pools_read(o->root, &pools, errpath, sizeof(errpath));
	if (r < 0) {
		fprintf(stderr, "%s vm start %s: cannot read the pool: %s\n",
			program_invocation_short_name, name, strerror(-r));
		ret = EXIT_USAGE;
		goto out;
	}
	in.pools = &pools;
	in.others = others;
	in.nr_others = nothers;
	r = hp_rt_start_decide(&in, &st);
	if (r < 0) {
		fprintf(stderr, "%s vm start %s: %s\n", program_invocation_short_name, name,
			strerror(-r));
		ret = EXIT_USAGE;
		goto out;
	}
	if (st.refused) {
		fprintf(stderr, "%s vm start %s: refused, nothing changed: %s\n",
			program_invocation_short_name, name, st.why);
		goto out;
	}
	st.rec.pid = (long)getpid();
	st.rec.since = now_s();
	if (st.add) {
		r = hp_rt_record_write(o->root, &st.rec);
		if (r < 0) {
			fprintf(stderr,
				"%s vm start %s: cannot write %s/%s.record: %s; nothing changed\n",
				program_invocation_short_name, name, HP_P_VM_RECORDS, name,
				strerror(-r));
			ret = EXIT_USAGE;
			goto out;
		}
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGHUP, on_signal);
	deadline = mono_ms() + (long)wait_s * 1000;
	for (unsigned round = 0;; round++) {
		bool all = true;

		for (size_t i = 0; i < st.rec.nr_parts; i++) {
			const struct hp_rt_part *p = &st.rec.parts[i];
			uint64_t fr, su;

			if (p->target == p->before) {
				got[i] = p->target;
				continue;
			}
			if (round && got[i] < p->target && hp_rt_compact(o->root, p->node) == 0)
				compacted[i]++;
			if (!round || got[i] < p->target) {
				r = hp_rt_write_nr(o->root, p->size, p->node, p->target);
				if (r < 0 && r != -ENOMEM)
					break;
			}
			r = hp_rt_read_node(o->root, p->size, p->node, &got[i], &fr, &su);
			if (r < 0)
				break;
			all = all && got[i] >= p->target;
		}
		if (r < 0)
			break;
		if (all) {
			ok = true;
			break;
		}
		/* with --wait, one compaction and try at least, however long the first try took */
		if (stop_asked || (mono_ms() >= deadline && (round || !wait_s)))
			break;
	}
	if (!ok) {
		int e = r;

		restore(o->root, &st.rec, restored, sizeof(restored));
		if (e < 0)
			fprintf(stderr, "%s vm start %s: writing the pool failed: %s; %s\n",
				program_invocation_short_name, name, strerror(-e),
				restored[0] ? restored : "every count is back as it was");
		else if (stop_asked)
			fprintf(stderr, "%s vm start %s: interrupted; %s\n",
				program_invocation_short_name, name,
				restored[0] ? restored : "every count is back as it was");
		else
			shortfall_line(o->root, name, &st.rec, got, compacted, wait_s, restored);
		if (!restored[0])
			hp_rt_record_remove(o->root, name);
		goto out;
	}
	for (size_t i = 0; i < st.rec.nr_parts; i++) {
		struct hp_rt_part *p = &st.rec.parts[i];
		char tok[24];

		p->added = got[i] > p->before ? got[i] - p->before : 0;
		hp_size_token(p->size, tok, sizeof(tok));
		printf("%s: node %u: %" PRIu64 " %s pages, %" PRIu64 " added (%" PRIu64
		       " -> %" PRIu64 ")\n",
		       name, p->node, p->need, tok, p->added, p->before, got[i]);
	}
	st.rec.state = HP_REC_STARTED;
	if (st.add) {
		r = hp_rt_record_write(o->root, &st.rec);
		if (r < 0) {
			/* without its record, stop could not give the pages back: undo */
			restore(o->root, &st.rec, restored, sizeof(restored));
			hp_rt_record_remove(o->root, name);
			fprintf(stderr, "%s vm start %s: cannot write %s/%s.record: %s; %s\n",
				program_invocation_short_name, name, HP_P_VM_RECORDS, name,
				strerror(-r),
				restored[0] ? restored : "every count is back as it was");
			ret = EXIT_USAGE;
			goto out;
		}
	} else {
		printf("%s: its pages were free: nothing added\n", name);
		hp_rt_record_write(o->root, &st.rec);
	}
	ret = 0;
	hp_metrics_update(o, l->cfg.host.metrics_dir);
out:
	free(others);
	close(lock);
	return ret;
}

static int stop_dynamic(const struct hp_cli *o, struct hp_loaded *l, const char *name)
{
	struct hp_rt_record *others = NULL, own;
	struct hp_rt_part parts[HP_RT_MAX_PARTS];
	uint64_t in_use[HP_RT_MAX_PARTS];
	struct hp_pools pools;
	char errpath[4200], bad[768];
	size_t nothers, n;
	bool have_own, failed = false;
	int lock, r, ret = 0;

	lock = take_lock(o, "stop", name);
	if (lock < 0)
		return EXIT_USAGE;
	hp_vm_settle(o->root, NULL, stderr);
	r = started_others(o->root, name, &others, &nothers, &own, &have_own);
	if (r == 0 && !have_own) {
		printf("%s: no record of a dynamic start (%s/%s.record): nothing to give back\n",
		       name, HP_P_VM_RECORDS, name);
		goto out;
	}
	if (r == 0)
		r = hp_pools_read(o->root, &pools, errpath, sizeof(errpath));
	if (r < 0) {
		fprintf(stderr, "%s vm stop %s: cannot read the pool: %s\n",
			program_invocation_short_name, name, strerror(-r));
		ret = EXIT_USAGE;
		goto out;
	}
	n = hp_rt_stop_decide(&own, &pools, parts, in_use);
	for (size_t i = 0; i < n; i++) {
		const struct hp_rt_part *p = &parts[i];
		uint64_t nr, fr, su0, su;
		char tok[24];

		if (!p->added)
			continue;
		hp_size_token(p->size, tok, sizeof(tok));
		hp_rt_read_node(o->root, p->size, p->node, &nr, &fr, &su0);
		r = hp_rt_write_nr(o->root, p->size, p->node, p->target);
		if (r == 0)
			r = hp_rt_read_node(o->root, p->size, p->node, &nr, &fr, &su);
		if (r < 0) {
			fprintf(stderr,
				"%s vm stop %s: node %u: cannot give back %" PRIu64
				" %s pages: %s; the record stays for the next stop\n",
				program_invocation_short_name, name, p->node, p->added, tok,
				strerror(-r));
			failed = true;
			continue;
		}
		printf("%s: node %u: gave back %" PRIu64 " %s pages (%" PRIu64 " -> %" PRIu64 ")\n",
		       name, p->node, p->added, tok, p->before, nr);
		if (su > su0)
			printf("%s: node %u: %" PRIu64
			       " of them still in use became surplus pages: the kernel frees them when their user lets go\n",
			       name, p->node, su - su0);
	}
	if (failed) {
		ret = EXIT_NOFIT;
		goto out;
	}
	(void)bad;
	hp_rt_record_remove(o->root, name);
	hp_metrics_update(o, l->cfg.host.metrics_dir);
out:
	free(others);
	close(lock);
	return ret;
}

int cmd_vm(int argc, char **argv)
{
	static const struct option longopts[] = {
		HP_CLI_COMMON_OPTIONS,
		{ "wait", required_argument, NULL, OPT_WAIT },
		{ NULL, 0, NULL, 0 },
	};
	struct hp_cli o = { .cmd = "vm" };
	const struct hp_vm_plan *vp;
	struct hp_loaded l;
	unsigned wait_s = DEFAULT_WAIT;
	const char *action, *name;
	bool start;
	int c, r;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (hp_cli_common_opt(&o, c, optarg))
			continue;
		switch (c) {
		case OPT_WAIT: {
			char *e;
			unsigned long v = strtoul(optarg, &e, 10);

			if (optarg[0] < '0' || optarg[0] > '9' || *e || v > 3600)
				return hp_cli_usage_error("vm", "--wait=%s: seconds, 0 to 3600",
							  optarg);
			wait_s = (unsigned)v;
			break;
		}
		case 'h':
			usage();
			return 0;
		default:
			return hp_cli_usage_error("vm", "unrecognized option '%s'",
						  argv[optind - 1]);
		}
	}
	if (argc - optind != 2)
		return hp_cli_usage_error("vm", "expected start or stop, then the VM's name");
	action = argv[optind];
	name = argv[optind + 1];
	if (strcmp(action, "start") && strcmp(action, "stop"))
		return hp_cli_usage_error("vm", "unknown action '%s' (start or stop)", action);
	start = !strcmp(action, "start");
	if (!hp_vm_name_valid(name))
		return hp_cli_usage_error("vm", "'%s' is not a VM name", name);

	r = hp_cli_load(&o, &l);
	if (r)
		return r;
	vp = hp_plan_find(&l.plan, name);
	if (!vp) {
		bool known = false;

		for (size_t i = 0; i < l.cfg.nr_vms; i++)
			known = known || !strcmp(l.cfg.vms[i].name, name);
		printf("%s: %s: nothing to do\n", name,
		       known ? "disabled (Enabled=no)" : "not a VM hugeplan plans");
		/* a record left from before it was disabled is still given back */
		r = !start && known ? stop_dynamic(&o, &l, name) : 0;
		hp_cli_unload(&l);
		return r;
	}
	switch (vp->backing) {
	case HP_BACKING_TRANSPARENT:
		printf("%s: Backing=transparent: nothing to reserve or give back\n", name);
		r = 0;
		break;
	case HP_BACKING_STATIC:
		if (start) {
			struct hp_pools pools;
			char errpath[4200], why[512];

			r = hp_pools_read(o.root, &pools, errpath, sizeof(errpath));
			if (r < 0) {
				fprintf(stderr, "%s vm start %s: cannot read the pool: %s\n",
					program_invocation_short_name, name, strerror(-r));
				r = EXIT_USAGE;
			} else if (hp_rt_static_check(&l.plan, vp, &pools, why, sizeof(why))) {
				fprintf(stderr, "%s vm start %s: Backing=static: %s\n",
					program_invocation_short_name, name, why);
				r = EXIT_NOFIT;
			} else {
				printf("%s: Backing=static: its pages are free in the boot's pool\n",
				       name);
				r = 0;
			}
		} else {
			/* a record from when it was dynamic is still given back */
			r = stop_dynamic(&o, &l, name);
		}
		break;
	case HP_BACKING_DYNAMIC:
		if (vp->vm->source == HP_SRC_PROXMOX) {
			/*
			 * qemu-server allocates a Proxmox VM's huge pages itself at each start
			 * (and keephugepages decides what it gives back): hugeplan only plans
			 * them; a record from before is still given back at a stop
			 */
			// clang-format off
			printf("%s: Backing=dynamic on Proxmox VE: qemu-server allocates the huge pages of VM %s itself when it starts it: nothing to do\n",
			       name, vp->vm->source_id);
			// clang-format on
			r = start ? 0 : stop_dynamic(&o, &l, name);
			break;
		}
		r = start ? start_dynamic(&o, &l, vp, wait_s) : stop_dynamic(&o, &l, name);
		break;
	}
	hp_cli_unload(&l);
	return r;
}
