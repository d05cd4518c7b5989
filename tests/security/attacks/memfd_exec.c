/*
 * memfd_exec: the fileless-malware route: create an anonymous file,
 * write an ELF into it and execute it by descriptor.
 * Tries: memfd_create("x", MFD_CLOEXEC), then write + execveat.
 * Must:  SIGSYS at memfd_create, exit 4.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	static const char *av[] = {"x", 0};
	(void)argc, (void)argv;
	say("try memfd_create");
	long fd = sys2(319, "x", 1);
	saynum("survived", fd);
	sys3(1, fd, "\177ELF", 4);
	sys5(322, fd, "", av, av + 1, 0x1000);
	return 0;
}
