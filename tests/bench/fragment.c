// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hpf-fragment: fragments a guest's free memory the way a host that has run a while has it
 * (make bench, inside a QEMU guest only: never on a shared machine). It takes all but KEEP
 * MiB of MemAvailable as anonymous 4 KiB pages (no transparent huge pages), touches each, then
 * gives back every other one: the free memory is then single pages between pages in use, no
 * 2 MiB block free, and all of it movable (compaction can join it). With UNMOVABLE_KIB, it
 * then fills that much of the holes with pipe buffers, pages the kernel can neither move nor
 * reclaim, scattered as the holes are: the pageblocks they land in cannot become a huge page
 * again while the pipes live. It says what it did in READY_FILE and holds it all until
 * killed.
 *
 *   hpf-fragment KEEP_MIB UNMOVABLE_KIB READY_FILE
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

static long mem_available_kib(void)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %ld kB", &v) == 1)
			break;
	fclose(f);
	return v;
}

static int say(const char *file, const char *what)
{
	FILE *f = fopen(file, "w");

	if (f) {
		fprintf(f, "failed: %s\n", what);
		fclose(f);
	}
	return 1;
}

int main(int argc, char **argv)
{
	long keep, freekb, page = sysconf(_SC_PAGESIZE);
	size_t len, n;
	char *p;
	FILE *f;

	long unmov, pipes, made = 0;
	static char buf[4096];

	if (argc != 4)
		return 2;
	keep = atol(argv[1]);
	unmov = atol(argv[2]);
	freekb = mem_available_kib();
	if (freekb < 0 || freekb / 1024 <= keep)
		return say(argv[3], "MemAvailable is below what is to be kept");
	len = (size_t)(freekb / 1024 - keep) << 20;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return say(argv[3], "mmap");
	madvise(p, len, MADV_NOHUGEPAGE);
	n = len / (size_t)page;
	for (size_t i = 0; i < n; i++)
		p[i * (size_t)page] = (char)i;
	for (size_t i = 1; i < n; i += 2)
		munmap(p + i * (size_t)page, (size_t)page);
	pipes = unmov * 1024 / page;
	if (pipes) {
		struct rlimit rl = { (rlim_t)(2 * pipes + 64), (rlim_t)(2 * pipes + 64) };

		setrlimit(RLIMIT_NOFILE, &rl);
		memset(buf, 'u', sizeof(buf));
		for (; made < pipes; made++) {
			int fd[2];

			if (pipe(fd) < 0 || write(fd[1], buf, (size_t)page) != page)
				break;
		}
	}
	f = fopen(argv[3], "w");
	if (!f)
		return 1;
	fprintf(f, "held %zu MiB in %zu pages, %zu single pages free, %ld unmovable pipe pages\n",
		len / 2 >> 20, n - n / 2, n / 2, made);
	fclose(f);
	for (;;)
		pause();
}
