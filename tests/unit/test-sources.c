// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The source parsers against the real tools' own answers:
 * - every libvirt qemuxmlconftest hugepage case in ../shared/libvirt (read in place): a case
 *   with .args must give exactly the memory backends on huge pages of that command line (id,
 *   size, page size from the hugetlbfs mount or memfd's hugetlbsize, host-nodes, policy); a
 *   case with .err must be refused, with libvirt's words where the rule is libvirt's;
 * - every qemu-server cfg2cmd pair in ../shared/proxmox: a configuration with hugepages must
 *   give the memory-backend-file objects of its .cmd, each on the host node qemu-server's
 *   reservation uses (hugepages_topology: guest node i on host node i); one without must be
 *   ordinary memory of the size of its memory-backend-ram objects.
 * Then rules of formatdomain / Memory.pm that those cases do not reach, worked out by hand.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hp-test.h"
#include "core/host.h"
#include "core/plan.h"
#include "core/size.h"
#include "sources/libvirt.h"
#include "sources/proxmox.h"

#define MAX_EXP 64

struct exp {
	char id[32];
	uint64_t bytes, page;
	uint64_t nodes;
	char policy[16];
	int guest; /* -numa nodeid / pc-dimm node, -1 unknown */
};

static const char *shared_dir(void)
{
	static char dir[4096];
	const char *env = getenv("HP_SHARED");
	struct stat st;

	if (env && *env)
		snprintf(dir, sizeof(dir), "%s", env);
	else if (stat("../shared/libvirt", &st) == 0)
		snprintf(dir, sizeof(dir), "../shared");
	else
		snprintf(dir, sizeof(dir), "/work/shared");
	if (stat(dir, &st) != 0) {
		fprintf(stderr, "# the shared test data is missing: set HP_SHARED (tried %s)\n",
			dir);
		fail();
	}
	return dir;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return buf;
}

/* the page size a hugetlbfs path names in libvirt's mocked host, 0 for none */
static uint64_t libvirt_mount_page(const char *path)
{
	if (!strncmp(path, "/dev/hugepages2M/", 17))
		return 2 * HP_MIB;
	if (!strncmp(path, "/dev/hugepages1G/", 17))
		return HP_GIB;
	return 0;
}

/* the -object JSON objects of a qemuxmlconftest .args on huge pages */
static size_t libvirt_expected(const char *args, struct exp *e)
{
	size_t n = 0;

	for (const char *p = args; (p = strstr(p, "-object '{")); p++) {
		const char *start = p + 9, *end = strstr(start, "}' ");
		char buf[2048];
		struct json_object *o, *v;
		const char *type;
		uint64_t page = 0;

		if (!end)
			end = strstr(start, "}'");
		assert_non_null(end);
		snprintf(buf, sizeof(buf), "%.*s", (int)(end - start + 1), start);
		o = json_tokener_parse(buf);
		assert_non_null(o);
		type = json_object_get_string(json_object_object_get(o, "qom-type"));
		if (!strcmp(type, "memory-backend-file") &&
		    json_object_object_get_ex(o, "mem-path", &v))
			page = libvirt_mount_page(json_object_get_string(v));
		else if (!strcmp(type, "memory-backend-memfd") &&
			 json_object_object_get_ex(o, "hugetlb", &v) && json_object_get_boolean(v))
			page = (uint64_t)json_object_get_int64(
				json_object_object_get(o, "hugetlbsize"));
		if (page) {
			struct exp *x = &e[n++];

			assert_true(n < MAX_EXP);
			memset(x, 0, sizeof(*x));
			snprintf(x->id, sizeof(x->id), "%s",
				 json_object_get_string(json_object_object_get(o, "id")));
			x->bytes =
				(uint64_t)json_object_get_int64(json_object_object_get(o, "size"));
			x->page = page;
			x->guest = -1;
			if (json_object_object_get_ex(o, "host-nodes", &v))
				for (size_t k = 0; k < json_object_array_length(v); k++)
					x->nodes |= 1ULL << json_object_get_int(
							    json_object_array_get_idx(v, k));
			if (json_object_object_get_ex(o, "policy", &v))
				snprintf(x->policy, sizeof(x->policy), "%s",
					 json_object_get_string(v));
			else
				snprintf(x->policy, sizeof(x->policy), "any");
		}
		json_object_put(o);
	}
	return n;
}

/* the page size of a backend in a mocked host that mounts 2M (the default) and 1G */
static uint64_t mock_page(const struct hp_backend *b)
{
	switch (b->page_rule) {
	case HP_PAGE_FIXED:
		return b->page_size;
	case HP_PAGE_BOOT_DEFAULT:
	case HP_PAGE_HOST_DEFAULT:
		return 2 * HP_MIB;
	case HP_PAGE_PVE_ANY:
		return b->bytes % HP_GIB ? 2 * HP_MIB : HP_GIB;
	}
	return 0;
}

static void compare(const char *name, const struct hp_vm *vm, const struct exp *e, size_t n)
{
	if (vm->nr_backends != n)
		fprintf(stderr, "# %s: %zu backends on huge pages, expected %zu\n", name,
			vm->nr_backends, n);
	assert_int_equal(vm->nr_backends, n);
	for (size_t i = 0; i < n; i++) {
		const struct hp_backend *b = NULL;

		for (size_t k = 0; k < vm->nr_backends; k++)
			if (!strcmp(vm->backends[k].id, e[i].id))
				b = &vm->backends[k];
		if (!b)
			fprintf(stderr, "# %s: no backend %s\n", name, e[i].id);
		assert_non_null(b);
		if (b->bytes != e[i].bytes || mock_page(b) != e[i].page || b->nodes != e[i].nodes ||
		    strcmp(hp_policy_name(b->policy), e[i].policy))
			fprintf(stderr,
				"# %s %s: ours %" PRIu64 " B on %" PRIu64 " nodes %#" PRIx64
				" %s; expected %" PRIu64 " on %" PRIu64 " nodes %#" PRIx64 " %s\n",
				name, b->id, b->bytes, mock_page(b), b->nodes,
				hp_policy_name(b->policy), e[i].bytes, e[i].page, e[i].nodes,
				e[i].policy);
		assert_int_equal(b->bytes, e[i].bytes);
		assert_int_equal(mock_page(b), e[i].page);
		assert_int_equal(b->nodes, e[i].nodes);
		assert_string_equal(hp_policy_name(b->policy), e[i].policy);
		if (e[i].guest >= 0)
			assert_int_equal(b->guest_node, e[i].guest);
	}
}

/* the mocked host of qemuxmlconftest: nodes 0-3, 2M and 1G pages */
static struct hp_host mock_host(size_t nodes)
{
	struct hp_host h;

	memset(&h, 0, sizeof(h));
	for (size_t i = 0; i < nodes; i++) {
		h.nodes[i].id = (unsigned)i;
		h.nodes[i].mem_total = 64 * HP_GIB;
		h.mem_total += h.nodes[i].mem_total;
		h.online_mask |= 1ULL << i;
	}
	h.nr_nodes = nodes;
	h.numa_sysfs = true;
	h.sizes[h.nr_sizes++] = 2 * HP_MIB;
	h.sizes[h.nr_sizes++] = HP_GIB;
	h.x86 = h.pdpe1gb = true;
	h.kver = HP_KVER(6, 1, 0);
	return h;
}

static int plan_one(const struct hp_vm *vm, size_t nodes, struct hp_plan *p, struct hp_diag *d)
{
	struct hp_host h = mock_host(nodes);
	struct hp_settings s;

	memset(&s, 0, sizeof(s));
	s.reserve_per_node = 512 * HP_MIB;
	return hp_plan_compute(&h, &s, vm, 1, NULL, p, d);
}

static void test_libvirt_cases(void **state)
{
	char dir[4200];
	struct dirent *de;
	DIR *d;
	size_t args = 0, errs = 0, backends = 0;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/libvirt/qemuxmlconfdata", shared_dir());
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d))) {
		char path[8192], exp_path[8300], name[256];
		size_t l = strlen(de->d_name), len;
		struct hp_vm vm;
		struct hp_diag diag = { 0 };
		char *xml, *ans;
		int r;

		if (l < 5 || strcmp(de->d_name + l - 4, ".xml"))
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(l - 4), de->d_name);
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		xml = slurp(path, &len);
		assert_non_null(xml);
		r = hp_libvirt_parse(path, xml, len, &vm, &diag);
		snprintf(exp_path, sizeof(exp_path), "%s/%s.x86_64-latest.args", dir, name);
		ans = slurp(exp_path, NULL);
		if (ans) {
			struct exp e[MAX_EXP];
			size_t n = libvirt_expected(ans, e);
			struct hp_plan plan;

			if (r < 0)
				fprintf(stderr, "# %s: refused: %s:%u: %s\n", name, diag.file,
					diag.line, diag.msg);
			assert_int_equal(r, 0);
			compare(name, &vm, e, n);
			assert_int_equal(vm.not_huge, n == 0);
			/* the planner takes it on the host the case assumes */
			assert_int_equal(plan_one(&vm, 4, &plan, &diag), 0);
			hp_plan_free(&plan);
			args++;
			backends += n;
		} else {
			char *want;

			snprintf(exp_path, sizeof(exp_path), "%s/%s.x86_64-latest.err", dir, name);
			ans = slurp(exp_path, NULL);
			if (!ans) {
				snprintf(exp_path, sizeof(exp_path), "%s/%s.err", dir, name);
				ans = slurp(exp_path, NULL);
			}
			assert_non_null(ans);
			ans[strcspn(ans, "\n")] = '\0';
			if (*ans && ans[strlen(ans) - 1] == '.')
				ans[strlen(ans) - 1] = '\0';
			if (r == 0) {
				struct hp_plan plan;

				/* refused against the host: a size it does not mount */
				r = plan_one(&vm, 4, &plan, &diag);
				if (r == 0)
					hp_plan_free(&plan);
			}
			fprintf(stderr, "# %s: libvirt: %s; hugeplan: %s:%u: %s\n", name, ans,
				diag.file, diag.line, diag.msg);
			assert_true(r < 0);
			assert_true(diag.line > 0 || strstr(diag.msg, "huge pages"));
			want = strstr(ans, "error: ") ? strstr(ans, "error: ") + 7 : ans;
			if (strstr(ans, "hugetlbfs mount for 5120 KiB"))
				assert_non_null(strstr(diag.msg, "no 5M huge pages"));
			else
				assert_non_null(strstr(diag.msg, want));
			errs++;
		}
		free(vm.backends);
		free(ans);
		free(xml);
	}
	closedir(d);
	fprintf(stderr,
		"# libvirt: %zu cases with arguments (%zu backends on huge pages), %zu refused\n",
		args, backends, errs);
	assert_int_equal(args + errs, 24);
}

/* -object 'memory-backend-file,...' of a cfg2cmd .cmd */
static size_t pve_expected(const char *cmd, struct exp *e, uint64_t *ram)
{
	size_t n = 0;

	*ram = 0;
	for (const char *p = cmd; (p = strstr(p, "-object 'memory-backend-")); p++) {
		const char *end = strchr(p + 9, '\'');
		char buf[512], *id, *size, *path;
		uint64_t mib;

		snprintf(buf, sizeof(buf), "%.*s", (int)(end - p - 9), p + 9);
		id = strstr(buf, ",id=");
		size = strstr(buf, ",size=");
		path = strstr(buf, ",mem-path=/run/hugepages/kvm/");
		assert_non_null(id);
		assert_non_null(size);
		mib = strtoull(size + 6, NULL, 10);
		if (!strncmp(buf, "memory-backend-ram", 18)) {
			*ram += mib * HP_MIB;
			continue;
		}
		assert_non_null(path);
		memset(&e[n], 0, sizeof(e[n]));
		snprintf(e[n].id, sizeof(e[n].id), "%.*s", (int)(strcspn(id + 4, ",") % 24),
			 id + 4);
		e[n].bytes = mib * HP_MIB;
		e[n].page = strtoull(path + 29, NULL, 10) * HP_KIB;
		e[n].guest = -1;
		n++;
		assert_true(n < MAX_EXP);
	}
	/* the guest node of each: -numa node,nodeid=N,...,memdev=ID or pc-dimm ...,memdev=ID,node=N
	 */
	for (size_t i = 0; i < n; i++) {
		char key[128];
		const char *q;

		snprintf(key, sizeof(key), "memdev=%.31s'", e[i].id);
		q = strstr(cmd, key);
		if (q) {
			const char *line = q;

			while (line > cmd && line[-1] != '\n')
				line--;
			q = strstr(line, "nodeid=");
			e[i].guest = (int)strtol(q + 7, NULL, 10);
		} else {
			snprintf(key, sizeof(key), "memdev=%.31s,node=", e[i].id);
			q = strstr(cmd, key);
			assert_non_null(q);
			e[i].guest = (int)strtol(q + strlen(key), NULL, 10);
		}
		/* no host-nodes on the command line: the reservation's guest i on host node i */
		e[i].nodes = 1ULL << e[i].guest;
		snprintf(e[i].policy, sizeof(e[i].policy), "bind");
	}
	return n;
}

static void test_proxmox_cases(void **state)
{
	char dir[4200];
	struct dirent *de;
	DIR *d;
	size_t huge = 0, plain = 0, backends = 0, templates = 0;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/proxmox/cfg2cmd", shared_dir());
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d))) {
		char path[8192], cmd_path[8300];
		size_t l = strlen(de->d_name), len, n;
		struct exp e[MAX_EXP];
		struct hp_vm vm;
		struct hp_diag diag = { 0 };
		uint64_t ram;
		char *conf, *cmd;
		int r;

		if (l < 6 || strcmp(de->d_name + l - 5, ".conf"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		snprintf(cmd_path, sizeof(cmd_path), "%s.cmd", path);
		conf = slurp(path, &len);
		cmd = slurp(cmd_path, NULL);
		assert_non_null(conf);
		assert_non_null(cmd);
		r = hp_proxmox_parse(path, "8006", conf, len, &vm, &diag);
		if (r == HP_PVE_TEMPLATE) {
			/* qemu-server builds a command line for it all the same; it never runs */
			assert_non_null(strstr(conf, "\ntemplate: 1"));
			templates++;
			free(conf);
			free(cmd);
			continue;
		}
		if (r < 0)
			fprintf(stderr, "# %s: %s:%u: %s\n", de->d_name, diag.file, diag.line,
				diag.msg);
		assert_int_equal(r, 0);
		n = pve_expected(cmd, e, &ram);
		if (n) {
			struct hp_plan plan;

			compare(de->d_name, &vm, e, n);
			assert_false(vm.not_huge);
			assert_int_equal(plan_one(&vm, 2, &plan, &diag), 0);
			hp_plan_free(&plan);
			huge++;
			backends += n;
		} else {
			assert_true(vm.not_huge);
			assert_int_equal(vm.plain_memory, ram);
			plain++;
		}
		free(vm.backends);
		free(conf);
		free(cmd);
	}
	closedir(d);
	fprintf(stderr,
		"# proxmox: %zu configurations on huge pages (%zu backends), %zu not, %zu "
		"template\n",
		huge, backends, plain, templates);
	assert_int_equal(templates, 1);
	assert_int_equal(huge, 3);
	assert_int_equal(plain, 9);
}

/* --- rules the shared cases do not reach ------------------------------------------------ */

static int lv(const char *xml, struct hp_vm *vm, struct hp_diag *d)
{
	return hp_libvirt_parse("qemu/t.xml", xml, strlen(xml), vm, d);
}

#define DOM(body) "<domain type='kvm'>\n<name>t</name>\n" body "</domain>\n"

static void test_libvirt_units(void **state)
{
	uint64_t k;

	(void)state;
	assert_int_equal(hp_libvirt_scale("8388608", NULL, &k), 0);
	assert_int_equal(k, 8388608);
	assert_int_equal(hp_libvirt_scale("8", "GiB", &k), 0);
	assert_int_equal(k, 8 * 1024 * 1024);
	assert_int_equal(hp_libvirt_scale("8", "g", &k), 0);
	assert_int_equal(k, 8 * 1024 * 1024);
	assert_int_equal(hp_libvirt_scale("1", "GB", &k), 0); /* 10^9 bytes, rounded up to KiB */
	assert_int_equal(k, 976563);
	assert_int_equal(hp_libvirt_scale("1000", "KB", &k), 0);
	assert_int_equal(k, 977);
	assert_int_equal(hp_libvirt_scale("1025", "b", &k), 0);
	assert_int_equal(k, 2);
	assert_int_equal(hp_libvirt_scale("2", "T", &k), 0);
	assert_int_equal(k, 2ULL << 30);
	assert_int_equal(hp_libvirt_scale("4", "MB", &k), 0);
	assert_int_equal(k, 3907); /* 4,000,000 / 1024 = 3906.25 */
	assert_int_equal(hp_libvirt_scale("4", "XiB", &k), -EINVAL);
	assert_int_equal(hp_libvirt_scale("-4", "KiB", &k), -EINVAL);
	assert_int_equal(hp_libvirt_scale("99999999999", "E", &k), -ERANGE);
}

static void test_libvirt_nodeset(void **state)
{
	uint64_t m;

	(void)state;
	assert_int_equal(hp_libvirt_nodeset("0-3", &m), 0);
	assert_int_equal(m, 0xf);
	assert_int_equal(hp_libvirt_nodeset("0,2-3", &m), 0);
	assert_int_equal(m, 0xd);
	assert_int_equal(hp_libvirt_nodeset("1-4,^3", &m), 0);
	assert_int_equal(m, 0x16);
	assert_int_equal(hp_libvirt_nodeset("^1", &m), -EINVAL);
	assert_int_equal(hp_libvirt_nodeset("1-", &m), -EINVAL);
	assert_int_equal(hp_libvirt_nodeset("64", &m), -ERANGE);
}

static void test_libvirt_rules(void **state)
{
	struct hp_vm vm;
	struct hp_diag d;

	(void)state;
	/* interleave over 0-1 for a cell, restrictive for another, preferred for a third */
	assert_int_equal(lv(DOM("<memory unit='GiB'>6</memory>\n"
				"<memoryBacking><hugepages><page size='1' "
				"unit='G'/></hugepages></memoryBacking>\n"
				"<numatune><memory mode='interleave' nodeset='0-1'/>\n"
				"<memnode cellid='1' mode='restrictive' nodeset='1'/>\n"
				"<memnode cellid='2' mode='preferred' nodeset='0'/></numatune>\n"
				"<cpu><numa><cell id='0' cpus='0' memory='3' unit='GiB'/>\n"
				"<cell id='1' cpus='1' memory='2097152'/>\n"
				"<cell id='2' cpus='2' memory='1' unit='GiB'/></numa></cpu>\n"),
			    &vm, &d),
			 0);
	assert_int_equal(vm.nr_backends, 3);
	assert_int_equal(vm.backends[0].policy, HP_POL_INTERLEAVE);
	assert_int_equal(vm.backends[0].nodes, 3);
	assert_int_equal(vm.backends[0].bytes, 3 * HP_GIB);
	assert_int_equal(vm.backends[1].policy, HP_POL_BIND); /* cgroups, as strict */
	assert_int_equal(vm.backends[1].nodes, 2);
	assert_int_equal(vm.backends[2].policy, HP_POL_PREFERRED);
	assert_int_equal(vm.backends[2].nodes, 1);
	assert_int_equal(vm.memory, 6 * HP_GIB);
	free(vm.backends);

	/* placement='auto': numad decides at start, any node */
	assert_int_equal(
		lv(DOM("<memory>1048576</memory><memoryBacking><hugepages/></memoryBacking>"
		       "<numatune><memory mode='strict' placement='auto'/></numatune>"),
		   &vm, &d),
		0);
	assert_int_equal(vm.nr_backends, 1);
	assert_int_equal(vm.backends[0].policy, HP_POL_ANY);
	assert_int_equal(vm.backends[0].page_rule, HP_PAGE_BOOT_DEFAULT);
	free(vm.backends);

	/* no memoryBacking: listed, not planned; currentMemory never counts */
	assert_int_equal(lv(DOM("<memory unit='KiB'>4194304</memory>"
				"<currentMemory unit='KiB'>1048576</currentMemory>"
				"<devices><hostdev mode='subsystem' type='pci'/></devices>"),
			    &vm, &d),
			 0);
	assert_true(vm.not_huge);
	assert_true(vm.passthrough);
	assert_int_equal(vm.plain_memory, 4 * HP_GIB);

	/* sizes rounded up as libvirt aligns: 1 MiB for memory, 2 MiB for a DIMM */
	assert_int_equal(
		lv(DOM("<memory "
		       "unit='KiB'>1000000</memory><memoryBacking><hugepages/></memoryBacking>"),
		   &vm, &d),
		0);
	assert_int_equal(vm.backends[0].bytes, 977 * HP_MIB);
	free(vm.backends);

	/* safe parsing: a DOCTYPE (entities) is refused with its line, malformed XML too */
	assert_int_equal(lv("<?xml version='1.0'?>\n<!DOCTYPE d [<!ENTITY a 'aaaa'>]>\n"
			    "<domain><name>&a;</name></domain>",
			    &vm, &d),
			 -EINVAL);
	assert_int_equal(d.line, 2);
	assert_non_null(strstr(d.msg, "DOCTYPE"));
	assert_int_equal(lv("<domain>\n<name>t</name>\n<memory>1</memory>\n</domai>", &vm, &d),
			 -EINVAL);
	assert_string_equal(d.file, "qemu/t.xml");
	assert_int_equal(d.line, 4);
	assert_non_null(strstr(d.msg, "not a well-formed"));
	assert_int_equal(lv(DOM("<memory unit='QiB'>1</memory>"), &vm, &d), -EINVAL);
	assert_int_equal(d.line, 3);
	assert_non_null(strstr(d.msg, "unknown unit 'QiB'"));
	assert_int_equal(lv(DOM("<memory>1</memory><numatune><memory mode='bogus' nodeset='0'/>"
				"</numatune>"),
			    &vm, &d),
			 -EINVAL);
	assert_non_null(strstr(d.msg, "mode='bogus'"));
}

/*
 * <metadata><hugeplan:backing>: the element virsh metadata --uri HP_LIBVIRT_NS --key hugeplan
 * --set '<backing>X</backing>' writes (tests/libvirt/run.sh writes it with the real virsh)
 */
#define MD(x)                                                                                      \
	"<metadata>\n<other:app xmlns:other='https://example.org/app/1'><backing>static</backing>" \
	"</other:app>\n" x "</metadata>\n"
#define HUGE "<memory>1048576</memory>\n<memoryBacking><hugepages/></memoryBacking>\n"

static void test_libvirt_metadata(void **state)
{
	struct hp_vm vm;
	struct hp_diag d;

	(void)state;
	/* as virsh writes it: the prefix is --key, the namespace is what counts */
	assert_int_equal(lv(DOM(MD("<hugeplan:backing xmlns:hugeplan=\"" HP_LIBVIRT_NS
				   "\">dynamic</hugeplan:backing>\n") HUGE),
			    &vm, &d),
			 0);
	assert_true(vm.backing_set);
	assert_int_equal(vm.backing, HP_BACKING_DYNAMIC);
	assert_string_equal(vm.backing_loc.file, "qemu/t.xml");
	assert_int_equal(vm.backing_loc.line, 5);
	free(vm.backends);
	/* another prefix, blanks around the value */
	assert_int_equal(lv(DOM(MD("<hp:backing xmlns:hp='" HP_LIBVIRT_NS
				   "'>\n  transparent\n</hp:backing>\n") HUGE),
			    &vm, &d),
			 0);
	assert_int_equal(vm.backing, HP_BACKING_TRANSPARENT);
	free(vm.backends);
	/* <backing> of another namespace, or none: not ours (the loader applies the default) */
	assert_int_equal(lv(DOM(MD("<backing>dynamic</backing>\n") HUGE), &vm, &d), 0);
	assert_false(vm.backing_set);
	free(vm.backends);
	assert_int_equal(lv(DOM(MD("<x:backing xmlns:x='https://hugeplan.invalid/xmlns/2'>"
				   "dynamic</x:backing>\n") HUGE),
			    &vm, &d),
			 0);
	assert_false(vm.backing_set);
	free(vm.backends);

	/* a bad value: FILE:LINE and the value, nothing kept */
	assert_int_equal(lv(DOM(MD("<hugeplan:backing xmlns:hugeplan='" HP_LIBVIRT_NS
				   "'>Dynamic-ish</hugeplan:backing>\n") HUGE),
			    &vm, &d),
			 -EINVAL);
	assert_string_equal(d.file, "qemu/t.xml");
	assert_int_equal(d.line, 5);
	assert_string_equal(
		d.msg, "hugeplan:backing=Dynamic-ish: expected static, dynamic or transparent");
	assert_null(vm.backends);
	assert_int_equal(lv(DOM(MD("<hugeplan:backing xmlns:hugeplan='" HP_LIBVIRT_NS
				   "'></hugeplan:backing>\n") HUGE),
			    &vm, &d),
			 -EINVAL);
	assert_string_equal(d.msg, "hugeplan:backing=: expected static, dynamic or transparent");
	/* two, or another element of the namespace */
	assert_int_equal(
		lv(DOM(MD("<a:backing xmlns:a='" HP_LIBVIRT_NS "'>static</a:backing>\n"
			  "<b:backing xmlns:b='" HP_LIBVIRT_NS "'>dynamic</b:backing>\n") HUGE),
		   &vm, &d),
		-EINVAL);
	assert_int_equal(d.line, 6);
	assert_non_null(strstr(d.msg, "given twice (first on line 5)"));
	assert_int_equal(lv(DOM(MD("<hugeplan:pagesize xmlns:hugeplan='" HP_LIBVIRT_NS
				   "'>2M</hugeplan:pagesize>\n") HUGE),
			    &vm, &d),
			 -EINVAL);
	assert_int_equal(d.line, 5);
	assert_non_null(strstr(d.msg, "<pagesize> in hugeplan's namespace"));
	/* static or dynamic on a domain off huge pages cannot be; transparent is what it is */
	assert_int_equal(lv(DOM(MD("<hugeplan:backing xmlns:hugeplan='" HP_LIBVIRT_NS
				   "'>dynamic</hugeplan:backing>\n") "<memory>1048576</memory>\n"),
			    &vm, &d),
			 -EINVAL);
	assert_int_equal(d.line, 5);
	assert_non_null(strstr(d.msg, "hugeplan:backing=dynamic: t is not on huge pages"));
	assert_int_equal(
		lv(DOM(MD("<hugeplan:backing xmlns:hugeplan='" HP_LIBVIRT_NS
			  "'>transparent</hugeplan:backing>\n") "<memory>1048576</memory>\n"),
		   &vm, &d),
		0);
	assert_true(vm.not_huge);
}

static int pve(const char *text, struct hp_vm *vm, struct hp_diag *d)
{
	return hp_proxmox_parse("qemu-server/101.conf", "101", text, strlen(text), vm, d);
}

static void test_proxmox_rules(void **state)
{
	struct hp_vm vm;
	struct hp_diag d;
	struct hp_plan p;

	(void)state;
	/* any: decided per chunk, 3072 MiB on 1G, 1000 MiB on 2M; custom numaN on host nodes */
	assert_int_equal(pve("memory: 4072\nnuma: 1\nhugepages: any\nkeephugepages: 1\n"
			     "numa0: cpus=0-1,memory=3072,hostnodes=1,policy=bind\n"
			     "numa1: cpus=2;3,memory=1000,hostnodes=0,policy=preferred\n"
			     "[snapshot1]\nmemory: 99999\n",
			     &vm, &d),
			 0);
	assert_string_equal(vm.name, "101");
	assert_true(vm.keephugepages);
	assert_int_equal(vm.nr_backends, 2);
	assert_int_equal(vm.backends[0].nodes, 2);
	assert_int_equal(vm.backends[1].policy, HP_POL_PREFERRED);
	assert_int_equal(plan_one(&vm, 2, &p, &d), 0);
	assert_int_equal(hp_vm_plan_part(&p.vms[0], HP_GIB, 1), 3);
	assert_int_equal(hp_vm_plan_part(&p.vms[0], 2 * HP_MIB, 0), 500);
	assert_true(p.vms[0].mixed);
	hp_plan_free(&p);
	free(vm.backends);

	/* templates are not VMs; the main section ends at the first section */
	assert_int_equal(pve("memory: 2048\nnuma: 1\nhugepages: 2\ntemplate: 1\n", &vm, &d),
			 HP_PVE_TEMPLATE);
	/* qemu-server's refusals, at their line */
	assert_int_equal(pve("name: web\nmemory: 2048\nhugepages: 2\n", &vm, &d), -EINVAL);
	assert_int_equal(d.line, 3);
	assert_non_null(strstr(d.msg, "numa needs to be enabled"));
	assert_int_equal(pve("memory: 2050\nnuma: 1\nhugepages: 1024\n", &vm, &d), -EINVAL);
	assert_non_null(strstr(d.msg, "not a multiple of the requested hugepages size 1024"));
	assert_int_equal(pve("memory: 4096\nnuma: 1\nhugepages: 2\n"
			     "numa0: cpus=0,memory=4096,hostnodes=0-1,policy=bind\n",
			     &vm, &d),
			 -EINVAL);
	assert_int_equal(d.line, 4);
	assert_non_null(strstr(d.msg, "more than 1 hostnode"));
	assert_int_equal(pve("memory: 4096\nnuma: 1\nhugepages: 2\n"
			     "numa0: cpus=0,memory=2048,hostnodes=0,policy=bind\n",
			     &vm, &d),
			 -EINVAL);
	assert_non_null(strstr(d.msg, "must be equal to vm static memory"));
	/* hotplug with 2M: 1024 static, DIMMs of 512 MiB alternating nodes */
	assert_int_equal(
		pve("memory: 3072\nnuma: 1\nsockets: 2\nhugepages: 2\nhotplug: disk,memory\n", &vm,
		    &d),
		0);
	assert_int_equal(vm.nr_backends, 6);
	assert_int_equal(vm.backends[0].bytes, 512 * HP_MIB);
	assert_string_equal(vm.backends[2].id, "mem-dimm0");
	assert_int_equal(vm.backends[3].guest_node, 1);
	assert_int_equal(vm.memory, 3072 * HP_MIB);
	free(vm.backends);
	/* a 2-socket VM on huge pages on a 1-node host: qemu-server needs host node 1 */
	assert_int_equal(pve("memory: 4096\nnuma: 1\nsockets: 2\nhugepages: 2\n", &vm, &d), 0);
	assert_int_equal(plan_one(&vm, 1, &p, &d), -EINVAL);
	assert_int_equal(d.line, 3);
	assert_non_null(strstr(d.msg, "host node 1 is not online"));
	free(vm.backends);
}

/* the planner's policies on a two-node host, worked out from plan.h's rules */
static void test_policies(void **state)
{
	struct hp_backend b[3];
	struct hp_vm vm;
	struct hp_plan p;
	struct hp_diag d;

	(void)state;
	memset(&vm, 0, sizeof(vm));
	memset(b, 0, sizeof(b));
	snprintf(vm.name, sizeof(vm.name), "x");
	vm.source = HP_SRC_LIBVIRT;
	vm.instances = 1;
	vm.enabled = true;
	/* interleave 5 pages over 0-1: 3 on node 0, 2 on node 1 (bind would split bytes: 3+3) */
	b[0] = (struct hp_backend){ .id = "a",
				    .bytes = 5 * HP_GIB,
				    .page_size = HP_GIB,
				    .nodes = 3,
				    .policy = HP_POL_INTERLEAVE };
	b[1] = (struct hp_backend){ .id = "b",
				    .bytes = 5 * HP_GIB,
				    .page_size = HP_GIB,
				    .nodes = 3,
				    .policy = HP_POL_BIND };
	/* preferred node 1 for 100 pages: node 1 (64 GiB, 512M reserve, 3+3 bound) has room */
	b[2] = (struct hp_backend){ .id = "c",
				    .bytes = 100 * HP_GIB,
				    .page_size = HP_GIB,
				    .nodes = 2,
				    .policy = HP_POL_PREFERRED };
	vm.backends = b;
	vm.nr_backends = 2;
	assert_int_equal(plan_one(&vm, 2, &p, &d), 0);
	assert_int_equal(hp_vm_plan_part(&p.vms[0], HP_GIB, 0), 3 + 3);
	assert_int_equal(hp_vm_plan_part(&p.vms[0], HP_GIB, 1), 2 + 3);
	hp_plan_free(&p);
	/* 100 preferred pages: node 1 holds (64G - 3.2G reserve - 5 x (1G+16M)) / (1G+16M) */
	vm.nr_backends = 3;
	assert_int_equal(plan_one(&vm, 2, &p, &d), 0);
	{
		uint64_t on1 = hp_vm_plan_part(&p.vms[0], HP_GIB, 1);
		uint64_t any = hp_vm_plan_part(&p.vms[0], HP_GIB, -1);
		uint64_t cost = HP_GIB + 16 * HP_MIB;
		uint64_t reserve =
			2 * HP_GIB > 128 * HP_GIB / 20 / 2 ? 2 * HP_GIB : 128 * HP_GIB / 20 / 2;
		uint64_t room = 64 * HP_GIB - reserve - 5 * cost;

		assert_int_equal(on1, 5 + room / cost);
		assert_int_equal(any, 100 - room / cost);
		assert_int_equal(p.pools[0].pages, 3 + 3 + 2 + 3 + 100);
	}
	hp_plan_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_libvirt_cases), cmocka_unit_test(test_proxmox_cases),
		cmocka_unit_test(test_libvirt_units), cmocka_unit_test(test_libvirt_nodeset),
		cmocka_unit_test(test_libvirt_rules), cmocka_unit_test(test_libvirt_metadata),
		cmocka_unit_test(test_proxmox_rules), cmocka_unit_test(test_policies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
