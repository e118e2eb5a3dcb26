// Linux-only libc calls that need _GNU_SOURCE, which Swift's Glibc module
// does not define: CPU affinity for the acquisition thread.
#ifndef HOLDFAST_CLINUX_SHIM_H
#define HOLDFAST_CLINUX_SHIM_H
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <sched.h>

/// Pins the calling thread to `cpu`. Returns 0, or -1 with errno set.
static inline int holdfast_pin_to_cpu(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return sched_setaffinity(0, sizeof set, &set);
}
#endif
