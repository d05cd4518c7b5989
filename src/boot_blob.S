/* boot_blob.S - boot's binary, embedded in zerovm as read-only bytes and
 * exec'd from a memfd (src/sandbox.c): no install path to get wrong. */
	.section .rodata.boot, "a"
	.balign 16
	.globl zvm_boot_start, zvm_boot_end
zvm_boot_start:
	.incbin BOOT_BIN
zvm_boot_end:
	.section .note.GNU-stack,"",@progbits
