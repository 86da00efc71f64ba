/*
 * Terminal passphrase prompt (echo off on /dev/tty, restored afterwards) and the choice
 * between it and an environment variable named on the command line.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "passphrase.h"

/* Read one line from fd into buf (n bytes), without the newline. -1 on error/overflow. */
static int read_line(int fd, char *buf, size_t n)
{
	size_t len = 0;

	for (;;) {
		char ch;
		ssize_t r = read(fd, &ch, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return len ? 0 : -1;
		if (ch == '\n' || ch == '\r')
			break;
		if (len + 1 >= n) {
			rp_wipe(buf, n);
			return -1;
		}
		buf[len++] = ch;
	}
	buf[len] = '\0';
	return 0;
}

/* The terminal state to put back if a signal arrives while echo is off. */
static struct termios saved_tc;
static volatile sig_atomic_t saved_fd = -1;
static struct sigaction old_int, old_term, old_hup;

static void restore_and_reraise(int sig)
{
	if (saved_fd >= 0)
		tcsetattr(saved_fd, TCSANOW, &saved_tc);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	raise(sig);
}

static int ask(int fd, const char *prompt, char *buf, size_t n)
{
	struct termios quiet;
	struct sigaction sa;
	int have_tc = tcgetattr(fd, &saved_tc) == 0, rc;

	if (write(fd, prompt, strlen(prompt)) < 0)
		return -1;
	if (have_tc) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = restore_and_reraise;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, &old_int);
		sigaction(SIGTERM, &sa, &old_term);
		sigaction(SIGHUP, &sa, &old_hup);
		saved_fd = fd;
		quiet = saved_tc;
		quiet.c_lflag &= (tcflag_t)~(ECHO | ECHONL);
		quiet.c_lflag |= ICANON;
		tcsetattr(fd, TCSAFLUSH, &quiet);
	}
	rc = read_line(fd, buf, n);
	if (have_tc) {
		tcsetattr(fd, TCSAFLUSH, &saved_tc);
		saved_fd = -1;
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
		sigaction(SIGHUP, &old_hup, NULL);
	}
	if (write(fd, "\n", 1) < 0)
		rc = -1;
	return rc;
}

enum rp_status cli_pass_prompt(void *arg, const char *what, int confirm, char *buf, size_t n,
			       struct rp_err *e)
{
	char prompt[512], *again;
	enum rp_status rc = RP_OK;
	int fd;

	(void)arg;
	fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return rp_errf(e, RP_EUSAGE,
			       "no terminal to ask for the passphrase of '%s' (use --passphrase-env VAR)",
			       what);
	snprintf(prompt, sizeof(prompt), "Passphrase for %s: ", what);
	if (ask(fd, prompt, buf, n) != 0) {
		rc = rp_errf(e, RP_EINPUT, "cannot read the passphrase (too long or no input)");
		goto out;
	}
	if (confirm) {
		again = rp_secure_alloc(n);
		if (!again) {
			rc = rp_errf(e, RP_EIO, "out of locked memory");
			goto out;
		}
		if (ask(fd, "Passphrase again: ", again, n) != 0 || strcmp(buf, again) != 0)
			rc = rp_errf(e, RP_EINPUT, "passphrases do not match");
		rp_secure_free(again);
	}
out:
	if (rc)
		rp_wipe(buf, n);
	close(fd);
	return rc;
}

void cli_pass_src(struct rp_pass_src *src, const char *env)
{
	src->env = env;
	src->prompt = env ? NULL : cli_pass_prompt;
	src->arg = NULL;
}
