/*
 * client.h - zerovm --connect <socket> [options] <manifest>: run the
 * session in a server (server.h), with this process's standard streams and
 * working directory, and exit with the session's status.
 */
#ifndef ZVM_CLIENT_H
#define ZVM_CLIENT_H

#include "options.h"

int client_main(const struct options *o, int argc, char **argv);

#endif
