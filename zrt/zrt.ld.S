/* zrt.ld.S - the runtime's image, put through the C preprocessor into
 * build/zrt/zrt.ld: linked at ZRT_BASE (abi/zrt_abi.h), header
 * first, text and read-only data in one R+X segment, data and bss in an R+W
 * one. Nothing else: the supervisor loads the PT_LOAD segments as they are. */
#include "zrt_abi.h"

ENTRY(zrt_entry)
PHDRS
{
	text PT_LOAD FLAGS(5);
	data PT_LOAD FLAGS(6);
}
SECTIONS
{
	. = ZRT_BASE;
	.zrt_header : { KEEP(*(.zrt_header)) } :text
	.text : { *(.text .text.*) } :text
	.rodata : { *(.rodata .rodata.*) } :text
	. = ALIGN(4096);
	.data : { *(.data .data.*) } :data
	.bss : { *(.bss .bss.* COMMON) } :data
	/DISCARD/ : { *(.note.*) *(.comment) *(.eh_frame*) *(.got*) *(.igot*) *(.rela*) }
}
