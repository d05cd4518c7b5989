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
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

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

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_errors_named),
		cmocka_unit_test(test_guest_create_failure_closes),
	};
	return cmocka_run_group_tests_name("elf", tests, NULL, NULL) ? 1 : 0;
}
