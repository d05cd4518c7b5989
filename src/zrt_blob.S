/* zrt_blob.S - the runtime's ELF image (zrt/), embedded in zerovm as
 * read-only bytes; src/runtime.c copies its segments into guest memory. */
	.section .rodata.zrt, "a"
	.balign 16
	.globl zvm_zrt_start, zvm_zrt_end
zvm_zrt_start:
	.incbin ZRT_BIN
zvm_zrt_end:
	.section .note.GNU-stack,"",@progbits
