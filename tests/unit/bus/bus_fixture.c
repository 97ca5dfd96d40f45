/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The driver-core test host (see bus_fixture.h). */
#include "bus_fixture.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/deadline.h"
#include "css/css_device.h"
#include "test_wait.h"

static uint8_t nop_execute(struct css_device *dev, struct css_ccw_io *io)
{
	return DEV_STAT_CHN_END | DEV_STAT_DEV_END;
}

static size_t nop_sense(struct css_device *dev, uint8_t *buf, size_t len)
{
	return 0;
}

static uint8_t nop_end(struct css_device *dev)
{
	return 0;
}

static void nop_reset(struct css_device *dev)
{
}

static void nop_destroy(struct css_device *dev)
{
	free(dev);
}

static const struct css_device_ops nop_ops = {
	.name = "3390",
	.execute = nop_execute,
	.take_sense = nop_sense,
	.end_program = nop_end,
	.reset = nop_reset,
	.destroy = nop_destroy,
};

void fx_add_css_sch(struct fx *fx, const char *schid, const char *devno,
		    bool qdio)
{
	struct css_subchannel_config cfg = {
		.chpids = { 0x1a, 0x2a, 0x3a, 0x0a },
		.pim = 0xf0, .pam = 0xf0, .pom = 0xff,
		.type = CSS_SCH_TYPE_IO,
		.qdio = qdio,
	};
	struct css_device *dev = calloc(1, sizeof(*dev));
	struct error err = { 0 };

	dev->ops = &nop_ops;
	dev->cu_type = 0x3990;
	dev->cu_model = 0xe9;
	dev->dev_type = 0x3390;
	dev->dev_model = 0x0c;
	css_busid_parse(schid, &cfg.schid);
	css_busid_parse(devno, &cfg.devno);
	cfg.dev = dev;
	if (css_add_subchannel(fx->css, &cfg, NULL, &err) < 0) {
		fprintf(stderr, "fixture: %s\n", err.msg);
		abort();
	}
}

static void fx_listener(const struct bus_event *ev, void *opaque)
{
	struct fx *fx = opaque;
	struct fx_event *e;

	if (fx->nev == FX_EVENTS)
		return;
	e = &fx->ev[fx->nev++];
	memset(e, 0, sizeof(*e));
	e->kind = ev->kind;
	if (ev->sch)
		snprintf(e->sch, sizeof(e->sch), "%s", ev->sch);
	if (ev->driver)
		snprintf(e->driver, sizeof(e->driver), "%s", ev->driver);
	if (ev->uuid)
		snprintf(e->uuid, sizeof(e->uuid), "%s", ev->uuid);
	e->chpid = ev->chpid;
	e->online = ev->online;
}

static int fake_probe(void *opaque, struct css_subchannel *sch, void **priv,
		      struct error *err)
{
	struct fx *fx = opaque;
	struct css_schib schib;

	fx->probe_calls++;
	if (fx->probe_ret)
		return error_setf(err, -fx->probe_ret, "forced failure");
	css_stsch(sch, &schib);
	if (schib.pmcw.flags & PMCW_FLAGS_QF)
		return error_setf(err, ENODEV, "QDIO subchannel");
	*priv = sch;
	return 0;
}

/* A remove callback waits here while told to hold. */
static void gate(struct fx *fx, bool mdev)
{
	pthread_mutex_lock(&fx->gate);
	if (mdev ? fx->hold_mdev : fx->hold_driver) {
		fx->held++;
		pthread_cond_broadcast(&fx->gate_cond);
		while (mdev ? fx->hold_mdev : fx->hold_driver)
			pthread_cond_wait(&fx->gate_cond, &fx->gate);
	}
	pthread_mutex_unlock(&fx->gate);
}

void fx_hold(struct fx *fx, bool mdev, bool driver)
{
	pthread_mutex_lock(&fx->gate);
	fx->hold_mdev = mdev;
	fx->hold_driver = driver;
	fx->held = 0;
	pthread_mutex_unlock(&fx->gate);
}

void fx_release(struct fx *fx)
{
	pthread_mutex_lock(&fx->gate);
	fx->hold_mdev = fx->hold_driver = false;
	pthread_cond_broadcast(&fx->gate_cond);
	pthread_mutex_unlock(&fx->gate);
}

bool fx_wait_held(struct fx *fx, int n)
{
	struct timespec until = deadline_ms(TEST_WAIT_MS);
	bool ok;

	pthread_mutex_lock(&fx->gate);
	while (fx->held < n &&
	       pthread_cond_timedwait(&fx->gate_cond, &fx->gate, &until) == 0)
		;
	ok = fx->held >= n;
	pthread_mutex_unlock(&fx->gate);
	return ok;
}

static void fake_remove(void *opaque, void *priv)
{
	struct fx *fx = opaque;

	__atomic_add_fetch(&fx->remove_calls, 1, __ATOMIC_SEQ_CST);
	gate(fx, false);
}

static struct fx *current_fx;

static int fake_create(void *priv, const char *uuid, struct error *err)
{
	struct fx *fx = current_fx;

	fx->create_calls++;
	if (fx->create_ret)
		return error_setf(err, -fx->create_ret, "forced failure");
	snprintf(fx->last_created, sizeof(fx->last_created), "%s", uuid);
	return 0;
}

static int fake_mremove(void *priv, const char *uuid)
{
	struct fx *fx = current_fx;

	__atomic_add_fetch(&fx->mremove_calls, 1, __ATOMIC_SEQ_CST);
	gate(fx, true);
	return fx->mremove_ret;
}

struct fx *fx_new(bool with_vfio)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	struct error err = { 0 };
	static const uint8_t chps[] = { 0x1a, 0x2a, 0x3a, 0x0a };

	current_fx = fx;
	pthread_mutex_init(&fx->gate, NULL);
	deadline_cond_init(&fx->gate_cond);
	fx->css = css_new(CSS_F_SYNC);
	for (size_t i = 0; i < sizeof(chps); i++)
		css_add_chp(fx->css, chps[i], CSS_CHP_TYPE_FC, NULL);
	fx_add_css_sch(fx, "0.0.0313", "0.0.2b09", false);
	fx_add_css_sch(fx, "0.0.0314", "0.0.2b0a", false);
	fx_add_css_sch(fx, "0.0.0315", "0.0.2b0b", true);
	fx_add_css_sch(fx, "0.1.0020", "0.1.4000", false);
	fx->bus = bus_new(fx->css, &err);
	if (!fx->bus) {
		fprintf(stderr, "fixture: %s\n", err.msg);
		abort();
	}
	fx->mtype = (struct bus_mdev_type){
		.name = "vfio_ccw-io",
		.pretty_name = "I/O subchannel (Non-QDIO)",
		.device_api = "vfio-ccw",
		.max_instances = 1,
		.mdev_driver = "vfio_ccw_mdev",
		.create = fake_create,
		.remove = fake_mremove,
	};
	fx->drv = (struct bus_driver){
		.name = "vfio_ccw",
		.module = "vfio_ccw",
		.sch_types = BUS_SCH_TYPE(CSS_SCH_TYPE_IO),
		.probe = fake_probe,
		.remove = fake_remove,
		.mdev = &fx->mtype,
	};
	if (with_vfio && bus_register_driver(fx->bus, &fx->drv, fx, &err) < 0) {
		fprintf(stderr, "fixture: %s\n", err.msg);
		abort();
	}
	bus_set_listener(fx->bus, fx_listener, fx);
	return fx;
}

void fx_free(struct fx *fx)
{
	bus_free(fx->bus);
	css_free(fx->css);
	pthread_cond_destroy(&fx->gate_cond);
	pthread_mutex_destroy(&fx->gate);
	free(fx);
	current_fx = NULL;
}

void fx_clear_events(struct fx *fx)
{
	fx->nev = 0;
}
