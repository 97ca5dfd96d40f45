/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What each subchannel did and where its programs' time went (css.h
 * "measurement"): the worker records a program when its final status is
 * made pending; the subchannel's driver adds the stages it sees (the
 * VMM's request, the translation, the interruption).
 */
#include "css/css_internal.h"

#include <string.h>

static const char *const stage_names[CSS_STAGES] = {
	[CSS_STAGE_RECEIVE] = "receive",
	[CSS_STAGE_TRANSLATE] = "translate",
	[CSS_STAGE_QUEUE] = "queue",
	[CSS_STAGE_EXECUTE] = "execute",
	[CSS_STAGE_IMAGE] = "image_io",
	[CSS_STAGE_COPY] = "data_copy",
	[CSS_STAGE_END] = "end",
	[CSS_STAGE_IRB] = "irb",
	[CSS_STAGE_VMM] = "vmm",
	[CSS_STAGE_FETCH] = "vmm_fetch",
};

const char *css_stage_name(enum css_stage stage)
{
	return (unsigned int)stage < CSS_STAGES ? stage_names[stage] : "?";
}

/* Lock held. */
static void stage_add(struct css_stats *s, enum css_stage st, uint64_t ns)
{
	s->stage_ns[st] += ns;
	if (ns > s->stage_max_ns[st])
		s->stage_max_ns[st] = ns;
}

void css_sch_stats(struct css_subchannel *sch, struct css_stats *out)
{
	pthread_mutex_lock(&sch->lock);
	*out = sch->stats;
	pthread_mutex_unlock(&sch->lock);
}

void css_sch_stats_add(struct css_subchannel *sch, enum css_stage stage,
		       uint64_t ns)
{
	if ((unsigned int)stage >= CSS_STAGES)
		return;
	pthread_mutex_lock(&sch->lock);
	stage_add(&sch->stats, stage, ns);
	pthread_mutex_unlock(&sch->lock);
}

void css_stats_program(struct css_subchannel *sch,
		       const struct css_program_times *t, uint8_t dstat)
{
	struct css_stats *s = &sch->stats;

	s->programs++;
	if (dstat & DEV_STAT_UNIT_CHECK)
		s->unit_checks++;
	s->bytes_read += t->sink.bytes_out;
	s->bytes_written += t->sink.bytes_in;
	s->busy_ns += t->status - sch->t_start;
	stage_add(s, CSS_STAGE_QUEUE, t->begin - sch->t_start);
	stage_add(s, CSS_STAGE_EXECUTE, t->executed - t->begin);
	stage_add(s, CSS_STAGE_IMAGE, t->sink.ns[PTIME_IMAGE]);
	stage_add(s, CSS_STAGE_COPY, t->sink.ns[PTIME_COPY]);
	stage_add(s, CSS_STAGE_END, t->status - t->executed);
}
