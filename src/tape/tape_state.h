/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a tape drive keeps while ccwpassd is restarted: the tape it holds
 * and where that tape is (docs/tape.md "Restarts"). A real drive's tape
 * stays where it was when its control unit or channel restarts; a guest
 * that wrote archive a and goes on with archive b must find the tape after
 * a, or b overwrites a.
 *
 * Each drive has a small text file in the runtime directory, rewritten
 * (one pwrite, no flush: it is on tmpfs and only has to outlive the
 * process) whenever a channel program or the operator moved the tape or
 * changed it, before the program's final status:
 *
 *   ccwpass tape state 1
 *   inventory-tape /var/lib/ccwpass/0580.aws     the inventory's tape then
 *   inventory-readonly 0
 *   tape /srv/tapes/backup1.het                  "" when the drive is empty
 *   readonly 1
 *   block 24                                     block id of the position
 *   offset 235670                                file bytes before it
 *   mode c3                                      the Mode Set byte
 *   end
 *
 * Paths are written with "\\" for a backslash and "\n" for a newline;
 * whatever follows the "end" line is not read (a shorter record written
 * over a longer one).
 */
#ifndef CCWPASS_TAPE_TAPE_STATE_H
#define CCWPASS_TAPE_TAPE_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

struct aws_tape;

#define TAPE_STATE_PATH 4096    /* bytes of a path, its NUL included */
#define TAPE_STATE_TEXT (2 * 2 * TAPE_STATE_PATH + 256)

struct tape_state {
	char inv_tape[TAPE_STATE_PATH];   /* the inventory's, when saved */
	bool inv_readonly;
	char tape[TAPE_STATE_PATH];       /* mounted; "" none */
	bool readonly;
	uint32_t block;
	uint64_t offset;
	uint8_t mode;
};

/* The record's text into buf (TAPE_STATE_TEXT bytes are always enough).
 * Returns its length, or 0 when a path does not fit TAPE_STATE_PATH. */
size_t tape_state_format(const struct tape_state *s, char *buf, size_t size);
/* Parse len bytes of a record. 0, or -EINVAL (not a whole record). */
int tape_state_parse(const char *buf, size_t len, struct tape_state *s);

/* The state file of subchannel sch ("0.0.0330") in dir, into buf. */
void tape_state_path(char *buf, size_t size, const char *dir,
		     const char *sch);

/* A drive's state file (opened, or made 0600). NULL with err. */
struct tape_state_file;
struct tape_state_file *tape_state_file_open(const char *path,
					     struct error *err);
void tape_state_file_close(struct tape_state_file *f);
const char *tape_state_file_path(const struct tape_state_file *f);
/*
 * What the file holds. Returns 1 (a state, in *s), 0 (an empty file: no
 * drive saved one), or -EINVAL / -errno (a file that cannot be read or
 * parsed: a save failed, or someone wrote it).
 */
int tape_state_file_read(struct tape_state_file *f, struct tape_state *s);
/*
 * Save s (when it differs from the last one saved). On a failure the file
 * is cut to one byte, which reads as -EINVAL: a state that cannot be saved
 * is never restored stale. Logs failures; returns 0 or -errno.
 */
int tape_state_file_save(struct tape_state_file *f,
			 const struct tape_state *s);

/*
 * Mount s's tape where s says it was: opened as s->readonly, moved to
 * block s->block, which must be s->offset bytes into the file (else the
 * file is not what it was: -ESTALE). *out is NULL for an empty drive.
 * Returns 0 or -errno with err.
 */
int tape_state_mount(const struct tape_state *s, struct aws_tape **out,
		     struct error *err);

#endif
