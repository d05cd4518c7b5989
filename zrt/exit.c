/*
 * exit.c - how the session ends once the program runs (exit.h): the exit
 * calls, a signal whose default action terminates, a wait nothing could
 * end. access=wo images are written back first, through the function
 * image/ registered at start (it lies above this file).
 */
#include "exit.h"
#include "log.h"
#include "zrt.h"

static bool (*before_exit)(void);

void exit_at(bool (*before)(void))
{
	before_exit = before;
}

__attribute__((noreturn)) void exit_session(int code)
{
	if (before_exit && !before_exit()) {
		log_line(0, "zrt: the program's exit status %d becomes %d: an image or the notes were not written",
			 code, ZRT_EXIT_FAILED);
		code = ZRT_EXIT_FAILED;
	}
	zrt_exit(code);
}

/* A wait that could only last for ever: nothing else in the sandbox can
 * ever fill or drain a pipe of this program, or make one of its
 * descriptors ready, so the session ends now with a message rather than
 * at the timeout (docs/zrt.md, "Pipes"). */
__attribute__((noreturn)) void exit_would_block(const char *what)
{
	log_line(0, "zrt: %s: only this program could end the wait, which would last for ever; the session ends", what);
	exit_session(ZRT_EXIT_WAIT);
}
