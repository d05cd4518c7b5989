/*
 * interp.c - scripts and dynamically linked programs (interp.h).
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "interp.h"

#define LINE_MAX_BYTES 256 /* the kernel's BINPRM_BUF_SIZE: what it reads of a #! line */

/* Does the 64-bit ELF file fd ask for an interpreter? */
static bool has_interp(int fd, const Elf64_Ehdr *eh)
{
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum > 4096)
		return false; /* zerovm says what is wrong with it */
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr ph;
		if (tool_pread_fd(&fd, &ph, sizeof ph, eh->e_phoff + i * sizeof ph) != (int64_t)sizeof ph)
			return false;
		if (ph.p_type == PT_INTERP)
			return true;
	}
	return false;
}

/* Split a #! line (after "#!", up to the newline, or the end of a file
 * that is whole in the buffer) as the kernel does. */
static int split_line(struct tool_log *lg, const char *name, char *l, bool whole, struct interp *in)
{
	char *nl = strchr(l, '\n');
	if (nl)
		*nl = 0;
	else if (!whole)
		return tool_fail(lg, TOOL_EXIT_NOEXEC, "%s: its #! line is longer than %d bytes", name,
				 LINE_MAX_BYTES - 1);
	while (*l == ' ' || *l == '\t')
		l++;
	char *e = l + strcspn(l, " \t");
	char *arg = NULL;
	if (*e) {
		*e = 0;
		arg = e + 1;
		while (*arg == ' ' || *arg == '\t')
			arg++;
		size_t n = strlen(arg);
		while (n && (arg[n - 1] == ' ' || arg[n - 1] == '\t'))
			arg[--n] = 0;
		if (!*arg)
			arg = NULL;
	}
	if (!*l)
		return tool_fail(lg, TOOL_EXIT_NOEXEC, "%s: its #! line names no interpreter", name);
	*in = (struct interp){0};
	if (strcmp(l, "/usr/bin/env") == 0 || strcmp(l, "/bin/env") == 0) {
		if (!arg || strchr(arg, ' ') || strchr(arg, '\t') || arg[0] == '-')
			return tool_fail(lg, TOOL_EXIT_NOEXEC,
					 "%s: #!%s takes one program name here (no options): env cannot start "
					 "another program inside the sandbox",
					 name, l);
		in->env = true;
		in->program = strdup(arg);
		return in->program ? 1 : tool_oom(lg);
	}
	in->program = strdup(l);
	in->arg = arg ? strdup(arg) : NULL;
	if (!in->program || (arg && !in->arg)) {
		interp_free(in);
		return tool_oom(lg);
	}
	return 1;
}

int interp_look(struct tool_log *lg, const char *path, const char *name, struct interp *in)
{
	*in = (struct interp){0};
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return tool_fail(lg, TOOL_EXIT_NOEXEC, "%s: %s", name, strerror(errno));
	char buf[LINE_MAX_BYTES + 1];
	int64_t n = tool_pread_fd(&fd, buf, LINE_MAX_BYTES, 0);
	int r;
	if (n >= 2 && buf[0] == '#' && buf[1] == '!') {
		buf[n] = 0;
		r = split_line(lg, name, buf + 2, n < LINE_MAX_BYTES, in);
	} else if (n >= (ssize_t)sizeof(Elf64_Ehdr) && memcmp(buf, ELFMAG, SELFMAG) == 0) {
		Elf64_Ehdr eh;
		memcpy(&eh, buf, sizeof eh);
		r = has_interp(fd, &eh) ? 2 : 0;
	} else if (n < 0) {
		r = tool_fail(lg, TOOL_EXIT_NOEXEC, "%s: %s", name, strerror(errno));
	} else {
		r = 0; /* not ELF: zerovm says what is wrong with it */
	}
	close(fd);
	return r;
}

void interp_free(struct interp *in)
{
	free(in->program);
	free(in->arg);
	*in = (struct interp){0};
}
