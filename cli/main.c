/*
 * reprove: command dispatch, help, exit-status mapping, and the final check that what a
 * command printed really reached standard output.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmds.h"
#include "file.h"
#include "out.h"

/* Keep sorted by name. */
static const struct rp_cmd *const commands[] = {
	&rp_cmd_attest,
	&rp_cmd_audit,
	&rp_cmd_check,
	&rp_cmd_diff,
	&rp_cmd_fetch,
	&rp_cmd_gate,
	&rp_cmd_hash,
	&rp_cmd_keygen,
	&rp_cmd_normalize,
	&rp_cmd_rebuild,
	&rp_cmd_sign,
	&rp_cmd_verify,
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const char exit_codes[] =
	"exit status: 0 success; 1 a check failed (verdict); 2 usage error;\n"
	"  3 malformed input; 4 I/O, network or environment error; 5 internal error\n";

static void print_usage(FILE *fp, const struct rp_cmd *c)
{
	fprintf(fp, "usage: %s\n", c->usage[0]);
	for (int i = 1; c->usage[i]; i++)
		fprintf(fp, "%s\n", c->usage[i]);
}

static void print_help(FILE *fp)
{
	fprintf(fp, "usage: reprove [--version] [help] COMMAND [ARGS]\n\n"
		    "reprove rebuilds, compares, hashes, signs and verifies release artifacts.\n\n"
		    "commands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(fp, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(fp, "\n'reprove help COMMAND' or 'reprove COMMAND --help' shows a command's usage.\n");
	fputs(exit_codes, fp);
}

static const struct rp_cmd *find_cmd(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i]->name, name) == 0)
			return commands[i];
	return NULL;
}

/* fds 0-2 must be open, or a file we open could become "stdout" (curl main_checkfds). */
static void check_fds(void)
{
	for (int fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
			int n = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
			if (n < 0 || n != fd)
				_exit(RP_EIO);
		}
	}
}

/* Any write error on stdout turns success into an I/O error (git's run_builtin). */
static int finish_stdout(int rc)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno == EPIPE)
			return rc;
		rp_msg_error("write failure on standard output: %s", strerror(errno));
		return rc ? rc : RP_EIO;
	}
	return rc;
}

static int wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return 0;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct rp_err e = RP_ERR_INIT;
	const struct rp_cmd *c;
	enum rp_status rc;

	check_fds();
	rp_cleanup_install();
	if (argc < 2) {
		print_help(stderr);
		return RP_EUSAGE;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("reprove %s\n", RP_VERSION);
		return finish_stdout(RP_OK);
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		if (argc > 2 && strcmp(argv[1], "help") == 0) {
			c = find_cmd(argv[2]);
			if (!c) {
				rp_msg_error("help: unknown command '%s'", argv[2]);
				return RP_EUSAGE;
			}
			print_usage(stdout, c);
		} else {
			print_help(stdout);
		}
		return finish_stdout(RP_OK);
	}
	c = find_cmd(argv[1]);
	if (!c) {
		rp_msg_error("unknown command '%s' (see 'reprove help')", argv[1]);
		return RP_EUSAGE;
	}
	rp_out_cmd = c->name;
	if (wants_help(argc - 1, argv + 1)) {
		print_usage(stdout, c);
		return finish_stdout(RP_OK);
	}
	rc = c->fn(argc - 1, argv + 1, &e);
	if (rc != RP_OK && e.msg[0])
		rp_msg_error("%s", e.msg);
	if (rc == RP_EUSAGE)
		fprintf(stderr, "usage: %s\n", c->usage[0]);
	if ((int)rc < 0 || rc > RP_EINTERNAL)
		rc = RP_EINTERNAL;
	return finish_stdout(rc);
}
