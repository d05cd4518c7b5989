/*
 * session.c - prepare the session's files, and remove them.
 */
#include <stdlib.h>

#include "config.h"
#include "program.h"
#include "zvsh.h"

int zvsh_prepare(struct zvsh *z)
{
	if (workdir_open(&z->wd, &z->log, z->plan->keep) < 0)
		return -1;
	zvsh_note(&z->log, "work directory %s", z->wd.path);
	if (channel_std(&z->cs, &z->log) < 0 || channel_images(&z->cs, &z->log, &z->wd, z->plan) < 0 ||
	    program_resolve(&z->wd, &z->log, z->plan, &z->program_path) < 0 ||
	    channel_args(&z->cs, &z->log, &z->wd, z->plan) < 0)
		return -1;
	zvsh_note(&z->log, "program %s", z->program_path);
	if (config_write(&z->wd, &z->log, z->plan, &z->cs, z->program_path, &z->manifest_path) < 0)
		return -1;
	zvsh_note(&z->log, "manifest %s", z->manifest_path);
	return 0;
}

void zvsh_cleanup(struct zvsh *z)
{
	workdir_close(&z->wd);
	channel_free(&z->cs);
	free(z->program_path);
	free(z->manifest_path);
}
