/*
 * Safe member paths: the checks applied to archive member names (untrusted) before anything
 * could be created from them. reprove never extracts members to disk; the checks flag
 * members a careless extractor would write outside its directory.
 */
#ifndef RP_PATH_H
#define RP_PATH_H

/* Why a member path is unsafe. */
enum rp_path_verdict {
	RP_PATH_OK = 0,
	RP_PATH_EMPTY,     /* "" */
	RP_PATH_ABSOLUTE,  /* starts with '/' */
	RP_PATH_DOTDOT,    /* has a ".." component */
	RP_PATH_ESCAPES,   /* a symlink whose target leaves the tree */
};

/*
 * Check a member path (borrowed, NUL-terminated): relative, no "..", not empty. "."
 * components are fine ("./usr/bin/ls" is how .deb data tarballs name members, and "./"
 * is their root directory).
 */
enum rp_path_verdict rp_path_check(const char *path);

/*
 * Check a symbolic link at member path `member` pointing to `target` (both borrowed): an
 * absolute target, or one whose ".." components climb above the tree root once resolved
 * lexically from member's directory, escapes. The member path itself is checked too.
 */
enum rp_path_verdict rp_path_check_link(const char *member, const char *target);

/* Short lowercase reason for messages: "absolute path", "'..' component", ... */
const char *rp_path_reason(enum rp_path_verdict v);

#endif
