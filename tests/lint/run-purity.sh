#!/bin/sh
# The core cannot do I/O: every symbol an object of libhugeplan-core.a (generator/core/*.c)
# leaves undefined (nm -u) must be defined by the core itself or be a libc function that only
# computes. Each one is looked up in two lists below:
#   DENIED  what touches the system or the process, in groups, each with its reason; a core
#           object naming one fails, with the group's reason;
#   PURE    libc functions that compute on memory the caller gave: strings, numbers, sorting,
#           the allocator (memory is not the system: the core returns -ENOMEM, it never exits).
# A symbol in neither list fails too ("unclassified"): a new libc call in the core is a choice,
# written down here, not an accident. Compiler runtime (libgcc's __udivti3, __popcountdi2),
# sanitizer hooks and _FORTIFY_SOURCE's __X_chk (judged as X) are accounted for. A core object
# that calls into sys/, config/, check/ or cli/ (an hp_ symbol the core does not define) fails:
# the core is below every other part. libhugeplan-sys.a holds generator/sys/*.c and nothing
# else, and as a control, the same lookup over it must find denied symbols.
# libhugeplan-sources.a (generator/sources) holds the libvirt and Proxmox parsers, pure as the
# core is (text in, VMs out) with libxml2 on a buffer as their one library (XML_PURE), and one
# reader, sources.o, the edge that lists and opens the VM managers' files: every other member
# is checked like a core object, and the reader, as a control, must be found doing I/O, all of
# it through sys/root.h (no open, opendir, stat or readlink of its own).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_init
CORE=$B/libhugeplan-core.a
SYS=$B/libhugeplan-sys.a

# --- DENIED, by group: "group|reason|symbols"
DENIED='
files|reads or writes a file or descriptor: I/O belongs to sys/, under a root|open open64 openat openat64 openat2 creat close close_range read pread pread64 readv preadv preadv2 write pwrite pwrite64 writev pwritev pwritev2 lseek lseek64 fsync fdatasync sync syncfs ftruncate ftruncate64 truncate fallocate posix_fallocate sendfile copy_file_range splice tee dup dup2 dup3 pipe pipe2 fcntl fcntl64 ioctl flock lockf mmap mmap64 munmap mprotect msync select pselect poll ppoll epoll_create epoll_create1 epoll_ctl epoll_wait inotify_init inotify_init1 inotify_add_watch memfd_create eventfd
metadata|asks the file system about a path: the edges gather facts, the core judges them|stat stat64 lstat lstat64 fstat fstat64 fstatat fstatat64 newfstatat statx __xstat __xstat64 __lxstat __lxstat64 __fxstat __fxstat64 __fxstatat __fxstatat64 statfs fstatfs statvfs fstatvfs access faccessat euidaccess eaccess realpath canonicalize_file_name readlink readlinkat getcwd get_current_dir_name chdir fchdir chroot
changes|changes the file system: only sys/atomic-file.c and the generator output write|mkdir mkdirat mkdtemp mkstemp mkstemp64 mkostemp mkostemp64 mkstemps tmpfile tmpfile64 tmpnam tempnam rmdir unlink unlinkat remove rename renameat renameat2 link linkat symlink symlinkat chmod fchmod fchmodat chown fchown lchown fchownat utime utimes utimensat futimens umask mknod mknodat mkfifo mount umount umount2
directories|lists a directory: what exists is a fact the edges read|opendir fdopendir readdir readdir64 readdir_r closedir rewinddir seekdir telldir dirfd scandir scandir64 scandirat glob glob64 globfree nftw nftw64 ftw ftw64 fts_open fts_read fts_close
streams|a stdio stream (a FILE * may as well be stderr): the core builds text with core/text.h|fopen fopen64 fdopen freopen fmemopen open_memstream open_wmemstream fclose fcloseall fflush fflush_unlocked fread fread_unlocked fwrite fwrite_unlocked fgets fgets_unlocked fgetc getc getc_unlocked getchar fputs fputs_unlocked fputc fputc_unlocked putc putc_unlocked putchar puts printf vprintf fprintf vfprintf dprintf vdprintf fscanf vfscanf scanf vscanf getline getdelim __getdelim fseek fseeko fseeko64 ftell ftello ftello64 rewind fileno setvbuf setbuf setlinebuf perror popen pclose __uflow __overflow _IO_putc _IO_getc stdin stdout stderr
environment|an input that is not an argument (environment, identity, host): the caller passes it|getenv secure_getenv __secure_getenv __libc_secure_getenv setenv unsetenv putenv clearenv environ __environ getuid geteuid getgid getegid getresuid getgroups getpid getppid gettid getpwnam getpwnam_r getpwuid getpwuid_r getgrnam getgrgid getlogin gethostname uname sysconf sysinfo get_nprocs get_nprocs_conf setlocale
clock|the clock or chance: a pure function gives the same answer for the same arguments|time clock_gettime gettimeofday clock ftime rand rand_r random srand srandom drand48 lrand48 getrandom getentropy arc4random
processes|starts, waits for or signals a process, or loads code: apply does that through sys/|fork vfork clone clone3 execv execve execvp execvpe execl execlp execle fexecve system posix_spawn posix_spawnp wait waitpid wait3 wait4 waitid kill raise signal sigaction sigprocmask pthread_sigmask alarm sleep usleep nanosleep clock_nanosleep pause pthread_create dlopen dlsym syscall prctl ptrace setrlimit getrlimit
sockets|talks to another process or host|socket socketpair connect bind listen accept accept4 send sendto sendmsg recv recvfrom recvmsg shutdown setsockopt getsockopt getaddrinfo gethostbyname
logging|logs or reports: only main turns an error into a message|syslog vsyslog __syslog_chk openlog closelog err errx verr verrx warn warnx vwarn vwarnx error error_at_line psignal sd_journal_print sd_journal_send
exit|ends the process: only main exits; the core returns -errno|exit _exit _Exit quick_exit atexit on_exit abort __assert_fail __assert_perror_fail __assert longjmp siglongjmp __longjmp_chk
'

# --- PURE: computes on the caller's memory (__errno_location: how strtoul says ERANGE)
PURE='malloc calloc realloc reallocarray free strdup strndup aligned_alloc
memchr memrchr rawmemchr memcmp memcpy mempcpy memmove memset memmem explicit_bzero
strlen strnlen strcmp strncmp strcasecmp strncasecmp strcoll strchr strrchr strchrnul strstr
strcasestr strspn strcspn strpbrk strtok_r strsep stpcpy stpncpy strcpy strncpy strcat strncat
strerror strerror_r strerrorname_np strverscmp fnmatch
strtol strtoul strtoll strtoull strtod strtof strtold strtoimax strtoumax
snprintf vsnprintf sprintf vsprintf asprintf vasprintf sscanf vsscanf
qsort qsort_r bsearch lfind lsearch
__ctype_b_loc __ctype_tolower_loc __ctype_toupper_loc tolower toupper
isalpha isdigit isalnum isspace isxdigit isupper islower isprint isgraph ispunct iscntrl
__errno_location __stack_chk_fail __stack_chk_guard'

# --- XML_PURE: libxml2 on a buffer the caller gave (XML_PARSE_NONET; a DOCTYPE is refused
# before parsing, so no DTD or entity is ever loaded): the parser of generator/sources only
XML_PURE='xmlNewParserCtxt xmlCtxtReadMemory xmlCtxtGetLastError xmlDocGetRootElement
xmlFreeDoc xmlFreeParserCtxt xmlGetLineNo'
SOURCES_READER=sources.o

# nm -u of one object ($1, "archive:member" as nm -A names it): one symbol a line
undefined() {
	nm -u "$1" 2>/dev/null | awk '{ print $NF }'
}

# classify OBJECT_LABEL DEFINED_FILE [MORE_PURE]: reads symbols on stdin, prints "LABEL
# SYMBOL: why" for each that the core may not use (MORE_PURE: symbols allowed besides PURE)
classify() {
	DENIED=$DENIED PURE="$PURE ${3:-}" awk -v obj="$1" -v defs="$2" '
	BEGIN {
		while ((getline d < defs) > 0)
			defined[d] = 1
		n = split(ENVIRON["DENIED"], lines, "\n")
		for (i = 1; i <= n; i++) {
			if (split(lines[i], f, "|") != 3)
				continue
			k = split(f[3], syms, " ")
			for (j = 1; j <= k; j++)
				deny[syms[j]] = f[1] ": " f[2]
		}
		k = split(ENVIRON["PURE"], syms, "[ \n]+")
		for (j = 1; j <= k; j++)
			pure[syms[j]] = 1
	}
	{
		s = $0
		if (s in defined)
			next
		# _FORTIFY_SOURCE: __snprintf_chk is snprintf; C99/C23 scanf and strtol aliases
		b = s
		if (b ~ /^__.*_chk$/) { sub(/^__/, "", b); sub(/_chk$/, "", b) }
		sub(/^__isoc(99|23)_/, "", b)
		if (b in deny) { print obj " " s ": " deny[b]; next }
		if (b in pure) next
		if (b ~ /^__(asan|ubsan|lsan|sanitizer|sancov)_/) next
		if (b ~ /^__(pop|clz|ctz|ffs|parity|bswap|u?div|u?mod|u?divmod|mul|neg|ashl|ashr|lshr|u?cmp)[a-z]*[0-9]$/) next
		if (b ~ /^hp_/) { print obj " " s ": not defined in the core (the core calls nothing above it)"; next }
		print obj " " s ": unclassified: add it to DENIED or PURE in tests/lint/run-purity.sh, with the reason"
	}'
}

# members ARCHIVE: its object names, sorted
members() {
	ar t "$1" | LC_ALL=C sort
}

# sources DIR: the object names its .c files give, sorted
sources() {
	for f in "$TOP"/generator/"$1"/*.c; do
		n=$(basename "$f" .c)
		echo "$n.o"
	done | LC_ALL=C sort
}

# check ARCHIVE NAME [BELOW [MORE_PURE]]: the findings of classify over every member of
# ARCHIVE into NAME.found; the members are extracted into NAME.x/. BELOW: another archive
# whose definitions the members may call (the core, for the sources' parsers).
check() {
	{
		nm --defined-only "$1" 2>/dev/null
		[ -z "${3:-}" ] || nm --defined-only "$3" 2>/dev/null
	} | awk 'NF == 3 { print $3 }' | sort -u >"$T_TMP/$2.defined"
	: >"$T_TMP/$2.found"
	mkdir -p "$T_TMP/$2.x"
	(cd "$T_TMP/$2.x" && ar x "$1")
	for o in "$T_TMP/$2".x/*.o; do
		undefined "$o" | classify "$(basename "$o")" "$T_TMP/$2.defined" "${4:-}" >>"$T_TMP/$2.found"
	done
}

SOURCES=$B/libhugeplan-sources.a
for a in "$CORE" "$SYS" "$SOURCES"; do
	if [ ! -f "$a" ]; then
		t_fail "$(basename "$a") exists" "run make first"
		t_done
		exit 1
	fi
done

members "$CORE" >"$T_TMP/core.members"
sources core >"$T_TMP/core.sources"
t_diff "libhugeplan-core.a holds generator/core/*.c and nothing else" \
	"$T_TMP/core.sources" "$T_TMP/core.members"
members "$SYS" >"$T_TMP/sys.members"
sources sys >"$T_TMP/sys.sources"
t_diff "libhugeplan-sys.a holds generator/sys/*.c and nothing else" \
	"$T_TMP/sys.sources" "$T_TMP/sys.members"

check "$CORE" core
n=$(wc -l <"$T_TMP/core.members")
if [ -s "$T_TMP/core.found" ]; then
	t_fail "the $n core objects reference no I/O, environment, clock, process, logging or exit" \
		"$(cat "$T_TMP/core.found")"
else
	t_ok "the $n core objects reference no I/O, environment, clock, process, logging or exit"
fi

# the control: the same lookup finds what the system side does use
check "$SYS" sys
for want in "root.o open:" "path.o read:" "atomic-file.o rename" "root.o fdopendir:" \
	"bootloader.o fork:" "kmsg.o write:"; do
	if grep -q "^$want" "$T_TMP/sys.found"; then
		t_ok "control: the lookup finds $want in libhugeplan-sys.a"
	else
		t_fail "control: the lookup finds $want in libhugeplan-sys.a" \
			"$(head -n 20 "$T_TMP/sys.found")"
	fi
done

# the sources' parsers: pure like the core, libxml2 on a buffer besides; the reader is the edge
members "$SOURCES" >"$T_TMP/sources.members"
sources sources >"$T_TMP/sources.sources"
t_diff "libhugeplan-sources.a holds generator/sources/*.c and nothing else" \
	"$T_TMP/sources.sources" "$T_TMP/sources.members"
check "$SOURCES" sources "$CORE" "$XML_PURE"
grep -v "^$SOURCES_READER " "$T_TMP/sources.found" >"$T_TMP/sources.parsers.found"
n=$(grep -cvx "$SOURCES_READER" "$T_TMP/sources.members")
if [ -s "$T_TMP/sources.parsers.found" ]; then
	t_fail "the $n parser objects of generator/sources reference no I/O (libxml2 on a buffer only)" \
		"$(cat "$T_TMP/sources.parsers.found")"
else
	t_ok "the $n parser objects of generator/sources reference no I/O (libxml2 on a buffer only)"
fi
# the reader resolves every path beneath the root (sys/root.h, issue 12): it opens, lists and
# looks up nothing by itself
if grep -E "^$SOURCES_READER (open|open64|openat|opendir|stat|stat64|lstat|lstat64|readlink|realpath|fopen|access): " \
	"$T_TMP/sources.found" >"$T_TMP/sources.raw"; then
	t_fail "the reader ($SOURCES_READER) opens every path through sys/root.h" "$(cat "$T_TMP/sources.raw")"
else
	t_ok "the reader ($SOURCES_READER) opens every path through sys/root.h"
fi
for want in "$SOURCES_READER readdir:" "$SOURCES_READER hp_root_open_file:" "$SOURCES_READER hp_root_opendir:"; do
	if grep -q "^$want" "$T_TMP/sources.found"; then
		t_ok "control: the lookup finds $want in libhugeplan-sources.a (the reader)"
	else
		t_fail "control: the lookup finds $want in libhugeplan-sources.a (the reader)" \
			"$(head -n 20 "$T_TMP/sources.found")"
	fi
done

# the other two verdicts, on symbols made up for the purpose
printf '%s\n' __fprintf_chk made_up_call hp_read_text strlen |
	classify test.o "$T_TMP/core.defined" >"$T_TMP/made-up.found"
printf '%s\n' "test.o __fprintf_chk: streams" "test.o made_up_call: unclassified" \
	"test.o hp_read_text: not defined in the core" >"$T_TMP/made-up.want"
if [ "$(wc -l <"$T_TMP/made-up.found")" -eq 3 ] &&
	awk 'NR == FNR { w[FNR] = $0; next } index($0, w[FNR]) != 1 { bad = 1 } END { exit bad }' \
		"$T_TMP/made-up.want" "$T_TMP/made-up.found"; then
	t_ok "control: fortified fprintf denied, an unknown call and an hp_ call from outside refused"
else
	t_fail "control: fortified fprintf denied, an unknown call and an hp_ call from outside refused" \
		"$(cat "$T_TMP/made-up.found")"
fi

# and what the core does use, for the record
used=$(for o in "$T_TMP"/core.x/*.o; do undefined "$o"; done | LC_ALL=C sort -u |
	grep -vxF -f "$T_TMP/core.defined" | tr '\n' ' ')
echo "# libc symbols the core uses: $used"
t_done
