/*
 * sysloop.c - NSYS getppid system calls, then exit: the same binary runs
 * natively (the kernel answers) and under zerovm with the runtime (ZRT
 * answers from its SIGSYS handler). (t(NSYS) - t(0)) / NSYS is the cost of
 * one emulated system call. getppid: no arguments, no side effects, and
 * neither side caches it.
 */
#ifndef NSYS
#define NSYS 0
#endif

static long sys0(long nr)
{
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(nr) : "rcx", "r11", "memory");
	return r;
}

__attribute__((noreturn)) void _start(void)
{
	for (long i = 0; i < NSYS; i++)
		sys0(110);
	for (;;)
		__asm__ volatile("syscall" : : "a"(231), "D"(0) : "rcx", "r11", "memory");
}
