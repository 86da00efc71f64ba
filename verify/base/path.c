/*
 * Lexical checks of archive member paths and symlink targets: absolute paths, ".."
 * components and links that climb out of the tree (no filesystem access, no symlink
 * resolution: members are data, never extracted).
 */
#include <string.h>

#include "path.h"

/*
 * Walk the components of p, starting at depth `depth` (components below the root),
 * returning the lowest depth reached (negative: above the root) and the final depth.
 */
static void walk(const char *p, long *depth, long *lowest)
{
	while (*p) {
		size_t n;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		n = strcspn(p, "/");
		if (n == 1 && p[0] == '.') {
			/* "." stays */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			(*depth)--;
			if (*depth < *lowest)
				*lowest = *depth;
		} else {
			(*depth)++;
		}
		p += n;
	}
}

enum rp_path_verdict rp_path_check(const char *path)
{
	const char *p = path;

	if (!path || !*path)
		return RP_PATH_EMPTY;
	if (*path == '/')
		return RP_PATH_ABSOLUTE;
	while (*p) {
		size_t n;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return RP_PATH_DOTDOT;
		p += n;
	}
	/* "./" is the tree's root directory, which every .deb tarball lists first */
	return RP_PATH_OK;
}

enum rp_path_verdict rp_path_check_link(const char *member, const char *target)
{
	enum rp_path_verdict v = rp_path_check(member);
	long depth = 0, lowest = 0;
	const char *slash;

	if (v != RP_PATH_OK)
		return v;
	if (!target || !*target)
		return RP_PATH_OK;
	if (*target == '/')
		return RP_PATH_ESCAPES;
	/* the link's directory: every component of member but the last */
	slash = strrchr(member, '/');
	while (slash && slash[1] == '\0') {
		/* "dir/" names a directory member: its parent is what contains it */
		const char *q = slash;
		while (q > member && q[-1] == '/')
			q--;
		slash = NULL;
		for (const char *r = member; r < q; r++)
			if (*r == '/')
				slash = r;
	}
	if (slash) {
		char dir[4096];
		size_t n = (size_t)(slash - member);
		if (n >= sizeof(dir))
			return RP_PATH_ESCAPES; /* too deep to judge: refuse */
		memcpy(dir, member, n);
		dir[n] = '\0';
		walk(dir, &depth, &lowest);
	}
	walk(target, &depth, &lowest);
	return lowest < 0 ? RP_PATH_ESCAPES : RP_PATH_OK;
}

const char *rp_path_reason(enum rp_path_verdict v)
{
	switch (v) {
	case RP_PATH_OK:
		return "safe";
	case RP_PATH_EMPTY:
		return "empty path";
	case RP_PATH_ABSOLUTE:
		return "absolute path";
	case RP_PATH_DOTDOT:
		return "'..' component";
	case RP_PATH_ESCAPES:
		return "link target outside the tree";
	}
	return "?";
}
