/*
 * zvm_start.h - what a raw guest needs to start without a C library.
 *
 * Include it in exactly one source file of a program built with
 *   gcc -static -nostdlib -ffreestanding -fno-stack-protector -I include ...
 * It provides _start (calls main(argc, argv) and zvm_exit() with its result)
 * and the memcpy/memset/memmove/memcmp/strlen that compilers may emit calls
 * to. Programs linked with a C library (run by the runtime, docs/zrt.md) do
 * not need it.
 */
#ifndef ZVM_START_H
#define ZVM_START_H

#include <stddef.h>

#include "zvm.h"

int main(int argc, char **argv);

__attribute__((used, noreturn)) static void zvm_start_c(long *sp)
{
	zvm_exit(main((int)sp[0], (char **)(sp + 1)));
}

__asm__(".text\n"
	".globl _start\n"
	"_start:\n"
	"	xor %ebp, %ebp\n"
	"	mov %rsp, %rdi\n"
	"	and $-16, %rsp\n"
	"	call zvm_start_c\n"
	"	hlt\n");

#include "zvm_mem.h"

#endif
