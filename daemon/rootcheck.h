/* daemon/rootcheck.h — tidingsd refuses to run as root outside systemd:
 * it fetches untrusted documents from the network and needs no privilege.
 * Under systemd the unit's User= decides; elsewhere --allow-root is the
 * explicit, documented override. */
#ifndef TIDINGS_ROOTCHECK_H
#define TIDINGS_ROOTCHECK_H

#include <stddef.h>
#include <sys/types.h>

/* The account the packaging creates (systemd/tidings.sysusers). */
#define TIDINGS_USER "tidings"

/* 1 when started by systemd: $INVOCATION_ID or $NOTIFY_SOCKET is set. */
int rootcheck_under_systemd(void);

/* Returns 0 when a process with effective uid `euid` may run, or -1 with
 * the reason (naming the user to run as and the override) in msg. */
int rootcheck(uid_t euid, int under_systemd, int allow_root, char *msg,
              size_t len);

#endif
