/*
 * cancel: the run's cancellation, from SIGINT or SIGTERM.
 *
 * The Actions runner cancels a step (workflow cancel, timeout-minutes)
 * with SIGINT, then SIGTERM 7.5 s later, then SIGKILL 2.5 s after that
 * (github-action-runtime.md §1.10). In a container port-acm is PID 1,
 * which the kernel spares every signal it has no handler for, so the
 * handlers are what makes a cancel work at all.
 *
 * The first signal only sets a flag and wakes a self-pipe (both are
 * async-signal-safe); the work notices it: the AWS layer starts no new
 * attempt once cancel_requested() (AWS_ERR_CANCELLED), http aborts the
 * transfer in flight at once and shortens every later one to the cancel
 * budget, waits end early, and main ends the Port run "Cancelled". A
 * second signal exits at once with 128 + signal.
 */
#ifndef PORT_ACM_CANCEL_H
#define PORT_ACM_CANCEL_H

/* From the first signal to the end of the final report: well inside the
 * runner's 7.5 s before SIGTERM, and inside 5 s in all. */
#define CANCEL_BUDGET_MS 4500

/* Installs the SIGINT and SIGTERM handlers (no SA_RESTART, so blocking
 * calls return EINTR) and the self-pipe. 0, or -1 with errno set. Call
 * once, before any thread is started. */
int cancel_install(void);
/* Nonzero once the first signal arrived. Async-signal-safe. */
int cancel_requested(void);
/* The first signal's number (SIGINT, SIGTERM), 0 when none. */
int cancel_signal(void);
/* When the first signal arrived (http_now_ms() clock), 0 when none. */
long long cancel_time_ms(void);
/* A file descriptor that becomes readable at the first signal (and stays
 * so), for poll(); -1 before cancel_install. */
int cancel_fd(void);
/* Sleeps ms milliseconds, or less when a signal comes first. 0 when
 * the full time was slept, -1 when the run was cancelled (also when it
 * already was on entry: nothing is slept then). */
int cancel_sleep_ms(long ms);
/* For tests: forgets a cancel (the flag and the pipe's content). */
void cancel_reset(void);

#endif
