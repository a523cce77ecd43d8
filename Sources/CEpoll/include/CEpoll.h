// Linux epoll for tandem-bench's load client (Glibc's Swift module does not include <sys/epoll.h>).
#ifndef TANDEM_CEPOLL_H
#define TANDEM_CEPOLL_H
#ifdef __linux__
#include <sys/epoll.h>
#include <sys/prctl.h>

/// Names the calling thread (at most 15 bytes show), so `top -H` and `perf` can tell it apart.
static inline int tandem_name_thread(const char *name) { return prctl(PR_SET_NAME, name, 0, 0, 0); }
#endif
#endif
