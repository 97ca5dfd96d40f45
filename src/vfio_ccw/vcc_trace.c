/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The vfio_ccw trace (vcc_trace.h, docs/vfio-ccw.md "Tracing"). ORB, CCW
 * and IRB fields are printed as the Principles of Operation names them
 * (SA22-7832 ch. 15 "Operation-Request Block", "Channel-Command Word";
 * ch. 16 "Interruption-Response Block"); command mnemonics follow the
 * 3990 / 9390 Storage Control Reference and Linux's cio.
 */
#include "vfio_ccw/vcc_trace.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <linux/vfio_ccw.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "vfio_ccw/cp_dump.h"

#define LINE_MAX_LEN 512

struct vcc_trace {
	pthread_mutex_t lock;       /* fd, written */
	int fd;                     /* -1: off */
	int on;                     /* atomic: fd >= 0 */
	uint64_t max;               /* bytes; 0: no bound */
	uint64_t written;
	char path[4096];
};

struct line {
	char buf[LINE_MAX_LEN];
	size_t len;
};

static const struct {
	uint8_t cmd;
	const char *name;
} cmd_names[] = {
	{ 0x02, "READ_IPL" }, { 0x03, "NOP" }, { 0x04, "SENSE" },
	{ 0x05, "WRITE_DATA" }, { 0x06, "READ_DATA" }, { 0x07, "SEEK" },
	{ 0x08, "TIC" }, { 0x0b, "SEEK_CYL" }, { 0x0d, "WRITE_KD" },
	{ 0x0e, "READ_KD" }, { 0x12, "READ_COUNT" }, { 0x13, "RECALIBRATE" },
	{ 0x14, "UNCOND_RESERVE" }, { 0x15, "WRITE_R0" }, { 0x16, "READ_R0" },
	{ 0x1a, "READ_HA" }, { 0x1b, "SEEK_HEAD" }, { 0x1d, "WRITE_CKD" },
	{ 0x1e, "READ_CKD" }, { 0x27, "PSF" }, { 0x31, "SEARCH_ID_EQ" },
	{ 0x34, "SENSE_PGID" }, { 0x3e, "RSSD" }, { 0x47, "LOCATE_RECORD" },
	{ 0x4b, "LOCATE_RECORD_EXT" }, { 0x51, "SEARCH_ID_HI" },
	{ 0x63, "DEFINE_EXTENT" }, { 0x64, "RDC" }, { 0x71, "SEARCH_ID_EQHI" },
	{ 0x85, "WRITE_DATA_MT" }, { 0x86, "READ_DATA_MT" },
	{ 0x8d, "WRITE_KD_MT" }, { 0x8e, "READ_KD_MT" }, { 0x92, "READ_COUNT_MT" },
	{ 0x94, "RELEASE" }, { 0x96, "READ_R0_MT" }, { 0x9d, "WRITE_CKD_NT" },
	{ 0x9e, "READ_CKD_MT" }, { 0xa5, "WRITE_TRACK_DATA" },
	{ 0xa6, "READ_TRACK_DATA" }, { 0xaf, "SET_PGID" },
	{ 0xb4, "RESERVE" }, { 0xb1, "SEARCH_ID_EQ_MT" },
	{ 0xd1, "SEARCH_ID_HI_MT" }, { 0xe4, "SENSE_ID" }, { 0xe7, "PREFIX" },
	{ 0xf1, "SEARCH_ID_EQHI_MT" }, { 0xf7, "DSO" }, { 0xfa, "RCD" },
};

const char *vcc_trace_cmd_name(uint8_t cmd)
{
	for (size_t i = 0; i < sizeof(cmd_names) / sizeof(cmd_names[0]); i++)
		if (cmd_names[i].cmd == cmd)
			return cmd_names[i].name;
	return NULL;
}

struct vcc_trace *vcc_trace_new(void)
{
	struct vcc_trace *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	pthread_mutex_init(&t->lock, NULL);
	t->fd = -1;
	return t;
}

int vcc_trace_start(struct vcc_trace *t, const char *path, uint64_t max,
		    struct error *err)
{
	struct stat st;
	int fd;

	if (path[0] != '/')
		return error_setf(err, EINVAL, "trace %s: not an absolute path",
				  path);
	if (strlen(path) >= sizeof(t->path))
		return error_setf(err, ENAMETOOLONG, "trace %s: path too long",
				  path);
	/*
	 * Root's alone: it shows what the guest does. No symlink, no FIFO
	 * (O_NONBLOCK: opening one must not hang whoever switched it on), no
	 * device but /dev/null; an existing file is ours and becomes 0600.
	 */
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW |
		  O_NONBLOCK, 0600);
	if (fd < 0)
		return error_setf(err, errno, "trace %s: %s", path,
				  strerror(errno));
	if (fstat(fd, &st) < 0 ||
	    (!(S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3)) &&
	     (!S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	      fchmod(fd, 0600) < 0))) {
		close(fd);
		return error_setf(err, EINVAL, "trace %s: not a regular file "
				  "of this user's (uid %u)", path,
				  (unsigned int)geteuid());
	}
	pthread_mutex_lock(&t->lock);
	if (t->fd >= 0)
		close(t->fd);
	t->fd = fd;
	t->max = max;
	t->written = 0;
	memcpy(t->path, path, strlen(path) + 1);
	__atomic_store_n(&t->on, 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&t->lock);
	return 0;
}

/* t->lock held. */
static void stop_locked(struct vcc_trace *t)
{
	__atomic_store_n(&t->on, 0, __ATOMIC_RELEASE);
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}

void vcc_trace_stop(struct vcc_trace *t)
{
	if (!t)
		return;
	pthread_mutex_lock(&t->lock);
	stop_locked(t);
	pthread_mutex_unlock(&t->lock);
}

void vcc_trace_state(struct vcc_trace *t, char *buf, size_t size)
{
	if (!t) {
		snprintf(buf, size, "off\n");
		return;
	}
	pthread_mutex_lock(&t->lock);
	if (t->fd < 0)
		snprintf(buf, size, "off\n");
	else
		snprintf(buf, size, "on %s %llu %llu\n", t->path,
			 (unsigned long long)t->written,
			 (unsigned long long)t->max);
	pthread_mutex_unlock(&t->lock);
}

int vcc_trace_open(const char *path, struct vcc_trace **tp,
		   struct error *err)
{
	struct vcc_trace *t = vcc_trace_new();
	int ret;

	*tp = NULL;
	if (!t)
		return error_setf(err, ENOMEM, "trace %s: out of memory", path);
	ret = vcc_trace_start(t, path, 0, err);
	if (ret < 0) {
		vcc_trace_close(t);
		return ret;
	}
	*tp = t;
	return 0;
}

void vcc_trace_close(struct vcc_trace *t)
{
	if (!t)
		return;
	vcc_trace_stop(t);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

/* Tracing now? (A cheap look before formatting a line.) */
static bool tracing(struct vcc_trace *t)
{
	return t && __atomic_load_n(&t->on, __ATOMIC_ACQUIRE);
}

static void add(struct line *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->len >= sizeof(l->buf) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(l->buf + l->len, sizeof(l->buf) - 1 - l->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->len += (size_t)n;
	if (l->len > sizeof(l->buf) - 2)
		l->len = sizeof(l->buf) - 2;
}

static void begin(struct line *l, const char *sch, const char *kind)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	l->len = 0;
	add(l, "%lld.%06ld %s %s", (long long)ts.tv_sec, ts.tv_nsec / 1000,
	    sch ? sch : "-", kind);
}

/* One line, one write(). Past the size bound: a last line, then off. */
static void emit(struct vcc_trace *t, struct line *l)
{
	char last[160];
	ssize_t n = 0;
	int len;

	l->buf[l->len++] = '\n';
	pthread_mutex_lock(&t->lock);
	if (t->fd < 0)
		goto out;
	if (t->max && t->written + l->len > t->max) {
		len = snprintf(last, sizeof(last), "trace stopped: its size "
			       "limit of %llu bytes was reached\n",
			       (unsigned long long)t->max);
		if (write(t->fd, last, (size_t)len) < 0)
			n = -1;
		log_msg(LOG_NOTICE, "vfio_ccw trace %s: size limit of %llu "
			"bytes reached, tracing off", t->path,
			(unsigned long long)t->max);
		stop_locked(t);
		goto out;
	}
	do {
		n = write(t->fd, l->buf, l->len);
	} while (n < 0 && errno == EINTR);
	if (n > 0)
		t->written += (uint64_t)n;
out:
	pthread_mutex_unlock(&t->lock);
	if (n < 0)
		log_msg(LOG_WARNING, "vfio_ccw trace: %s", strerror(errno));
}

static void add_ret(struct line *l, int ret)
{
	if (ret)
		add(l, " ret=-%s", strerrorname_np(-ret) ? strerrorname_np(-ret)
							 : "?");
	else
		add(l, " ret=0");
}

static void add_flags(struct line *l, uint8_t flags)
{
	static const char *const names[8] = {
		"CD", "CC", "SLI", "SKIP", "PCI", "IDA", "S", "MIDA",
	};
	bool first = true;

	add(l, " flags=%02x", flags);
	for (int i = 0; i < 8; i++) {
		if (!(flags & (0x80 >> i)))
			continue;
		add(l, "%s%s", first ? "(" : ",", names[i]);
		first = false;
	}
	if (!first)
		add(l, ")");
}

struct ccw_walk {
	struct vcc_trace *t;
	const char *sch;
	struct css_mem *guest;
};

/* Parameter bytes shown for commands that send few bytes to the device
 * (Define Extent, Locate Record, PSF, Set PGID, ...): a whole Prefix with
 * its Locate Record Extended. */
#define TRACE_PARAM_MAX 64
#define TRACE_PARAM_CCW_MAX 96   /* larger writes are data, not parameters */

static void add_params(struct line *l, struct css_mem *guest,
		       const struct css_ccw *c)
{
	uint8_t b[TRACE_PARAM_MAX];
	size_t n = c->count < TRACE_PARAM_MAX ? c->count : TRACE_PARAM_MAX;

	if (!guest || !n || c->count > TRACE_PARAM_CCW_MAX ||
	    (c->flags & (CCW_FLAG_IDA | CCW_FLAG_MIDA)) ||
	    !(CCW_CMD_IS_WRITE(c->cmd) || CCW_CMD_IS_CONTROL(c->cmd)) ||
	    css_mem_read(guest, c->cda, b, n))
		return;
	add(l, " data=");
	for (size_t i = 0; i < n; i++)
		add(l, "%02x", b[i]);
	if (n < c->count)
		add(l, "..");
}

static void trace_ccw(void *opaque, uint32_t addr, const struct css_ccw *c)
{
	struct ccw_walk *w = opaque;
	const char *name = vcc_trace_cmd_name(c->cmd);
	struct line l;

	begin(&l, w->sch, "ccw");
	add(&l, " %08x cmd=%02x", addr, c->cmd);
	if (name)
		add(&l, "(%s)", name);
	add_flags(&l, c->flags);
	add(&l, " count=%u cda=%08x", c->count, c->cda);
	add_params(&l, w->guest, c);
	emit(w->t, &l);
}

void vcc_trace_ssch(struct vcc_trace *t, const char *sch,
		    const struct css_orb *orb, const struct cp_program *cp,
		    bool posted, int ret)
{
	struct ccw_walk w = { .t = t, .sch = sch, .guest = cp ? cp->guest : NULL };
	struct line l;

	if (!tracing(t))
		return;
	begin(&l, sch, "ssch");
	add(&l, " intparm=%08x key=%x ctrl0=%04x lpm=%02x ctrl1=%02x cpa=%08x",
	    orb->intparm, (orb->ctrl0 & ORB_CTRL0_KEY) >> 12, orb->ctrl0,
	    orb->lpm, orb->ctrl1, orb->cpa);
	add(&l, " fmt=%d pfch=%d c64=%d i2k=%d", !!(orb->ctrl0 & ORB_CTRL0_FMT),
	    !!(orb->ctrl0 & ORB_CTRL0_PFCH), !!(orb->ctrl0 & ORB_CTRL0_C64),
	    !!(orb->ctrl0 & ORB_CTRL0_I2K));
	add(&l, " posted=%d", posted);
	add_ret(&l, ret);
	emit(t, &l);
	if (cp)
		cp_dump_ccws(cp, trace_ccw, &w);
}

void vcc_trace_irb(struct vcc_trace *t, const char *sch,
		   const struct css_irb *irb)
{
	const struct css_scsw *s = &irb->scsw;
	struct line l;

	if (!tracing(t))
		return;
	begin(&l, sch, "irb");
	add(&l, " flags=%04x ctrl=%04x fctl=%x actl=%03x stctl=%02x cc=%d",
	    s->flags, s->ctrl, (s->ctrl & SCSW_CTRL_FCTL) >> 12,
	    (s->ctrl & SCSW_CTRL_ACTL) >> 5, s->ctrl & SCSW_CTRL_STCTL,
	    (s->flags & SCSW_FLAGS_CC) >> SCSW_FLAGS_CC_SHIFT);
	add(&l, " cpa=%08x dstat=%02x cstat=%02x count=%u", s->cpa, s->dstat,
	    s->cstat, s->count);
	add(&l, " sublog=%08x erw=%08x", irb->esw.sublog, irb->esw.erw);
	if (s->flags & SCSW_FLAGS_ECTL) {
		add(&l, " ecw=");
		for (int i = 0; i < CSS_ECW_SIZE; i++)
			add(&l, "%02x", irb->ecw[i]);
	}
	emit(t, &l);
}

void vcc_trace_async(struct vcc_trace *t, const char *sch, uint32_t command,
		     int ret)
{
	struct line l;

	if (!tracing(t))
		return;
	begin(&l, sch, command == VFIO_CCW_ASYNC_CMD_HSCH ? "hsch" :
		       command == VFIO_CCW_ASYNC_CMD_CSCH ? "csch" : "async");
	if (command != VFIO_CCW_ASYNC_CMD_HSCH &&
	    command != VFIO_CCW_ASYNC_CMD_CSCH)
		add(&l, " command=%08x", command);
	add_ret(&l, ret);
	emit(t, &l);
}

void vcc_trace_crw(struct vcc_trace *t, const char *sch,
		   const struct css_crw *crw)
{
	struct line l;

	if (!tracing(t))
		return;
	begin(&l, sch, "crw");
	add(&l, " rsc=%x erc=%02x rsid=%04x%s%s%s", crw->rsc, crw->erc,
	    crw->rsid, crw->solicited ? " S" : "", crw->overflow ? " R" : "",
	    crw->chain ? " C" : "");
	emit(t, &l);
}

void vcc_trace_event(struct vcc_trace *t, const char *sch, const char *what,
		     const char *fmt, ...)
{
	struct line l;
	char text[256];
	va_list ap;

	if (!tracing(t))
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	begin(&l, sch, what);
	add(&l, " %s", text);
	emit(t, &l);
}
