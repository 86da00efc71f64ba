/*
 * The rebuild runner: fresh source copies, sandboxed builds with identical settings and
 * with variations, artifact collection and comparison, the noise-aware verdict, --bisect,
 * and the report (struct and JSON) that the CLI, the gate and provenance consume.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <glob.h>
#include <jansson.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "diff.h"
#include "file.h"
#include "mem.h"
#include "rebuild.h"
#include "sandbox.h"
#include "source.h"

#define FIXED_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define LOG_MAX_DEFAULT (64u << 20)
#define TAIL_DEFAULT 25u
#define TAIL_BYTES_MAX 8192u

static const char *const vary_names[RP_VARY_COUNT] = {
	"build_path", "home",        "environment", "exec_path",  "locales", "timezone",
	"umask",      "domain_host", "num_cpus",    "user_group", "time",    "fileordering",
};

const char *rp_variation_name(enum rp_variation v)
{
	return (unsigned)v < RP_VARY_COUNT ? vary_names[v] : NULL;
}

const char *rp_rebuild_verdict_name(enum rp_rebuild_verdict v)
{
	switch (v) {
	case RP_REBUILD_REPRODUCIBLE:
		return "reproducible";
	case RP_REBUILD_EQUAL_NORMALIZED:
		return "equal after normalization";
	case RP_REBUILD_NONDETERMINISTIC:
		return "nondeterministic without variation";
	case RP_REBUILD_NOT_REPRODUCIBLE:
		return "not reproducible";
	}
	return "?";
}

const char *rp_artifact_result_name(enum rp_artifact_result r)
{
	switch (r) {
	case RP_ART_IDENTICAL:
		return "identical";
	case RP_ART_EQUAL_NORMALIZED:
		return "equal after normalization";
	case RP_ART_DIFFERENT:
		return "different";
	case RP_ART_MISSING:
		return "missing";
	case RP_ART_ADDED:
		return "added";
	}
	return "?";
}

static int vary_lookup(const char *name, size_t n)
{
	for (int i = 0; i < RP_VARY_COUNT; i++)
		if (strlen(vary_names[i]) == n && memcmp(vary_names[i], name, n) == 0)
			return i;
	if ((n == 8 && memcmp(name, "hostname", 8) == 0) ||
	    (n == 6 && memcmp(name, "domain", 6) == 0))
		return RP_VARY_DOMAIN_HOST;
	return -1;
}

enum rp_status rp_variation_parse(const char *list, unsigned *mask, struct rp_err *e)
{
	unsigned m = 0;
	const char *p = list;
	int first = 1;

	if (strcmp(list, "all") == 0) {
		*mask = RP_VARY_ALL;
		return RP_OK;
	}
	if (strcmp(list, "none") == 0 || !*list) {
		*mask = 0;
		return RP_OK;
	}
	while (*p) {
		size_t n = strcspn(p, ",");
		int sign = 0, v;

		if (*p == '+' || *p == '-') {
			sign = *p == '+' ? 1 : -1;
			p++;
			n--;
		}
		if (first && sign)
			m = RP_VARY_ALL;
		first = 0;
		if (n == 3 && memcmp(p, "all", 3) == 0) {
			m = sign < 0 ? 0 : RP_VARY_ALL;
		} else {
			v = vary_lookup(p, n);
			if (v < 0)
				return rp_errf(e, RP_EUSAGE,
					       "--vary: unknown variation '%.*s' (known: build_path, "
					       "home, environment, exec_path, locales, timezone, umask, "
					       "domain_host, num_cpus, user_group, time, fileordering)",
					       (int)(n > 64 ? 64 : n), p);
			if (sign < 0)
				m &= ~(1u << v);
			else
				m |= 1u << v;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	*mask = m;
	return RP_OK;
}

/* ---- small helpers ---- */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void rfc3339(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(path) < 0 && errno != ENOENT ? -1 : 0;
	return unlink(path) < 0 && errno != ENOENT ? -1 : 0;
}

static int chmod_dir(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)ftw;
	if (flag == FTW_D && (st->st_mode & 0700) != 0700)
		chmod(path, 0700);
	return 0;
}

/* rm -rf, also through directories a build made read-only. 0 or -1 (errno). */
static int rm_rf(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	if (nftw(path, rm_entry, 32, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) == 0)
		return 0;
	nftw(path, chmod_dir, 32, FTW_PHYS | FTW_MOUNT);
	return nftw(path, rm_entry, 32, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

static void progress(const struct rp_rebuild_opts *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void progress(const struct rp_rebuild_opts *o, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (!o->progress)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	o->progress(o->progress_arg, line);
}

/* A NULL-terminated "K=V" vector; set replaces an existing K. */
struct envv {
	char **v;
	size_t n;
};

static void env_set(struct envv *ev, const char *k, const char *val)
{
	size_t kl = strlen(k);

	for (size_t i = 0; i < ev->n; i++) {
		if (strncmp(ev->v[i], k, kl) == 0 && ev->v[i][kl] == '=') {
			free(ev->v[i]);
			ev->v[i] = rp_xasprintf("%s=%s", k, val);
			return;
		}
	}
	ev->v = rp_xreallocarray(ev->v, ev->n + 2, sizeof(*ev->v));
	ev->v[ev->n++] = rp_xasprintf("%s=%s", k, val);
	ev->v[ev->n] = NULL;
}

static void env_setkv(struct envv *ev, const char *kv)
{
	const char *eq = strchr(kv, '=');
	char *k = rp_xstrndup(kv, (size_t)(eq - kv));

	env_set(ev, k, eq + 1);
	free(k);
}

static const char *env_get(const struct envv *ev, const char *k)
{
	size_t kl = strlen(k);

	for (size_t i = 0; i < ev->n; i++)
		if (strncmp(ev->v[i], k, kl) == 0 && ev->v[i][kl] == '=')
			return ev->v[i] + kl + 1;
	return NULL;
}

static void env_free(struct envv *ev)
{
	for (size_t i = 0; i < ev->n; i++)
		free(ev->v[i]);
	free(ev->v);
	ev->v = NULL;
	ev->n = 0;
}

/* ---- the run context ---- */

struct ctx {
	const struct rp_rebuild_opts *o;
	struct rp_rebuild_report *r;
	struct rp_source src;
	char *root;             /* scratch root (absolute) */
	int own_root;           /* mkdtemp'd by us: removed at the end */
	unsigned ncpus;         /* CPUs this process may run on */
	const char *faketime;   /* libfaketime's path, or NULL */
	char *tail;             /* log tail of a failed build */
	char *fail_log;         /* and its log, kept */
};

static const char *const faketime_paths[] = {
	"/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
	"/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1",
	"/usr/lib/faketime/libfaketime.so.1",
	"/usr/lib64/faketime/libfaketime.so.1",
	"/usr/local/lib/faketime/libfaketime.so.1",
};

static const char *find_faketime(void)
{
	for (size_t i = 0; i < sizeof(faketime_paths) / sizeof(faketime_paths[0]); i++)
		if (access(faketime_paths[i], R_OK) == 0)
			return faketime_paths[i];
	return NULL;
}

static char *path2(const char *a, const char *b)
{
	return rp_xasprintf("%s/%s", a, b);
}

/* disorderfs (FUSE) shows the tree at mnt with directory entries shuffled. */
static enum rp_status disorder_mount(const char *backing, const char *mnt, struct rp_err *e)
{
	/* --multi-user needs root; unprivileged, the build runs as our own user anyway. */
	const char *argv[] = { "disorderfs", "--shuffle-dirents=yes", "--quiet",
			       geteuid() == 0 ? "--multi-user=yes" : "--multi-user=no", backing,
			       mnt, NULL };
	char *out = NULL;
	size_t len;
	enum rp_status rc = rp_source_run(argv, NULL, 1 << 16, &out, &len, e);

	free(out);
	return rc;
}

static void disorder_umount(const char *mnt)
{
	const char *argv[] = { "fusermount", "-u", "-z", mnt, NULL };
	char *out = NULL;
	size_t len;

	if (rp_source_run(argv, NULL, 1 << 16, &out, &len, NULL) != RP_OK) {
		const char *argv2[] = { "umount", "-l", mnt, NULL };
		free(out);
		out = NULL;
		rp_source_run(argv2, NULL, 1 << 16, &out, &len, NULL);
	}
	free(out);
}

/* NULL when disorderfs can mount here, else why not (static text or malloc'd in *why). */
static char *disorder_probe(const char *root)
{
	char *b = path2(root, "disorderfs-probe"), *m = path2(root, "disorderfs-probe-mnt");
	struct rp_err e = RP_ERR_INIT;
	char *why = NULL;

	if (access("/usr/bin/disorderfs", X_OK) != 0 && access("/usr/local/bin/disorderfs", X_OK) != 0)
		why = rp_xstrdup("disorderfs is not installed (Debian package disorderfs)");
	else if (mkdir(b, 0755) < 0 || mkdir(m, 0755) < 0)
		why = rp_xasprintf("cannot create '%s': %s", b, strerror(errno));
	else if (disorder_mount(b, m, &e) != RP_OK)
		why = rp_xasprintf("disorderfs cannot mount here: %s", e.msg);
	else
		disorder_umount(m);
	rmdir(m);
	rmdir(b);
	free(b);
	free(m);
	return why;
}

static unsigned allowed_cpus(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return 1;
	return (unsigned)CPU_COUNT(&set);
}

/* The build path: identical runs share one; the variation uses another, deeper one. */
static char *build_path(const struct ctx *c, unsigned vary)
{
	if (vary & (1u << RP_VARY_BUILD_PATH))
		return path2(c->root, "varied-build-path/other/source");
	return path2(c->root, "build/src");
}

static char *home_path(const struct ctx *c, unsigned vary)
{
	return path2(c->root, (vary & (1u << RP_VARY_HOME)) ? "varied-home/user" : "home");
}

/* The environment of a build: fixed, then the recipe's, then the variations. */
static void make_env(const struct ctx *c, unsigned vary, const char *home, struct envv *ev)
{
	char sde[32];

	snprintf(sde, sizeof(sde), "%lld", c->r->source_date_epoch);
	env_set(ev, "PATH", FIXED_PATH);
	env_set(ev, "HOME", home);
	env_set(ev, "LANG", "C.UTF-8");
	env_set(ev, "LC_ALL", "C.UTF-8");
	env_set(ev, "TZ", "UTC");
	env_set(ev, "SOURCE_DATE_EPOCH", sde);
	for (size_t i = 0; i < c->r->recipe.nenv; i++)
		env_setkv(ev, c->r->recipe.env[i]);
	if (vary & (1u << RP_VARY_EXEC_PATH)) {
		char *p = rp_xasprintf("%s:%s/varied-exec-path", env_get(ev, "PATH"), c->root);
		env_set(ev, "PATH", p);
		free(p);
	}
	if (vary & (1u << RP_VARY_LOCALES)) {
		env_set(ev, "LANG", "fr_CH.UTF-8");
		env_set(ev, "LC_ALL", "fr_CH.UTF-8");
		env_set(ev, "LANGUAGE", "fr_CH:fr");
	}
	if (vary & (1u << RP_VARY_TIMEZONE))
		env_set(ev, "TZ", "GMT-14");
	if (vary & (1u << RP_VARY_ENVIRONMENT))
		env_set(ev, "REPROVE_VARIED_ENVIRONMENT", "1");
	if ((vary & (1u << RP_VARY_TIME)) && c->faketime) {
		env_set(ev, "LD_PRELOAD", c->faketime);
		env_set(ev, "FAKETIME", "+373d");
		env_set(ev, "FAKETIME_DONT_FAKE_MONOTONIC", "1");
	}
}

/* ---- artifacts ---- */

struct artlist {
	struct rp_rebuild_run_artifact *a;
	size_t n;
};

static void art_add(struct artlist *l, const char *name)
{
	l->a = rp_xreallocarray(l->a, l->n + 1, sizeof(*l->a));
	memset(&l->a[l->n], 0, sizeof(l->a[l->n]));
	l->a[l->n++].name = rp_xstrdup(name);
}

static int art_cmp(const void *x, const void *y)
{
	return strcmp(((const struct rp_rebuild_run_artifact *)x)->name,
		      ((const struct rp_rebuild_run_artifact *)y)->name);
}

static enum rp_status add_dir_files(struct artlist *l, const char *tree, const char *rel,
				    int depth, struct rp_err *e)
{
	char *full = path2(tree, rel);
	DIR *d = opendir(full);
	struct dirent *de;
	enum rp_status rc = RP_OK;

	if (!d) {
		rc = rp_err_sys(e, RP_EIO, errno, "cannot read directory '%s'", full);
		goto out;
	}
	if (depth > 64) {
		rc = rp_errf(e, RP_EIO, "'%s': directories nested too deeply", full);
		goto out;
	}
	while ((de = readdir(d))) {
		struct stat st;
		char *r;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		r = path2(rel, de->d_name);
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
			if (S_ISREG(st.st_mode))
				art_add(l, r);
			else if (S_ISDIR(st.st_mode))
				rc = add_dir_files(l, tree, r, depth + 1, e);
		}
		free(r);
		if (rc)
			break;
	}
out:
	if (d)
		closedir(d);
	free(full);
	return rc;
}

/* Does path (whose last component is not followed) resolve to somewhere below root? */
static int inside_tree(const char *root, const char *path)
{
	char *slash = strrchr(path, '/');
	char *dir, real[PATH_MAX];
	size_t n = strlen(root);
	int ok;

	if (!slash)
		return 0;
	dir = rp_xstrndup(path, (size_t)(slash - path));
	ok = realpath(dir, real) && strncmp(real, root, n) == 0 && (real[n] == '/' || !real[n]);
	free(dir);
	return ok;
}

/* Every regular file the recipe's globs match in tree, hashed, sorted by name. */
static enum rp_status collect(const struct ctx *c, const char *tree, unsigned idx,
			      struct artlist *l, struct rp_err *e)
{
	struct rp_buf esc = RP_BUF_INIT(PATH_MAX * 2);
	enum rp_status rc = RP_OK;
	char treereal[PATH_MAX];
	size_t prefix, i, j;

	/* The tree's own name must not be read as a pattern. */
	for (const char *p = tree; *p; p++) {
		if (strchr("*?[]\\", *p))
			rp_buf_add(&esc, "\\", 1, NULL);
		if (rp_buf_add(&esc, p, 1, NULL)) {
			rc = rp_errf(e, RP_EIO, "'%s': path too long", tree);
			goto out;
		}
	}
	rp_buf_add(&esc, "/", 1, NULL);
	prefix = strlen(tree) + 1;
	if (!realpath(tree, treereal)) {
		rc = rp_err_sys(e, RP_EIO, errno, "cannot resolve '%s'", tree);
		goto out;
	}
	for (i = 0; i < c->r->recipe.nartifacts; i++) {
		const char *pat = c->r->recipe.artifacts[i];
		char *full = rp_xasprintf("%s%s", esc.data, pat);
		glob_t g;
		size_t before = l->n;
		int grc = glob(full, 0, NULL, &g);

		free(full);
		if (grc != 0 && grc != GLOB_NOMATCH) {
			rc = rp_errf(e, RP_EIO, "run %u: cannot expand artifact pattern '%s'", idx,
				     pat);
			if (grc != GLOB_NOSPACE)
				globfree(&g);
			goto out;
		}
		for (j = 0; grc == 0 && j < g.gl_pathc; j++) {
			struct stat st;
			const char *rel = g.gl_pathv[j] + prefix;
			if (strlen(g.gl_pathv[j]) <= prefix || lstat(g.gl_pathv[j], &st) < 0)
				continue;
			/*
			 * glob() follows symlinked directories the build made ("dist/d -> /etc"
			 * makes "dist/d/shadow" match): an artifact must resolve inside the tree,
			 * or a build could publish any file the user can read.
			 */
			if (!inside_tree(treereal, g.gl_pathv[j])) {
				rc = rp_errf(e, RP_EIO,
					     "run %u: artifact '%s' resolves outside the source tree",
					     idx, rel);
				break;
			}
			if (S_ISREG(st.st_mode))
				art_add(l, rel);
			else if (S_ISDIR(st.st_mode))
				rc = add_dir_files(l, tree, rel, 0, e);
			if (rc)
				break;
		}
		if (grc == 0)
			globfree(&g);
		if (rc)
			goto out;
		if (l->n == before) {
			rc = rp_errf(e, RP_EIO, "run %u: artifact pattern '%s' matched no file", idx,
				     pat);
			goto out;
		}
	}
	qsort(l->a, l->n, sizeof(*l->a), art_cmp);
	/* Two patterns may match one file. */
	for (i = j = 0; i < l->n; i++) {
		if (j && strcmp(l->a[j - 1].name, l->a[i].name) == 0) {
			free(l->a[i].name);
			continue;
		}
		l->a[j++] = l->a[i];
	}
	l->n = j;
	/* The hashing engine reads them in parallel (io_uring where available). */
	if (l->n) {
		struct rp_hash_item *items = rp_xcalloc(l->n, sizeof(*items));
		struct rp_hash_opts ho;
		struct stat st;

		memset(&ho, 0, sizeof(ho));
		for (i = 0; i < l->n; i++) {
			items[i].path = path2(tree, l->a[i].name);
			items[i].name = rp_xstrdup(l->a[i].name);
			if (stat(items[i].path, &st) == 0)
				items[i].size = (uint64_t)st.st_size;
		}
		rc = rp_hash_run(items, l->n, &ho, e);
		for (i = 0; i < l->n; i++) {
			if (!rc) {
				rp_hex(items[i].digest, RP_SHA256_LEN, l->a[i].sha256);
				l->a[i].size = items[i].size;
			}
			free(items[i].path);
			free(items[i].name);
		}
		free(items);
		if (rc)
			goto out;
	}
out:
	rp_buf_release(&esc);
	return rc;
}

#define DIFF_REPORT_MAX (256u << 10) /* per artifact, text and JSON each */
#define DIFF_TIME_LIMIT 120u         /* seconds per artifact */

/* Run a report writer into a malloc'd string. */
static char *diff_to_string(const struct rp_diff_report *r,
			    enum rp_status (*fn)(const struct rp_diff_report *, FILE *,
						 struct rp_err *))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	struct rp_err e = RP_ERR_INIT;

	if (!fp)
		return NULL;
	if (fn(r, fp, &e) != RP_OK) {
		fclose(fp);
		free(buf);
		return rp_xasprintf("(report unavailable: %s)\n", e.msg);
	}
	fclose(fp);
	return buf;
}

/*
 * The one place artifacts are compared (verify/diff.h's layered verdict): sets *res and,
 * when the bytes differ, the text report in *text and the JSON report in *json.
 */
static enum rp_status compare_artifact(const char *a, const char *b,
				       const struct rp_rebuild_run_artifact *x,
				       const struct rp_rebuild_run_artifact *y,
				       enum rp_artifact_result *res, char **text, char **json,
				       struct rp_err *e)
{
	struct rp_diff_opts o;
	struct rp_diff_report *r = NULL;
	struct rp_err de = RP_ERR_INIT;
	enum rp_verdict v;
	enum rp_status rc;

	*text = NULL;
	*json = NULL;
	if (strcmp(x->sha256, y->sha256) == 0) {
		*res = RP_ART_IDENTICAL;
		return RP_OK;
	}
	/* Different bytes: the layered comparison says whether normalization explains it. */
	memset(&o, 0, sizeof(o));
	o.max_report_bytes = DIFF_REPORT_MAX;
	o.time_limit_s = DIFF_TIME_LIMIT;
	rc = rp_diff_paths(a, b, &o, &r, &de);
	if (rc == RP_EIO || rc == RP_EINTERNAL) {
		if (e)
			*e = de;
		return rc;
	}
	if (rc != RP_OK) {
		/* An artifact the comparison cannot decode still differs: say why. */
		*res = RP_ART_DIFFERENT;
		*text = rp_xasprintf("sha256 %s (%llu bytes) in run 1, %s (%llu bytes) here; "
				     "no member-level report: %s\n",
				     x->sha256, (unsigned long long)x->size, y->sha256,
				     (unsigned long long)y->size, de.msg);
		return RP_OK;
	}
	v = rp_diff_verdict(r);
	*res = v == RP_VERDICT_IDENTICAL	 ? RP_ART_IDENTICAL
	       : v == RP_VERDICT_EQUAL_NORMALIZED ? RP_ART_EQUAL_NORMALIZED
						   : RP_ART_DIFFERENT;
	*text = diff_to_string(r, rp_diff_write_text);
	*json = diff_to_string(r, rp_diff_write_json);
	rp_diff_report_free(r);
	return RP_OK;
}

/* s with every "prefix" removed (malloc'd; s is freed): scratch paths that will not exist. */
static char *strip_prefix(char *s, const char *prefix)
{
	struct rp_buf b = RP_BUF_INIT((size_t)-1 / 2);
	size_t pl = strlen(prefix);
	const char *p = s, *hit;

	if (!s || !pl)
		return s;
	while ((hit = strstr(p, prefix))) {
		rp_buf_add(&b, p, (size_t)(hit - p), NULL);
		p = hit + pl;
	}
	rp_buf_addstr(&b, p, NULL);
	free(s);
	return rp_buf_detach(&b, NULL);
}

/* Compare run's artifacts (in tree) with run 1's (in tree1); fills results and run->result. */
static enum rp_status compare_run(struct ctx *c, struct rp_rebuild_run *run, const char *tree1,
				  const char *tree, struct rp_err *e)
{
	struct rp_rebuild_run *r1 = &c->r->runs[0];
	struct artlist merged = { NULL, 0 };
	size_t i = 0, j = 0;
	enum rp_status rc = RP_OK;

	run->result = RP_ART_IDENTICAL;
	while (i < r1->narts || j < run->narts) {
		int cmp = i >= r1->narts ? 1 : j >= run->narts ? -1
							: strcmp(r1->arts[i].name,
								 run->arts[j].name);
		struct rp_rebuild_run_artifact *m;

		if (cmp < 0) {
			art_add(&merged, r1->arts[i].name);
			m = &merged.a[merged.n - 1];
			m->result = RP_ART_MISSING;
			m->diff = rp_xstrdup("missing in this run\n");
			i++;
		} else if (cmp > 0) {
			art_add(&merged, run->arts[j].name);
			m = &merged.a[merged.n - 1];
			memcpy(m->sha256, run->arts[j].sha256, sizeof(m->sha256));
			m->size = run->arts[j].size;
			m->result = RP_ART_ADDED;
			m->diff = rp_xstrdup("not in run 1\n");
			j++;
		} else {
			char *pa = path2(tree1, r1->arts[i].name);
			char *pb = path2(tree, run->arts[j].name);
			art_add(&merged, run->arts[j].name);
			m = &merged.a[merged.n - 1];
			memcpy(m->sha256, run->arts[j].sha256, sizeof(m->sha256));
			m->size = run->arts[j].size;
			rc = compare_artifact(pa, pb, &r1->arts[i], &run->arts[j], &m->result,
					      &m->diff, &m->diff_json, e);
			/* Without --keep the trees are gone afterwards: name them "run-N/...". */
			if (!c->o->keep_dir) {
				char *pre = rp_xasprintf("%s/", c->root);
				m->diff = strip_prefix(m->diff, pre);
				m->diff_json = strip_prefix(m->diff_json, pre);
				free(pre);
			}
			free(pa);
			free(pb);
			i++;
			j++;
			if (rc)
				break;
		}
		if (m->result > run->result)
			run->result = m->result;
	}
	for (i = 0; i < run->narts; i++)
		free(run->arts[i].name);
	free(run->arts);
	run->arts = merged.a;
	run->narts = merged.n;
	return rc;
}

/* The last lines of a log file (at most TAIL_BYTES_MAX bytes), malloc'd. */
static char *log_tail(const char *path, unsigned lines)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char buf[TAIL_BYTES_MAX + 1], *p;
	off_t size, start;
	ssize_t n;
	unsigned seen = 0;

	if (fd < 0)
		return rp_xstrdup("");
	size = lseek(fd, 0, SEEK_END);
	start = size > (off_t)TAIL_BYTES_MAX ? size - (off_t)TAIL_BYTES_MAX : 0;
	n = pread(fd, buf, TAIL_BYTES_MAX, start);
	close(fd);
	if (n <= 0)
		return rp_xstrdup("");
	buf[n] = '\0';
	p = buf + n;
	if (p > buf && p[-1] == '\n')
		p--;
	while (p > buf) {
		if (p[-1] == '\n' && ++seen >= lines)
			break;
		p--;
	}
	return rp_xstrdup(p);
}

static const char *run_label(const struct rp_rebuild_run *run, char *buf, size_t n)
{
	if (strcmp(run->kind, "bisect") == 0) {
		for (int v = 0; v < RP_VARY_COUNT; v++)
			if (run->vary & (1u << v)) {
				snprintf(buf, n, "bisect: %s", vary_names[v]);
				return buf;
			}
	}
	snprintf(buf, n, "%s", run->kind);
	return buf;
}

/* One build: fresh copy, sandboxed run, artifacts collected and compared with run 1. */
static enum rp_status build_once(struct ctx *c, const char *kind, unsigned vary,
				 struct rp_err *e)
{
	struct rp_rebuild_report *r = c->r;
	struct rp_rebuild_run *run;
	struct rp_sandbox_opts so;
	struct rp_sandbox_result sr;
	struct envv ev = { NULL, 0 };
	struct artlist al = { NULL, 0 };
	char *bpath, *home, *logp, *tree, *backing = NULL, label[64], st[96];
	enum rp_status rc;
	size_t skipped = 0;
	int logfd = -1, mounted = 0;
	unsigned idx;

	r->runs = rp_xreallocarray(r->runs, r->nruns + 1, sizeof(*r->runs));
	run = &r->runs[r->nruns++];
	memset(run, 0, sizeof(*run));
	idx = run->index = (unsigned)r->nruns;
	run->kind = kind;
	run->vary = vary;
	bpath = build_path(c, vary);
	home = home_path(c, vary);
	logp = rp_xasprintf("%s/run-%u.log", c->root, idx);
	tree = rp_xasprintf("%s/run-%u", c->root, idx);
	run->build_path = rp_xstrdup(bpath);
	progress(c->o, "run %u (%s): building in %s", idx, run_label(run, label, sizeof(label)),
		 bpath);

	/* Fresh tree, fresh home: nothing from a previous build survives. */
	if (rm_rf(bpath) < 0 || rm_rf(home) < 0) {
		rc = rp_err_sys(e, RP_EIO, errno, "run %u: cannot clean '%s'", idx, bpath);
		goto out;
	}
	{
		char *parent = rp_xstrdup(bpath);
		for (char *s = parent + strlen(c->root) + 1; *s; s++) {
			if (*s == '/') {
				*s = '\0';
				if (mkdir(parent, 0755) < 0 && errno != EEXIST) {
					rc = rp_err_sys(e, RP_EIO, errno, "cannot create '%s'",
							parent);
					free(parent);
					goto out;
				}
				*s = '/';
			}
		}
		free(parent);
	}
	/* fileordering: the files live in a sibling directory, shown shuffled at bpath. */
	if (vary & (1u << RP_VARY_FILEORDERING)) {
		backing = rp_xasprintf("%s.disorderfs-backing", bpath);
		rm_rf(backing);
	}
	rc = rp_source_copy(&c->src, backing ? backing : bpath, &skipped, e);
	if (rc)
		goto out;
	if (backing) {
		if (mkdir(bpath, 0755) < 0) {
			rc = rp_err_sys(e, RP_EIO, errno, "cannot create '%s'", bpath);
			goto out;
		}
		rc = disorder_mount(backing, bpath, e);
		if (rc) {
			rp_err_prefix(e, "run %u: fileordering", idx);
			goto out;
		}
		mounted = 1;
	}
	if (mkdir(home, 0755) < 0 && errno != EEXIST) {
		char *hp = rp_xstrdup(home), *sl = strrchr(hp, '/');
		*sl = '\0';
		mkdir(hp, 0755);
		free(hp);
		if (mkdir(home, 0755) < 0) {
			rc = rp_err_sys(e, RP_EIO, errno, "cannot create '%s'", home);
			goto out;
		}
	}
	make_env(c, vary, home, &ev);
	logfd = open(logp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (logfd < 0) {
		rc = rp_err_sys(e, RP_EIO, errno, "cannot create '%s'", logp);
		goto out;
	}
	memset(&so, 0, sizeof(so));
	so.argv = r->recipe.build;
	so.envp = ev.v;
	so.cwd = bpath;
	so.umask = (vary & (1u << RP_VARY_UMASK)) ? 002 : 022;
	so.timeout_s = r->recipe.timeout;
	so.ns = r->ns_wanted;
	so.hostname = (vary & (1u << RP_VARY_DOMAIN_HOST)) ? "reprove-varied" : "reprove";
	so.domainname = (vary & (1u << RP_VARY_DOMAIN_HOST)) ? "varied.invalid"
							       : "reprove.invalid";
	so.uid = so.gid = (vary & (1u << RP_VARY_USER_GROUP)) ? 2000 : 0;
	so.ncpus = (vary & (1u << RP_VARY_NUM_CPUS)) ? 1 : 0;
	so.log_fd = logfd;
	so.log_max = c->o->log_max ? c->o->log_max : LOG_MAX_DEFAULT;
	rc = rp_sandbox_run(&so, &sr, e);
	close(logfd);
	logfd = -1;
	if (mounted) {
		disorder_umount(bpath);
		mounted = 0;
		if (rmdir(bpath) < 0 && !rc) {
			rc = rp_err_sys(e, RP_EIO, errno, "run %u: cannot unmount disorderfs at '%s'",
					idx, bpath);
			goto out;
		}
	}
	if (rc) {
		rp_err_prefix(e, "run %u", idx);
		goto out;
	}
	run->seconds = sr.seconds;
	run->ns = sr.ns;
	run->strays_killed = sr.strays_killed;
	r->build_seconds += sr.seconds;
	if (c->o->keep_dir)
		run->log = rp_xstrdup(logp);
	if (sr.timed_out || !WIFEXITED(sr.status) || WEXITSTATUS(sr.status) != 0) {
		if (sr.timed_out)
			rc = rp_errf(e, RP_EIO,
				     "run %u: build timed out after %u s and was killed "
				     "with every process it started; log: %s",
				     idx, r->recipe.timeout, logp);
		else
			rc = rp_errf(e, RP_EIO, "run %u: build command '%s' failed (%s); log: %s",
				     idx, r->recipe.build[0],
				     rp_sandbox_describe(sr.status, st, sizeof(st)), logp);
		goto fail;
	}
	rc = collect(c, backing ? backing : bpath, idx, &al, e);
	if (rc) {
		if (e) {
			char m[RP_ERR_MSG_MAX];
			snprintf(m, sizeof(m), "%s", e->msg);
			rp_errf(e, rc, "%s; log: %s", m, logp);
		}
		goto fail;
	}
	run->arts = al.a;
	run->narts = al.n;
	al.a = NULL;
	al.n = 0;
	/* Free the build path for the next run; keep this tree where the report says. */
	if (rename(backing ? backing : bpath, tree) < 0) {
		rc = rp_err_sys(e, RP_EIO, errno, "cannot rename '%s' to '%s'",
				backing ? backing : bpath, tree);
		goto out;
	}
	if (idx > 1) {
		char *tree1 = path2(c->root, "run-1");
		rc = compare_run(c, run, tree1, tree, e);
		free(tree1);
		if (rc)
			goto out;
		rm_rf(tree);
	}
	progress(c->o, "run %u (%s): %.2f s, %zu artifact%s, %s", idx,
		 run_label(run, label, sizeof(label)), run->seconds, run->narts,
		 run->narts == 1 ? "" : "s",
		 idx == 1 ? "reference" : rp_artifact_result_name(run->result));
	goto out;
fail:
	/* The failed build's log stays (also without --keep); its tail goes to the user. */
	free(c->tail);
	c->tail = log_tail(logp, c->o->tail_lines ? c->o->tail_lines : TAIL_DEFAULT);
	if (c->tail[0]) {
		free(c->fail_log);
		c->fail_log = rp_xstrdup(logp);
	} else if (e) {
		/* An empty log is not worth keeping: say so instead of naming it. */
		char *at = strstr(e->msg, "; log: ");
		if (at) {
			char m[RP_ERR_MSG_MAX];
			snprintf(m, sizeof(m), "%.*s; the build printed nothing", (int)(at - e->msg),
				 e->msg);
			rp_errf(e, rc, "%s", m);
		}
		free(c->tail);
		c->tail = NULL;
	}
out:
	if (logfd >= 0)
		close(logfd);
	if (mounted) {
		disorder_umount(bpath);
		rmdir(bpath);
	}
	free(backing);
	if (!c->o->keep_dir && !(c->fail_log && strcmp(c->fail_log, logp) == 0))
		unlink(logp);
	for (size_t i = 0; i < al.n; i++)
		free(al.a[i].name);
	free(al.a);
	env_free(&ev);
	free(bpath);
	free(home);
	free(logp);
	free(tree);
	return rc;
}

/* The build command's binary, as the identical builds' PATH finds it, for provenance. */
static void find_tool(struct rp_rebuild_report *r)
{
	const char *cmd = r->recipe.build[0], *path = NULL;
	unsigned char d[RP_SHA256_LEN];

	if (strchr(cmd, '/'))
		return; /* part of the source, covered by its commit */
	for (size_t i = 0; r->env[i]; i++)
		if (strncmp(r->env[i], "PATH=", 5) == 0)
			path = r->env[i] + 5;
	while (path && *path) {
		size_t n = strcspn(path, ":");
		char *cand = rp_xasprintf("%.*s/%s", (int)n, path, cmd);
		struct stat st;

		if (n && stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0) {
			char real[PATH_MAX];
			if (realpath(cand, real) && rp_hash_path(real, d, NULL, NULL) == RP_OK) {
				r->tool_path = rp_xstrdup(real);
				rp_hex(d, RP_SHA256_LEN, r->tool_sha256);
			}
			free(cand);
			return;
		}
		free(cand);
		path += n;
		if (*path == ':')
			path++;
	}
}

/* ---- variations, verdict and summary ---- */

static void plan_variations(struct ctx *c)
{
	struct rp_rebuild_report *r = c->r;

	static const char *const ctl[RP_VARY_COUNT] = {
		"build/src", "home", "(none added)", FIXED_PATH, "C.UTF-8", "UTC", "0022",
		"reprove/reprove.invalid", "all CPUs", "0:0", "real clock", "as stored",
	};
	for (int v = 0; v < RP_VARY_COUNT; v++) {
		struct rp_rebuild_variation *x = &r->variations[v];
		const char *why = NULL;

		x->name = vary_names[v];
		x->selected = !!(c->o->vary & (1u << v));
		x->control = ctl[v];
		x->matters = -1;
		switch ((enum rp_variation)v) {
		case RP_VARY_BUILD_PATH:
			x->varied = rp_xstrdup("varied-build-path/other/source");
			break;
		case RP_VARY_HOME:
			x->varied = rp_xstrdup("varied-home/user");
			break;
		case RP_VARY_ENVIRONMENT:
			x->varied = rp_xstrdup("REPROVE_VARIED_ENVIRONMENT=1");
			break;
		case RP_VARY_EXEC_PATH:
			x->varied = rp_xstrdup(FIXED_PATH ":<scratch>/varied-exec-path");
			break;
		case RP_VARY_LOCALES:
			x->varied = rp_xstrdup("fr_CH.UTF-8");
			break;
		case RP_VARY_TIMEZONE:
			x->varied = rp_xstrdup("GMT-14");
			break;
		case RP_VARY_UMASK:
			x->varied = rp_xstrdup("0002");
			break;
		case RP_VARY_DOMAIN_HOST:
			x->varied = rp_xstrdup("reprove-varied/varied.invalid");
			if (!(r->ns & RP_NS_UTS))
				why = "no UTS namespace here (host and domain name cannot be set)";
			break;
		case RP_VARY_NUM_CPUS:
			x->varied = rp_xstrdup("1 CPU");
			if (c->ncpus < 2)
				why = "only one CPU is available";
			break;
		case RP_VARY_USER_GROUP:
			x->varied = rp_xstrdup("2000:2000");
			if (!(r->ns & RP_NS_USER))
				why = "no user namespace here (the build's ids cannot be mapped)";
			break;
		case RP_VARY_TIME:
			x->varied = rp_xstrdup("+373 days (libfaketime)");
			if (!c->faketime)
				why = "libfaketime is not installed (Debian package libfaketime)";
			break;
		case RP_VARY_FILEORDERING:
			x->varied = rp_xstrdup("shuffled directory entries (disorderfs)");
			if (x->selected)
				x->skipped = disorder_probe(c->root);
			break;
		case RP_VARY_COUNT:
			break;
		}
		if (x->selected && why)
			x->skipped = rp_xstrdup(why);
	}
}

static unsigned applicable(const struct rp_rebuild_report *r)
{
	unsigned m = 0;

	for (int v = 0; v < RP_VARY_COUNT; v++)
		if (r->variations[v].selected && !r->variations[v].skipped)
			m |= 1u << v;
	return m;
}

static void list_vary(struct rp_buf *b, unsigned mask)
{
	int first = 1;

	for (int v = 0; v < RP_VARY_COUNT; v++) {
		if (!(mask & (1u << v)))
			continue;
		rp_buf_addf(b, NULL, "%s%s", first ? "" : ", ", vary_names[v]);
		first = 0;
	}
	if (first)
		rp_buf_addstr(b, "none", NULL);
}

/* Names of artifacts whose result is at least min in the runs of the given kinds. */
static void list_differing(struct rp_buf *b, const struct rp_rebuild_report *r, int from_run,
			   int to_run, enum rp_artifact_result min, size_t *count)
{
	size_t shown = 0, total = 0;

	for (size_t a = 0; a < r->nruns; a++) {
		const struct rp_rebuild_run *run = &r->runs[a];
		if ((int)run->index < from_run || (int)run->index > to_run)
			continue;
		for (size_t i = 0; i < run->narts; i++) {
			int seen = 0;
			if (run->arts[i].result < min)
				continue;
			/* Each name once, in first-seen order. */
			for (size_t p = 0; p < a && !seen; p++) {
				const struct rp_rebuild_run *q = &r->runs[p];
				if ((int)q->index < from_run)
					continue;
				for (size_t k = 0; k < q->narts && !seen; k++)
					seen = q->arts[k].result >= min &&
					       strcmp(q->arts[k].name, run->arts[i].name) == 0;
			}
			for (size_t k = 0; k < i && !seen; k++)
				seen = run->arts[k].result >= min &&
				       strcmp(run->arts[k].name, run->arts[i].name) == 0;
			if (seen)
				continue;
			total++;
			if (shown < 5) {
				char nm[256];
				rp_buf_addf(b, NULL, "%s%s", shown ? ", " : "",
					    rp_sanitize(nm, sizeof(nm), run->arts[i].name));
				shown++;
			}
		}
	}
	if (total > shown)
		rp_buf_addf(b, NULL, " and %zu more", total - shown);
	*count = total;
}

static void decide(struct rp_rebuild_report *r)
{
	struct rp_buf b = RP_BUF_INIT(16384);
	enum rp_artifact_result worst = RP_ART_IDENTICAL;
	unsigned applied = 0, matters = 0;
	size_t n = 0;

	for (size_t i = 0; i < r->nruns; i++) {
		if (r->runs[i].result > worst)
			worst = r->runs[i].result;
		applied |= r->runs[i].vary;
	}
	for (int v = 0; v < RP_VARY_COUNT; v++) {
		r->variations[v].applied = !!(applied & (1u << v));
		if (r->variations[v].matters == 1)
			matters |= 1u << v;
	}
	if (r->nruns >= 2 && r->runs[1].result >= RP_ART_DIFFERENT) {
		r->verdict = RP_REBUILD_NONDETERMINISTIC;
		rp_buf_addstr(&b, "nondeterministic without variation: ", NULL);
		list_differing(&b, r, 2, 2, RP_ART_DIFFERENT, &n);
		rp_buf_addf(&b, NULL, " %s between two builds with identical settings",
			    n == 1 ? "differs" : "differ");
	} else if (worst >= RP_ART_DIFFERENT) {
		r->verdict = RP_REBUILD_NOT_REPRODUCIBLE;
		rp_buf_addstr(&b, "not reproducible: ", NULL);
		list_differing(&b, r, 3, INT_MAX, RP_ART_DIFFERENT, &n);
		rp_buf_addf(&b, NULL, " %s", n == 1 ? "differs" : "differ");
		if (r->bisected && matters) {
			rp_buf_addstr(&b, "; variations that matter: ", NULL);
			list_vary(&b, matters);
		} else if (r->bisected) {
			rp_buf_addstr(&b, "; no single variation explains it (varied together: ",
				      NULL);
			list_vary(&b, applied);
			rp_buf_addstr(&b, ")", NULL);
		} else {
			rp_buf_addstr(&b, " under variations ", NULL);
			list_vary(&b, applied);
			rp_buf_addstr(&b, " (--bisect finds which matter)", NULL);
		}
	} else if (worst == RP_ART_EQUAL_NORMALIZED) {
		r->verdict = RP_REBUILD_EQUAL_NORMALIZED;
		rp_buf_addstr(&b, "equal after normalization: ", NULL);
		list_differing(&b, r, 2, INT_MAX, RP_ART_EQUAL_NORMALIZED, &n);
		rp_buf_addf(&b, NULL, " %s only in what normalization removes (varied: ",
			    n == 1 ? "differs" : "differ");
		list_vary(&b, applied);
		rp_buf_addstr(&b, ")", NULL);
	} else {
		r->verdict = RP_REBUILD_REPRODUCIBLE;
		rp_buf_addf(&b, NULL, "reproducible: %zu artifact%s identical in %zu builds (varied: ",
			    r->nartifacts, r->nartifacts == 1 ? "" : "s", r->nruns);
		list_vary(&b, applied);
		rp_buf_addstr(&b, ")", NULL);
	}
	r->summary = rp_buf_detach(&b, NULL);
	rp_buf_release(&b);
}

static void fill_artifacts(struct ctx *c)
{
	struct rp_rebuild_report *r = c->r;
	const struct rp_rebuild_run *r1 = &r->runs[0];

	r->nartifacts = r1->narts;
	r->artifacts = rp_xcalloc(r1->narts ? r1->narts : 1, sizeof(*r->artifacts));
	for (size_t i = 0; i < r1->narts; i++) {
		struct rp_rebuild_artifact *a = &r->artifacts[i];
		const char *sl;

		a->name = rp_xstrdup(r1->arts[i].name);
		sl = strrchr(a->name, '/');
		a->base = sl ? sl + 1 : a->name;
		memcpy(a->sha256, r1->arts[i].sha256, sizeof(a->sha256));
		a->size = r1->arts[i].size;
		if (c->o->keep_dir)
			a->path = rp_xasprintf("%s/run-1/%s", c->root, a->name);
		for (size_t k = 1; k < r->nruns; k++)
			for (size_t j = 0; j < r->runs[k].narts; j++)
				if (strcmp(r->runs[k].arts[j].name, a->name) == 0 &&
				    r->runs[k].arts[j].result > a->result)
					a->result = r->runs[k].arts[j].result;
	}
}

/* The scratch root: --keep DIR (absent or empty), or a fresh directory under $TMPDIR. */
static enum rp_status make_root(struct ctx *c, struct rp_err *e)
{
	char real[PATH_MAX];

	if (c->o->keep_dir) {
		const char *k = c->o->keep_dir;
		if (mkdir(k, 0755) < 0) {
			DIR *d;
			struct dirent *de;
			int empty = 1;
			if (errno != EEXIST)
				return rp_err_sys(e, RP_EIO, errno, "cannot create '%s'", k);
			d = opendir(k);
			if (!d)
				return rp_err_sys(e, RP_EIO, errno, "cannot open '%s'", k);
			while ((de = readdir(d)))
				if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
					empty = 0;
			closedir(d);
			if (!empty)
				return rp_errf(e, RP_EIO, "--keep '%s': exists and is not empty", k);
		}
		if (!realpath(k, real))
			return rp_err_sys(e, RP_EIO, errno, "cannot resolve '%s'", k);
		c->root = rp_xstrdup(real);
		c->r->keep_dir = rp_xstrdup(real);
	} else {
		const char *tmp = getenv("TMPDIR");
		char *t = rp_xasprintf("%s/reprove-rebuild.XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(t)) {
			int err = errno;
			enum rp_status rc = rp_err_sys(e, RP_EIO, err, "cannot create '%s'", t);
			free(t);
			return rc;
		}
		c->own_root = 1;
		if (!realpath(t, real)) {
			c->root = t;
			return rp_err_sys(e, RP_EIO, errno, "cannot resolve '%s'", t);
		}
		free(t);
		c->root = rp_xstrdup(real);
	}
	return RP_OK;
}

static enum rp_status load_source_and_recipe(struct ctx *c, struct rp_err *e)
{
	const struct rp_rebuild_opts *o = c->o;
	struct rp_rebuild_report *r = c->r;
	unsigned char d[RP_SHA256_LEN];
	char real[PATH_MAX], *load;
	enum rp_status rc;

	if (o->git_url) {
		char *dest = path2(c->root, "clone");
		progress(o, "cloning %s at %s", o->git_url, o->git_ref);
		rc = rp_source_clone(&c->src, o->git_url, o->git_ref, dest, e);
		free(dest);
		if (rc)
			return rc;
		r->source_uri = rp_xstrdup(o->git_url);
		r->source_ref = rp_xstrdup(o->git_ref);
	} else {
		const char *sd = o->source_dir ? o->source_dir : ".";
		if (!realpath(sd, real))
			return rp_err_sys(e, RP_EIO, errno, "cannot resolve '%s'", sd);
		rc = rp_source_open_worktree(&c->src, real, e);
		if (rc)
			return rc;
		r->source_dir = rp_xstrdup(real);
		r->source_dirty = c->src.dirty;
	}
	r->source_files = c->src.nfiles;
	if (c->src.commit)
		r->source_commit = rp_xstrdup(c->src.commit);
	/* The default recipe is named as in the source; it is read from our copy of it. */
	r->recipe_path = rp_xstrdup(o->recipe_path ? o->recipe_path : "reprove.json");
	load = o->recipe_path ? rp_xstrdup(o->recipe_path) : path2(c->src.dir, "reprove.json");
	rc = rp_recipe_load(&r->recipe, load, e);
	if (!rc)
		rc = rp_hash_path(load, d, NULL, e);
	free(load);
	if (rc)
		return rc;
	rp_hex(d, RP_SHA256_LEN, r->recipe_sha256);
	if (!r->recipe.sde_git) {
		r->source_date_epoch = r->recipe.sde;
	} else if (c->src.commit_time >= 0) {
		r->source_date_epoch = c->src.commit_time;
	} else {
		return rp_errf(e, RP_EINPUT,
			       "'%s': \"source_date_epoch\" is \"git\" (the default) but '%s' has "
			       "no commit; commit, or give a number",
			       r->recipe_path, c->src.dir);
	}
	return RP_OK;
}

/* Remove what the report does not point at: everything, or all but run 1 and the logs. */
static void cleanup_root(struct ctx *c)
{
	static const char *const scratch[] = { "build", "home", "varied-build-path",
					       "varied-home", "varied-exec-path", "clone" };
	if (!c->root)
		return;
	if (c->own_root && !c->fail_log) {
		rm_rf(c->root);
		return;
	}
	if (c->own_root) {
		/* Only the failed build's log remains. */
		DIR *d = opendir(c->root);
		struct dirent *de;
		const char *keep = strrchr(c->fail_log, '/') + 1;

		while (d && (de = readdir(d))) {
			char *p;
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
			    !strcmp(de->d_name, keep))
				continue;
			p = path2(c->root, de->d_name);
			rm_rf(p);
			free(p);
		}
		if (d)
			closedir(d);
		return;
	}
	for (size_t i = 0; i < sizeof(scratch) / sizeof(scratch[0]); i++) {
		char *p = path2(c->root, scratch[i]);
		rm_rf(p);
		free(p);
	}
}

enum rp_status rp_rebuild_run(const struct rp_rebuild_opts *o, struct rp_rebuild_report **out,
			      char **tail, struct rp_err *e)
{
	struct ctx c;
	struct rp_rebuild_report *r = rp_xcalloc(1, sizeof(*r));
	struct envv ev = { NULL, 0 };
	double t0 = now_s();
	unsigned vset, got;
	char note[512], *home;
	enum rp_status rc = RP_OK;
	int any_varied = 0, varied_diff = 0;

	memset(&c, 0, sizeof(c));
	c.o = o;
	c.r = r;
	c.src = (struct rp_source)RP_SOURCE_INIT;
	rp_recipe_init(&r->recipe);
	rfc3339(r->started);
	if (tail)
		*tail = NULL;
	if (o->runs < 2) {
		rc = rp_errf(e, RP_EUSAGE, "--runs must be at least 2");
		goto out;
	}
	if (!!o->git_url != !!o->git_ref) {
		rc = rp_errf(e, RP_EUSAGE, "--git and --ref go together");
		goto out;
	}
	rc = make_root(&c, e);
	if (rc)
		goto out;
	rc = load_source_and_recipe(&c, e);
	if (rc)
		goto out;

	r->ns_wanted = o->ns & RP_NS_ALL;
	if (r->recipe.network)
		r->ns_wanted &= ~(unsigned)RP_NS_NET;
	rp_sandbox_probe(r->ns_wanted, &got, note, sizeof(note));
	r->ns = got;
	if (note[0])
		r->ns_note = rp_xstrdup(note);
	c.ncpus = allowed_cpus();
	c.faketime = find_faketime();
	plan_variations(&c);
	home = home_path(&c, 0);
	make_env(&c, 0, home, &ev);
	free(home);
	r->env = ev.v;
	ev.v = NULL;
	ev.n = 0;
	find_tool(r);

	for (int i = 0; i < 2 && !rc; i++)
		rc = build_once(&c, "control", 0, e);
	if (rc)
		goto out;
	vset = applicable(r);
	if (r->runs[1].result < RP_ART_DIFFERENT) {
		for (unsigned i = 2; i < o->runs; i++) {
			rc = build_once(&c, vset ? "varied" : "control", vset, e);
			if (rc)
				goto out;
			if (vset) {
				any_varied = 1;
				if (r->runs[r->nruns - 1].result >= RP_ART_DIFFERENT)
					varied_diff = 1;
			}
		}
		if (o->bisect && vset && (varied_diff || !any_varied)) {
			r->bisected = 1;
			for (int v = 0; v < RP_VARY_COUNT; v++) {
				if (!(vset & (1u << v)))
					continue;
				rc = build_once(&c, "bisect", 1u << v, e);
				if (rc)
					goto out;
				r->variations[v].matters =
					r->runs[r->nruns - 1].result >= RP_ART_DIFFERENT;
			}
		} else if (any_varied && !varied_diff) {
			for (int v = 0; v < RP_VARY_COUNT; v++)
				if (vset & (1u << v))
					r->variations[v].matters = 0;
		}
	}
	for (int v = 0; v < RP_VARY_COUNT; v++) {
		struct rp_rebuild_variation *x = &r->variations[v];
		if (!x->selected || x->skipped || (vset & (1u << v) && (any_varied || r->bisected)))
			continue;
		x->skipped = rp_xstrdup(r->runs[1].result >= RP_ART_DIFFERENT
						? "not tried: the identical builds already differ"
						: "not tried: no varied build (--runs 2 without --bisect)");
	}
	fill_artifacts(&c);
	decide(r);
out:
	if (rc && tail && c.tail) {
		*tail = c.tail;
		c.tail = NULL;
	}
	free(c.tail);
	cleanup_root(&c);
	free(c.fail_log);
	rp_source_release(&c.src);
	free(c.root);
	env_free(&ev);
	if (rc) {
		rp_rebuild_report_free(r);
		return rc;
	}
	rfc3339(r->finished);
	r->seconds = now_s() - t0;
	*out = r;
	return RP_OK;
}

/* ---- JSON ---- */

static json_t *jstr(const char *s)
{
	json_t *v = s ? json_string(s) : json_null();

	/* Names are bytes, not always UTF-8: keep them, escaped, rather than dropping them. */
	if (!v && s) {
		struct rp_buf b = RP_BUF_INIT(1u << 20);
		for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
			if (*p < 0x80)
				rp_buf_add(&b, p, 1, NULL);
			else
				rp_buf_addf(&b, NULL, "\\x%02x", *p);
		}
		v = json_string(b.data ? b.data : "");
		rp_buf_release(&b);
	}
	return v ? v : json_null();
}

static json_t *vary_array(unsigned mask)
{
	json_t *a = json_array();

	for (int v = 0; v < RP_VARY_COUNT; v++)
		if (mask & (1u << v))
			json_array_append_new(a, json_string(vary_names[v]));
	return a;
}

static json_t *ns_object(unsigned mask)
{
	static const char *const names[] = { "user", "mount", "pid", "uts", "net" };
	json_t *o = json_object();

	for (int i = 0; i < 5; i++)
		json_object_set_new(o, names[i], json_boolean(mask & (1u << i)));
	return o;
}

static json_t *env_object(char *const *env)
{
	json_t *o = json_object();

	for (size_t i = 0; env && env[i]; i++) {
		const char *eq = strchr(env[i], '=');
		char *k = rp_xstrndup(env[i], (size_t)(eq - env[i]));
		json_object_set_new(o, k, jstr(eq + 1));
		free(k);
	}
	return o;
}

char *rp_rebuild_report_json(const struct rp_rebuild_report *r)
{
	json_t *root = json_object(), *a, *o;
	char *text, *res;

	json_object_set_new(root, "schema", json_string("reprove-rebuild/1"));
	json_object_set_new(root, "verdict", json_string(rp_rebuild_verdict_name(r->verdict)));
	json_object_set_new(root, "summary", jstr(r->summary));

	o = json_object();
	json_object_set_new(o, "kind", json_string(r->source_uri ? "git" : "worktree"));
	json_object_set_new(o, "dir", jstr(r->source_dir));
	json_object_set_new(o, "uri", jstr(r->source_uri));
	json_object_set_new(o, "ref", jstr(r->source_ref));
	json_object_set_new(o, "commit", jstr(r->source_commit));
	json_object_set_new(o, "dirty", json_boolean(r->source_dirty));
	json_object_set_new(o, "files", json_integer((json_int_t)r->source_files));
	json_object_set_new(root, "source", o);

	o = json_object();
	json_object_set_new(o, "path", jstr(r->recipe_path));
	json_object_set_new(o, "sha256", json_string(r->recipe_sha256));
	a = json_array();
	for (size_t i = 0; i < r->recipe.nbuild; i++)
		json_array_append_new(a, jstr(r->recipe.build[i]));
	json_object_set_new(o, "build", a);
	a = json_array();
	for (size_t i = 0; i < r->recipe.nartifacts; i++)
		json_array_append_new(a, jstr(r->recipe.artifacts[i]));
	json_object_set_new(o, "artifacts", a);
	json_object_set_new(o, "env", env_object(r->recipe.env));
	json_object_set_new(o, "source_date_epoch",
			    r->recipe.sde_git ? json_string("git") : json_integer(r->recipe.sde));
	json_object_set_new(o, "timeout", json_integer(r->recipe.timeout));
	json_object_set_new(o, "network", json_boolean(r->recipe.network));
	json_object_set_new(root, "recipe", o);

	json_object_set_new(root, "source_date_epoch", json_integer(r->source_date_epoch));
	o = json_object();
	json_object_set_new(o, "name", jstr(r->recipe.build[0]));
	json_object_set_new(o, "path", jstr(r->tool_path));
	json_object_set_new(o, "sha256", r->tool_path ? json_string(r->tool_sha256) : json_null());
	json_object_set_new(root, "build_tool", o);
	json_object_set_new(root, "environment", env_object(r->env));
	o = json_object();
	json_object_set_new(o, "wanted", ns_object(r->ns_wanted));
	json_object_set_new(o, "namespaces", ns_object(r->ns));
	json_object_set_new(o, "note", jstr(r->ns_note));
	json_object_set_new(root, "sandbox", o);

	a = json_array();
	for (size_t i = 0; i < r->nartifacts; i++) {
		const struct rp_rebuild_artifact *x = &r->artifacts[i];
		o = json_object();
		json_object_set_new(o, "name", jstr(x->name));
		json_object_set_new(o, "base", jstr(x->base));
		json_object_set_new(o, "sha256", json_string(x->sha256));
		json_object_set_new(o, "size", json_integer((json_int_t)x->size));
		json_object_set_new(o, "path", jstr(x->path));
		json_object_set_new(o, "result", json_string(rp_artifact_result_name(x->result)));
		json_array_append_new(a, o);
	}
	json_object_set_new(root, "artifacts", a);

	a = json_array();
	for (size_t i = 0; i < r->nruns; i++) {
		const struct rp_rebuild_run *x = &r->runs[i];
		json_t *arts = json_array();
		o = json_object();
		json_object_set_new(o, "index", json_integer(x->index));
		json_object_set_new(o, "kind", json_string(x->kind));
		json_object_set_new(o, "variations", vary_array(x->vary));
		json_object_set_new(o, "build_path", jstr(x->build_path));
		json_object_set_new(o, "log", jstr(x->log));
		json_object_set_new(o, "seconds", json_real(x->seconds));
		json_object_set_new(o, "namespaces", ns_object(x->ns));
		json_object_set_new(o, "strays_killed", json_integer(x->strays_killed));
		json_object_set_new(o, "result", json_string(rp_artifact_result_name(x->result)));
		for (size_t j = 0; j < x->narts; j++) {
			json_t *t = json_object();
			json_object_set_new(t, "name", jstr(x->arts[j].name));
			json_object_set_new(t, "sha256", x->arts[j].sha256[0]
								  ? json_string(x->arts[j].sha256)
								  : json_null());
			json_object_set_new(t, "size", json_integer((json_int_t)x->arts[j].size));
			json_object_set_new(t, "result",
					    json_string(rp_artifact_result_name(x->arts[j].result)));
			if (x->arts[j].diff)
				json_object_set_new(t, "diff", jstr(x->arts[j].diff));
			if (x->arts[j].diff_json) {
				json_t *d = json_loads(x->arts[j].diff_json, 0, NULL);
				if (d)
					json_object_set_new(t, "diff_report", d);
			}
			json_array_append_new(arts, t);
		}
		json_object_set_new(o, "artifacts", arts);
		json_array_append_new(a, o);
	}
	json_object_set_new(root, "runs", a);

	a = json_array();
	for (int v = 0; v < RP_VARY_COUNT; v++) {
		const struct rp_rebuild_variation *x = &r->variations[v];
		o = json_object();
		json_object_set_new(o, "name", json_string(x->name));
		json_object_set_new(o, "status", json_string(x->applied    ? "applied"
							     : x->selected ? "skipped"
									   : "not selected"));
		json_object_set_new(o, "reason", jstr(x->applied ? NULL : x->skipped));
		json_object_set_new(o, "control", jstr(x->control));
		json_object_set_new(o, "varied", jstr(x->varied));
		json_object_set_new(o, "matters", x->matters < 0 ? json_null()
								 : json_boolean(x->matters));
		json_array_append_new(a, o);
	}
	json_object_set_new(root, "variations", a);
	json_object_set_new(root, "bisected", json_boolean(r->bisected));
	json_object_set_new(root, "keep_dir", jstr(r->keep_dir));
	json_object_set_new(root, "started", json_string(r->started));
	json_object_set_new(root, "finished", json_string(r->finished));
	json_object_set_new(root, "seconds", json_real(r->seconds));
	json_object_set_new(root, "build_seconds", json_real(r->build_seconds));
	json_object_set_new(root, "overhead_seconds", json_real(r->seconds - r->build_seconds));

	text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (!text)
		abort(); /* jansson only fails on out-of-memory here */
	res = rp_xasprintf("%s\n", text);
	free(text);
	return res;
}

void rp_rebuild_report_free(struct rp_rebuild_report *r)
{
	if (!r)
		return;
	free(r->summary);
	for (size_t i = 0; i < r->nartifacts; i++) {
		free(r->artifacts[i].name);
		free(r->artifacts[i].path);
	}
	free(r->artifacts);
	for (size_t i = 0; i < r->nruns; i++) {
		for (size_t j = 0; j < r->runs[i].narts; j++) {
			free(r->runs[i].arts[j].name);
			free(r->runs[i].arts[j].diff);
			free(r->runs[i].arts[j].diff_json);
		}
		free(r->runs[i].arts);
		free(r->runs[i].build_path);
		free(r->runs[i].log);
	}
	free(r->runs);
	for (int v = 0; v < RP_VARY_COUNT; v++) {
		free(r->variations[v].skipped);
		free(r->variations[v].varied);
	}
	free(r->source_dir);
	free(r->source_uri);
	free(r->source_ref);
	free(r->source_commit);
	free(r->recipe_path);
	rp_recipe_release(&r->recipe);
	if (r->env) {
		for (size_t i = 0; r->env[i]; i++)
			free(r->env[i]);
		free(r->env);
	}
	free(r->ns_note);
	free(r->keep_dir);
	free(r->tool_path);
	free(r);
}
