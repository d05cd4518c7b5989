/*
 * outputs.c - objects written all or nothing, collected streams printed
 * whole (outputs.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "outputs.h"

int outputs_open(struct node_files *f, struct tool_log *lg)
{
	for (int k = 0; k < JOB_DEVS; k++) {
		if (!f->temp[k])
			continue;
		/* O_EXCL: a file of that name is not ours to truncate. */
		int fd = open(f->temp[k], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
		if (fd < 0) {
			tool_fail(lg, TOOL_EXIT_USAGE, "cannot create %s: %s", f->temp[k], strerror(errno));
			for (int j = 0; j < k; j++)
				if (f->temp[j])
					unlink(f->temp[j]);
			return -1;
		}
		close(fd);
	}
	return 0;
}

int outputs_close(struct node_files *f, bool ok, struct tool_log *lg)
{
	int r = 0;
	for (int k = 0; k < JOB_DEVS; k++) {
		if (!f->temp[k])
			continue;
		if (ok && r == 0 && rename(f->temp[k], f->final[k]) < 0)
			r = tool_fail(lg, TOOL_EXIT_USAGE, "cannot rename %s to %s: %s", f->temp[k], f->final[k],
				      strerror(errno));
		if (!ok || r < 0)
			unlink(f->temp[k]);
	}
	return r;
}

/* Copy the file at path to descriptor out. */
static void print_file(const char *path, int out, struct tool_log *lg)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		tool_fail(lg, TOOL_EXIT_USAGE, "cannot read %s: %s", path, strerror(errno));
		return;
	}
	char buf[65536];
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0)
			break;
		if (n < 0) {
			tool_fail(lg, TOOL_EXIT_USAGE, "cannot read %s: %s", path, strerror(errno));
			break;
		}
		if (tool_put_all(out, buf, (size_t)n) < 0) {
			/* stderr itself may be what fails: said where it can be */
			tool_fail(lg, TOOL_EXIT_USAGE, "a node's collected %s could not be printed whole: %s",
				  out == 2 ? "standard error" : "output", strerror(errno));
			break;
		}
	}
	close(fd);
}

void outputs_print(const struct node_files *f, struct tool_log *lg)
{
	static const int order[] = {JOB_STDOUT, JOB_OUTPUT, JOB_STDERR};
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
		int k = order[i];
		if (f->spool[k])
			print_file(f->spool[k], k == JOB_STDERR ? 2 : 1, lg);
	}
}
