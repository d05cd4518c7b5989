/*
 * listing.h - what a container holds, for the planner's wildcards.
 *
 * A '*' in a device path is matched against the names of the objects in
 * its container. Where the names come from is the caller's choice: the
 * files of DIR/account/container under zvjob's --root (listing_scan), or
 * a listing given as JSON (listing_parse: {"account/container": ["name",
 * ...], ...}), which is how the Swift middleware hands over a container
 * listing. Either way the planner sees the same thing: names sorted by
 * their bytes.
 */
#ifndef ZVJOB_LISTING_H
#define ZVJOB_LISTING_H

#include <stdbool.h>
#include <stddef.h>

#define LISTING_NAMES_MAX 1000000 /* objects of one container */

struct listing_container {
	char *account, *container;
	char **names; /* sorted (strcmp), unique */
	size_t n;
};

struct listing {
	struct listing_container *c;
	size_t n, cap;
	const char *where; /* "under ROOT" or "in the listing FILE": for messages */
};

/* Add the containers of the JSON listing text[0..len) (source: its file,
 * for messages). 0, or -1 with a message in err[0..errlen). */
int listing_parse(struct listing *ls, const char *text, size_t len, const char *source, char *err, size_t errlen);
/* Add account/container as the regular files in ROOT/account/container
 * (a missing folder is an empty container), unless it is there already.
 * 0, or -1 with a message in err. */
int listing_scan(struct listing *ls, const char *root, const char *account, const char *container, char *err,
		 size_t errlen);
/* The container, or NULL when the listing does not have it. */
const struct listing_container *listing_find(const struct listing *ls, const char *account, const char *container);
void listing_free(struct listing *ls);

#endif
