/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The `ccwpass` command: one file per subcommand (cmd_<name>.c). */
#ifndef CCWPASS_CLI_CLI_H
#define CCWPASS_CLI_CLI_H

struct cli_command {
	const char *name;
	const char *summary;   /* one line for `ccwpass --help` */
	/* argv[0] is the subcommand name. Returns the process exit code. */
	int (*run)(int argc, char **argv);
};

/* Each cmd_<name>.c defines one of these. */
extern const struct cli_command cmd_dasdinit;
extern const struct cli_command cmd_convert;
extern const struct cli_command cmd_run;
extern const struct cli_command cmd_lscss;
extern const struct cli_command cmd_status;
extern const struct cli_command cmd_stat;
extern const struct cli_command cmd_chchp;
extern const struct cli_command cmd_reload;
extern const struct cli_command cmd_trace;
extern const struct cli_command cmd_tape;
extern const struct cli_command cmd_readblk;

/* "ccwpass <cmd>: " + message on stderr; returns exit code 1 (usage: 2). */
int cli_fail(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
