/*
 * stale: the one rule for how many synced entities a sync may delete
 * (stale_threshold_percent), applied per region and overall.
 */
#ifndef PORT_ACM_STALE_H
#define PORT_ACM_STALE_H

/* Pure. Nonzero when deleting `stale` of `total` synced entities is
 * more than `percent` of them (so 100 allows all, 0 allows none but
 * nothing to delete). */
int stale_too_many(
    unsigned long stale, unsigned long total, unsigned long percent);

#endif
