// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hpf-fragment: fragments a guest's free memory the way a host that has run a while has it
 * (make bench, inside a QEMU guest only: never on a shared machine). It takes all but KEEP
 * MiB of MemFree as anonymous 4 KiB pages (no transparent huge pages), touches each, then
 * gives back every other one: the free memory is then single pages between pages in use, no
 * 2 MiB block free, and all of it movable (compaction can join it). It says "ready" in the
 * file given and holds the rest until killed.
 *
 *   hpf-fragment KEEP_MIB READY_FILE
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static long mem_free_kib(void)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemFree: %ld kB", &v) == 1)
			break;
	fclose(f);
	return v;
}

int main(int argc, char **argv)
{
	long keep, freekb, page = sysconf(_SC_PAGESIZE);
	size_t len, n;
	char *p;
	FILE *f;

	if (argc != 3)
		return 2;
	keep = atol(argv[1]);
	freekb = mem_free_kib();
	if (freekb < 0 || freekb / 1024 <= keep)
		return 1;
	len = (size_t)(freekb / 1024 - keep) << 20;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 1;
	madvise(p, len, MADV_NOHUGEPAGE);
	n = len / (size_t)page;
	for (size_t i = 0; i < n; i++)
		p[i * (size_t)page] = (char)i;
	for (size_t i = 1; i < n; i += 2)
		munmap(p + i * (size_t)page, (size_t)page);
	f = fopen(argv[2], "w");
	if (!f)
		return 1;
	fprintf(f, "held %zu MiB in %zu pages, %zu single pages free\n", len / 2 >> 20, n - n / 2,
		n / 2);
	fclose(f);
	for (;;)
		pause();
}
