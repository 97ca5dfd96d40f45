/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `ccwpass`: subcommand dispatcher. */
#include "cli/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct cli_command *const commands[] = {
	&cmd_dasdinit,
	&cmd_convert,
	&cmd_run,
	&cmd_lscss,
	&cmd_status,
	&cmd_stat,
	&cmd_chchp,
	&cmd_reload,
	&cmd_trace,
	&cmd_tape,
	&cmd_readblk,
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

int cli_fail(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ccwpass %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: ccwpass COMMAND [ARGS...]\n\n"
		   "User-space vfio-ccw: s390 channel I/O passthrough on any Linux host.\n\n"
		   "Commands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-12s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(f, "\nRun 'ccwpass COMMAND --help' for a command's options.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("ccwpass " CCWPASS_VERSION "\n");
		return 0;
	}
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(argv[1], commands[i]->name))
			return commands[i]->run(argc - 1, argv + 1);
	fprintf(stderr, "ccwpass: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return 2;
}
