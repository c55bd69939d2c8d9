#include "options.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char usage_text[] =
	"Usage: ptvisor [OPTIONS] [--] COMMAND [ARG...]\n"
	"Run COMMAND and every process it starts under a supervisor that is\n"
	"their host tracer and gives them a virtual ptrace(2).\n"
	"\n"
	"Options:\n"
	"  -o, --log FILE   write the supervisor's debug log to FILE\n"
	"  -v, --verbose    write the debug log to standard error\n"
	"  -w, --wait-all   when COMMAND exits, wait for the other guests\n"
	"                   instead of killing them\n"
	"  --ptrace-scope N the Yama ptrace_scope (0-3) guests are held to\n"
	"                   (default: the host's; none if it has no Yama)\n"
	"  --no-colocate    do not keep a guest tracer, its tracees and the\n"
	"                   supervisor on one CPU while they take short turns\n"
	"  --proc-view      show guests' /proc/PID/status and /proc/PID/stat as\n"
	"                   they are natively (TracerPid, the state letter,\n"
	"                   Seccomp, Cpus_allowed): every open is trapped\n"
	"  -h, --help       show this help and exit\n"
	"  -V, --version    show the version and exit\n"
	"\n"
	"Exit status: COMMAND's exit status, or 128+N if signal N killed it;\n"
	"125 if ptvisor itself failed, 126 if COMMAND could not be executed,\n"
	"127 if COMMAND was not found, 2 for a usage error.\n";

static int usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "ptvisor: %s%s%s%s\n", what, arg ? " '" : "",
		arg ? arg : "", arg ? "'" : "");
	fputs("Try 'ptvisor --help' for more information.\n", stderr);
	return PTV_EXIT_USAGE;
}

int ptv_options_parse(int argc, char **argv, struct ptv_options *opts)
{
	static const struct option longopts[] = {
		{ "log", required_argument, NULL, 'o' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "wait-all", no_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "ptrace-scope", required_argument, NULL, 'Y' },
		{ "no-colocate", no_argument, NULL, 'C' },
		{ "proc-view", no_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(opts, 0, sizeof(*opts));
	opts->ptrace_scope = -1;
	opterr = 0;
	/* '+': options end at COMMAND, whose own options are its business. */
	while ((c = getopt_long(argc, argv, "+:o:vwhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			opts->log_path = optarg;
			break;
		case 'v':
			opts->verbose = true;
			break;
		case 'w':
			opts->wait_all = true;
			break;
		case 'C':
			opts->no_colocate = true;
			break;
		case 'P':
			opts->proc_view = true;
			break;
		case 'Y':
			if (strlen(optarg) != 1 || optarg[0] < '0' || optarg[0] > '3')
				return usage_error("--ptrace-scope must be 0, 1, 2 or 3, not",
						   optarg);
			opts->ptrace_scope = optarg[0] - '0';
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		case 'V':
			printf("ptvisor %s\n", PTVISOR_VERSION);
			return 0;
		case ':':
			return usage_error("missing argument for option",
					   argv[optind - 1]);
		default:
			return usage_error("unknown option", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return usage_error("no COMMAND given", NULL);
	opts->command = argv + optind;
	return -1;
}
