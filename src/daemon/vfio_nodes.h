/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The VFIO group nodes of the host: <runtime>/dev/vfio/N for every mdev's
 * IOMMU group N, and <runtime>/dev/vfio/vfio, as the kernel's /dev/vfio
 * (`ccwpass run` shows them at /dev/vfio). Who may use an mdev is decided
 * as on a real host, by the group node's owner, group and mode: root:root
 * 0600 when the mdev is made; `chown qemu /dev/vfio/N` (or libvirt, or a
 * udev-like rule) grants it. The rest follows:
 *  - ccwpassd serves a connection to the mdev's socket only if the peer
 *    (the kernel's SO_PEERCRED / SO_PEERGROUPS) could open the node for
 *    reading and writing (vfio_nodes_authorize) - the authoritative check;
 *  - the socket <runtime>/vfio-user/<uuid>.sock takes the node's owner,
 *    group and read/write bits (an inotify watch on the nodes), and the
 *    socket directory is 0711 while some node grants access, else 0700;
 *  - the preload library answers open("/dev/vfio/N") with the node's
 *    access check, as the kernel would.
 * A grant outlives a restart of ccwpassd (a QEMU running as libvirt's
 * qemu user reconnects to the next daemon): the sockets a former daemon
 * left behind say who was granted which mdev, and the node made for the
 * same UUID next gets that owner and mode again.
 */
#ifndef CCWPASS_DAEMON_VFIO_NODES_H
#define CCWPASS_DAEMON_VFIO_NODES_H

#include <stdbool.h>
#include <sys/stat.h>

#include "bus/bus.h"
#include "common/error.h"

struct vfio_nodes;
struct vfu_peer;

/*
 * Make <runtime>/dev/vfio (stale nodes of a dead daemon removed) and watch
 * it. sockets: the mdev socket directory, whose leftover sockets' grants
 * are read here (before the daemon removes them). Returns 0 or -errno
 * with err.
 */
int vfio_nodes_start(const char *runtime_dir, const char *sockets,
		     struct bus *bus, struct vfio_nodes **out,
		     struct error *err);
void vfio_nodes_stop(struct vfio_nodes *v);

/* Bus listener part (bus lock held): a node per mdev that comes, gone
 * with it. */
void vfio_nodes_event(struct vfio_nodes *v, const struct bus_event *ev);

/* vcc_options.authorize: may peer open the node of mdev uuid? 0, -EACCES,
 * -ENODEV (no such mdev or node). */
int vfio_nodes_authorize(void *v, const char *uuid,
			 const struct vfu_peer *peer);

/* The kernel's rule for opening a file for reading and writing (no ACLs,
 * no capabilities but root's). */
bool vfio_nodes_may_open(const struct stat *st, uid_t uid, gid_t gid,
			 const gid_t *groups, int ngroups);

#endif
