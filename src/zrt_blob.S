/* zrt_blob.S - the runtime's ELF image (zrt/), embedded in zerovm as
 * read-only bytes; src/runtime.c copies its segments into guest memory, or
 * maps the whole pages of its code from zerovm's own file: page-aligned
 * here, so that they are page-aligned in the file too. */
	.section .rodata.zrt, "a"
	.balign 4096
	.globl zvm_zrt_start, zvm_zrt_end
zvm_zrt_start:
	.incbin ZRT_BIN
zvm_zrt_end:
	.section .note.GNU-stack,"",@progbits
