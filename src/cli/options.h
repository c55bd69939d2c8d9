/* The command line: ptvisor [OPTIONS] [--] COMMAND [ARG...] */
#ifndef PTV_CLI_OPTIONS_H
#define PTV_CLI_OPTIONS_H

#include <stdbool.h>

struct ptv_options {
	const char *log_path;	/* --log FILE */
	bool verbose;		/* -v: log to stderr */
	bool wait_all;		/* --wait-all */
	bool no_colocate;	/* --no-colocate */
	bool proc_view;		/* --proc-view */
	int ptrace_scope;	/* --ptrace-scope: 0-3, or -1: the host's */
	char **command;		/* COMMAND [ARG...], NULL-terminated */
};

/* Exit statuses of ptvisor itself (env(1)'s convention for the last two). */
enum {
	PTV_EXIT_USAGE = 2,
	PTV_EXIT_FAILURE = 125,		/* ptvisor could not start the guest */
	PTV_EXIT_CANNOT_EXECUTE = 126,	/* COMMAND found but not executable */
	PTV_EXIT_NOT_FOUND = 127,	/* COMMAND not found */
};

/*
 * Parses argv. Returns -1 to go on, or an exit status (0 after --help or
 * --version, PTV_EXIT_USAGE after a usage error, with the message printed).
 */
int ptv_options_parse(int argc, char **argv, struct ptv_options *opts);

#endif
