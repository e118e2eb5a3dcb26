// Linux-only libc calls that need _GNU_SOURCE, which Swift's Glibc module does
// not define: CPU affinity for the acquisition thread, signalfd, eventfd and
// accept4 for the daemon's event loop, the terminal's size.
//
// Only declarations here, in plain C types: the definitions are in CLinux.c,
// the one translation unit that defines _GNU_SOURCE. A header that defined it
// would give glibc's types a second layout in this module (fd_set's field is
// fds_bits there, __fds_bits in SwiftGlibc), and clang then refuses, now and
// then, to merge the two when a Swift module imports both.
#ifndef HOLDFAST_CLINUX_H
#define HOLDFAST_CLINUX_H

/// Pins the calling thread to `cpu`. Returns 0, or -1 with errno set.
int holdfast_pin_to_cpu(int cpu);

/// Blocks SIGINT, SIGTERM and SIGHUP in the calling thread (and the threads
/// it starts afterwards) and returns a signalfd that reports them, so the
/// daemon's event loop handles signals as ordinary readable events.
int holdfast_signalfd_for_termination(void);

/// Blocks the given signals in the calling thread and returns a signalfd for them.
int holdfast_signalfd(const int *signals, int count);

/// Reads one signal from a signalfd: its number, or -1 (errno set).
int holdfast_read_signal(int fd);

/// An eventfd for waking the event loop from another thread.
int holdfast_eventfd(void);

/// accept4(2): a new connection, already close-on-exec and non-blocking; -1 with errno set.
int holdfast_accept_nonblocking(int fd);

/// The terminal's size; returns -1 if `fd` is not a terminal.
int holdfast_window_size(int fd, int *rows, int *cols);

#endif
