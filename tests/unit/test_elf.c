/*
 * test_elf.c - unit tests for the program loader (src/elf.c): what it says
 * when the program file cannot be read.
 *
 * A read error is made real with a seccomp filter in a child process that
 * answers pread64 on the program's descriptor with an errno; the loader
 * must report ZeroVM's I/O exit code (5) and name the error (strerror), at
 * each of its three reads (ELF header, program headers, segments; the
 * segments are copied with sendfile(), which the filter always fails, so
 * that the pread64 the loader falls back to is the one that says why). And
 * guest_create() (src/guest.c) leaves no descriptor behind when it fails.
 * Which pages of a program are mapped from its file (docs/memory.md, "The
 * program's read-only pages"), on a program made here with segments that
 * share pages, a writable one and one with .bss, and that guest memory
 * holds the same bytes whether they are mapped or copied.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <elf.h>

#include "elf.h"
#include "guest.h"

#ifndef HELLO
#error "HELLO: the path of a raw guest (build/guests/hello)"
#endif

/* In a child: make the loader's pread64 calls at or past an offset fail
 * with e (nth 1: every read, the ELF header at 0 first; 2: from offset 1,
 * so the program headers at 64; 3: past 64, so the segments but the first,
 * which starts at 0), load HELLO, and write the message to the pipe; exit
 * with the loader's exit code. */
static void child(int out, int nth, int e)
{
	struct zvm_error err = {0};
	struct guest g;
	if (guest_create(&g, 32u << 20, &err) < 0)
		_exit(100);
	int probe = open("/dev/null", O_RDONLY);
	close(probe); /* the loader's open gets this number */
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		/* segments are copied with sendfile(), and with pread64 when
		 * that fails: sendfile from the program always fails here */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_sendfile, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[1])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)probe, 0, 7),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (uint32_t)e),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_pread64, 0, 5),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)probe, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[3])), /* offset */
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K,
			 nth == 1   ? 0u
			 : nth == 2 ? 1u
				    : 65u,
			 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (uint32_t)e),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {sizeof f / sizeof f[0], f};
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
		_exit(101);
	enum validation_state st;
	elf_load(&g, HELLO, true, true, false, &st, &err);
	if (write(out, err.msg, strlen(err.msg)) < 0)
		_exit(102);
	_exit(err.code);
}

static void expect(int nth, int e, const char *want)
{
	int p[2];
	assert_int_equal(pipe(p), 0);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		child(p[1], nth, e);
	}
	close(p[1]);
	char msg[600] = "";
	ssize_t n = read(p[0], msg, sizeof msg - 1);
	msg[n > 0 ? n : 0] = 0;
	close(p[0]);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) != 5 || !strstr(msg, want))
		fail_msg("read %d failing with errno %d: exit %d, message [%s], want 5 and [%s]", nth, e,
			 WEXITSTATUS(status), msg, want);
}

static void test_read_errors_named(void **state)
{
	(void)state;
	expect(1, EIO, "program " HELLO ": read error: Input/output error");
	expect(2, EIO, "program " HELLO ": read error: Input/output error");
	expect(3, ESTALE, "program " HELLO ": read error while loading: Stale file handle");
}

static int count_fds(void)
{
	int n = 0;
	for (int fd = 0; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			n++;
	return n;
}

/* Guest memory that cannot be sized (a file size limit of 1 KiB that may
 * not be raised: the child lowers the hard limit and holds no capability)
 * fails with 12 and closes its memfd. */
static void test_guest_create_failure_closes(void **state)
{
	(void)state;
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		signal(SIGXFSZ, SIG_IGN);
		struct rlimit rl = {1024, 1024};
		if (setrlimit(RLIMIT_FSIZE, &rl) < 0)
			_exit(100);
		/* root could raise it again (CAP_SYS_RESOURCE): become nobody */
		if (geteuid() == 0 && setresuid(65534, 65534, 65534) < 0)
			_exit(101);
		int before = count_fds();
		struct zvm_error err = {0};
		struct guest g;
		int r = guest_create(&g, 32u << 20, &err);
		_exit(r < 0 && err.code == 12 && count_fds() == before ? 0 : 3);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* The program: A R at 0x400000 (file 0-0x1800: a whole page, then half of
 * the page B shares), B R+X at 0x401800 (to 0x404800: two whole pages of
 * its own), C R+W at 0x405000 (never mapped), D R at 0x407000 (one page of
 * file, two of .bss). */
static const Elf64_Phdr seg[] = {
	{.p_type = PT_LOAD, .p_flags = PF_R, .p_offset = 0, .p_vaddr = 0x400000, .p_filesz = 0x1800, .p_memsz = 0x1800},
	{.p_type = PT_LOAD,
	 .p_flags = PF_R | PF_X,
	 .p_offset = 0x1800,
	 .p_vaddr = 0x401800,
	 .p_filesz = 0x3000,
	 .p_memsz = 0x3000},
	{.p_type = PT_LOAD,
	 .p_flags = PF_R | PF_W,
	 .p_offset = 0x5000,
	 .p_vaddr = 0x405000,
	 .p_filesz = 0x2000,
	 .p_memsz = 0x2000},
	{.p_type = PT_LOAD,
	 .p_flags = PF_R,
	 .p_offset = 0x7000,
	 .p_vaddr = 0x407000,
	 .p_filesz = 0x1000,
	 .p_memsz = 0x3000},
};

static void make_program(const char *path)
{
	static unsigned char file[0x8000];
	for (size_t i = 0; i < sizeof file; i++)
		file[i] = (unsigned char)(i * 7 + 3 + i / 4096);
	Elf64_Ehdr eh = {.e_type = ET_EXEC,
			 .e_machine = EM_X86_64,
			 .e_version = EV_CURRENT,
			 .e_entry = 0x402000,
			 .e_phoff = sizeof(Elf64_Ehdr),
			 .e_ehsize = sizeof(Elf64_Ehdr),
			 .e_phentsize = sizeof(Elf64_Phdr),
			 .e_phnum = 4};
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	memcpy(file, &eh, sizeof eh);
	memcpy(file + sizeof eh, seg, sizeof seg);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, file, sizeof file), (ssize_t)sizeof file);
	close(fd);
}

/* Guest memory holds each segment's file bytes and zeros after them. */
static void check_bytes(const struct guest *g, const char *path)
{
	static unsigned char file[0x8000];
	int fd = open(path, O_RDONLY);
	assert_int_equal(read(fd, file, sizeof file), (ssize_t)sizeof file);
	close(fd);
	for (size_t i = 0; i < sizeof seg / sizeof seg[0]; i++) {
		assert_memory_equal(g->base + seg[i].p_vaddr, file + seg[i].p_offset, seg[i].p_filesz);
		for (uint64_t a = seg[i].p_vaddr + seg[i].p_filesz; a < seg[i].p_vaddr + seg[i].p_memsz; a++)
			assert_int_equal(g->base[a], 0);
	}
}

static void test_fmap_plan(void **state)
{
	(void)state;
	char path[] = "/tmp/zvm-test-fmap-XXXXXX";
	int t = mkstemp(path);
	assert_true(t >= 0);
	close(t);
	make_program(path);
	struct zvm_error err = {0};
	struct guest g;
	enum validation_state st;
	assert_int_equal(guest_create(&g, 32u << 20, &err), 0);
	assert_int_equal(elf_load(&g, path, true, true, true, &st, &err), 0);
	static const struct boot_fmap want[] = {
		{.addr = 0x400000, .len = 0x1000, .off = 0, .prot = PROT_READ},
		{.addr = 0x402000, .len = 0x2000, .off = 0x2000, .prot = PROT_READ | PROT_EXEC},
		{.addr = 0x407000, .len = 0x1000, .off = 0x7000, .prot = PROT_READ},
	};
	assert_int_equal(g.nfmap, 3);
	for (uint32_t i = 0; i < 3; i++) {
		assert_int_equal(g.fmap[i].addr, want[i].addr);
		assert_int_equal(g.fmap[i].len, want[i].len);
		assert_int_equal(g.fmap[i].off, want[i].off);
		assert_int_equal(g.fmap[i].prot, want[i].prot);
	}
	assert_true(g.progfd >= 0);
	assert_int_equal(g.mapped_bytes, 0x4000);
	assert_int_equal(g.copied_bytes, 0x1800 + 0x3000 + 0x2000 + 0x1000 - 0x4000);
	check_bytes(&g, path);
	guest_close_prog(&g);

	/* the copy path (the test switch): nothing mapped, the same bytes */
	struct guest c;
	setenv("ZEROVM_TEST_COPY_PROGRAM", "1", 1);
	assert_int_equal(guest_create(&c, 32u << 20, &err), 0);
	assert_int_equal(elf_load(&c, path, true, true, true, &st, &err), 0);
	unsetenv("ZEROVM_TEST_COPY_PROGRAM");
	assert_int_equal(c.nfmap, 0);
	assert_int_equal(c.progfd, -1);
	assert_string_equal(c.copy_why, "ZEROVM_TEST_COPY_PROGRAM is set");
	check_bytes(&c, path);
	/* and the pages hashed are the same: the memory etag of the two */
	char h1[ETAG_HEX_LEN + 1], h2[ETAG_HEX_LEN + 1];
	assert_int_equal(guest_memory_etag(&g, h1), 0);
	assert_int_equal(guest_memory_etag(&c, h2), 0);
	assert_string_equal(h1, h2);
	unlink(path);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_errors_named),
		cmocka_unit_test(test_guest_create_failure_closes),
		cmocka_unit_test(test_fmap_plan),
	};
	return cmocka_run_group_tests_name("elf", tests, NULL, NULL) ? 1 : 0;
}
