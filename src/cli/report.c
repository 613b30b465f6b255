/* report.c - how the command line speaks and stops: its messages on
 * stderr (cli_say, cli_report, cli_doc_notes) and the stop flag its signal handlers
 * set (cli_stop).  Every file of cli/ uses these; none calls into
 * main.c, which is only the command line. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/pool.h"

const char *nc_progname = "newsconv";
volatile sig_atomic_t cli_stop;

void cli_say(const char *file, const char *level, const char *msg)
{
	if (level)
		fprintf(stderr, "%s: %s: %s: %s\n", nc_progname, file, level, msg);
	else
		fprintf(stderr, "%s: %s: %s\n", nc_progname, file, msg);
}

void cli_doc_notes(const struct cli *c, const char *file, const struct nc_doc *d)
{
	for (size_t i = 0; d && i < d->nwarnings; i++)
		if (c->verbosity >= 0)
			cli_say(file, "warning", d->warnings[i]);
	if (d && d->extracted && c->verbosity > 0)
		fprintf(stderr, "%s: %s: reader view: %zu characters kept, %zu dropped in %zu blocks\n",
			nc_progname, file, d->kept_chars, d->dropped_chars, d->ndropped);
}

void cli_report(const struct nc_err *err, const char *fallback)
{
	fprintf(stderr, "%s: %s: %s\n", nc_progname,
		err->where[0] ? err->where : fallback,
		err->msg[0] ? err->msg : "failed");
}

static void on_stop(int sig)
{
	cli_stop = sig;
	pool_interrupt(sig);
}

/* SIGINT / SIGTERM / SIGHUP stop the batch cleanly (cli/batch.c).
 * Without SA_RESTART: a read of standard input or an open of a FIFO
 * that blocks returns EINTR, on whichever thread it blocks (the signal
 * is passed on: pool_interrupt), so the run stops within a moment
 * instead of waiting for data that may never come; the fetcher polls the flag
 * (nc_fetch_opts.stop).  A file size limit (ulimit -f) makes writes
 * fail with EFBIG instead of killing the process with temporary files
 * left behind. */
void cli_signals_install(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGXFSZ, SIG_IGN);
}
