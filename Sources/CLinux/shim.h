// Linux-only libc calls that need _GNU_SOURCE, which Swift's Glibc module
// does not define: CPU affinity for the acquisition thread, signalfd and
// eventfd for the daemon's event loop.
#ifndef HOLDFAST_CLINUX_SHIM_H
#define HOLDFAST_CLINUX_SHIM_H
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <fcntl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <unistd.h>

/// Pins the calling thread to `cpu`. Returns 0, or -1 with errno set.
static inline int holdfast_pin_to_cpu(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return sched_setaffinity(0, sizeof set, &set);
}

/// Blocks SIGINT, SIGTERM and SIGHUP in the calling thread (and the threads
/// it starts afterwards) and returns a signalfd that reports them, so the
/// daemon's event loop handles signals as ordinary readable events.
static inline int holdfast_signalfd_for_termination(void) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0) return -1;
    return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

/// Reads one signal from a signalfd: its number, or -1 (errno set).
static inline int holdfast_read_signal(int fd) {
    struct signalfd_siginfo info;
    ssize_t n = read(fd, &info, sizeof info);
    return n == (ssize_t)sizeof info ? (int)info.ssi_signo : -1;
}

/// An eventfd for waking the event loop from another thread.
static inline int holdfast_eventfd(void) { return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK); }
/// Blocks the given signals in the calling thread and returns a signalfd for them.
static inline int holdfast_signalfd(const int *signals, int count) {
    sigset_t set;
    sigemptyset(&set);
    for (int i = 0; i < count; i++) sigaddset(&set, signals[i]);
    if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0) return -1;
    return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}
/// accept4(2): a new connection, already close-on-exec and non-blocking.
/// Through syscall(2), not <sys/socket.h>: that header, under _GNU_SOURCE, brings
/// a second definition of fd_set (fds_bits, where Swift's Glibc module has
/// __fds_bits), and clang then refuses modules that see both, depending on the
/// order they are built in. Linux defines SOCK_CLOEXEC and SOCK_NONBLOCK as
/// O_CLOEXEC and O_NONBLOCK.
static inline int holdfast_accept_nonblocking(int fd) {
    return (int)syscall(SYS_accept4, fd, NULL, NULL, O_CLOEXEC | O_NONBLOCK);
}
/// The terminal's size; returns -1 if `fd` is not a terminal.
static inline int holdfast_window_size(int fd, int *rows, int *cols) {
    struct winsize ws;
    if (ioctl(fd, TIOCGWINSZ, &ws) != 0) return -1;
    *rows = ws.ws_row;
    *cols = ws.ws_col;
    return 0;
}
#endif
