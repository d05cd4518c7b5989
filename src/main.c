/*
 * main.c - zerovm [options] <manifest>, and its server and client forms.
 *
 * A session (run.c) runs here; with --serve, a server keeps sealed
 * sandboxes ready and runs one session per client request (server.c); with
 * --connect, the session runs in such a server (client.c) with the same
 * output, report and exit status.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "error.h"
#include "manifest.h"
#include "options.h"
#include "run.h"
#include "server.h"
#include "session.h"

#define ZEROVM_VERSION "0.1.0"

int main(int argc, char **argv)
{
	/* Descriptors 0-2 must be open: otherwise the files we open next
	 * would take their numbers, and a /dev/stdin channel or the report
	 * would reach one of them (guest memory, say). */
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd)
			return ZVM_EXIT_IO;
	double t0 = session_now();
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0) {
			fputs(options_usage, stdout);
			return 0;
		}
		if (strcmp(argv[i], "--version") == 0) {
			printf("zerovm %s (manifest version %s, etags SHA-1, seccomp user notification traps)\n",
			       ZEROVM_VERSION, MANIFEST_VERSION);
			return 0;
		}
	}
	struct options o;
	char msg[256];
	if (options_parse(argc, argv, &o, msg, sizeof msg) < 0) {
		fprintf(stderr, "zerovm: %s\n\n%s", msg, options_usage);
		return ZVM_EXIT_INVAL;
	}
	if (o.serve)
		return server_main(&o);
	if (o.connect)
		return client_main(&o, argc, argv);
	return session_run(&o, NULL, t0);
}
