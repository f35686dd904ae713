#include "base/cancel.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t cancelled; /* the first signal's number */
static volatile sig_atomic_t when_s, when_ms;
static int pipe_fd[2] = {-1, -1};

static void
on_signal(int sig)
{
	struct timespec ts;
	int saved = errno;

	if (cancelled)
		_exit(128 + sig); /* the second signal: end now */
	/* clock_gettime and write are async-signal-safe. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	when_s = (sig_atomic_t)ts.tv_sec;
	when_ms = (sig_atomic_t)(ts.tv_nsec / 1000000);
	cancelled = sig;
	if (pipe_fd[1] >= 0)
		(void)!write(pipe_fd[1], "x", 1);
	errno = saved;
}

int
cancel_install(void)
{
	struct sigaction sa = {0};
	int i;

	if (pipe_fd[0] < 0) {
		if (pipe(pipe_fd) != 0)
			return -1;
		for (i = 0; i < 2; i++)
			if (fcntl(pipe_fd[i], F_SETFD, FD_CLOEXEC) != 0 ||
			    fcntl(pipe_fd[i], F_SETFL, O_NONBLOCK) != 0)
				return -1;
	}
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* Both signals blocked in the handler: they never nest. */
	sigaddset(&sa.sa_mask, SIGINT);
	sigaddset(&sa.sa_mask, SIGTERM);
	sa.sa_flags = 0; /* no SA_RESTART: blocking calls see EINTR */
	if (sigaction(SIGINT, &sa, NULL) != 0 ||
	    sigaction(SIGTERM, &sa, NULL) != 0)
		return -1;
	return 0;
}

int
cancel_requested(void)
{
	return cancelled != 0;
}

int
cancel_signal(void)
{
	return cancelled;
}

long long
cancel_time_ms(void)
{
	if (!cancelled)
		return 0;
	return (long long)when_s * 1000 + when_ms;
}

int
cancel_fd(void)
{
	return pipe_fd[0];
}

int
cancel_sleep_ms(long ms)
{
	struct timespec now, end;
	struct pollfd pfd = {pipe_fd[0], POLLIN, 0};
	long long left;

	if (cancelled)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += ms / 1000;
	end.tv_nsec += (ms % 1000) * 1000000L;
	if (end.tv_nsec >= 1000000000L) {
		end.tv_sec++;
		end.tv_nsec -= 1000000000L;
	}
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		left = (long long)(end.tv_sec - now.tv_sec) * 1000000000LL +
		       (end.tv_nsec - now.tv_nsec);
		if (left <= 0)
			return 0;
		left = (left + 999999) / 1000000; /* never wake early */
		/* The pipe wakes the poll whichever thread took the
		 * signal; EINTR only when it was this one. */
		if (poll(&pfd, pipe_fd[0] >= 0 ? 1 : 0,
		        left > 60000 ? 60000 : (int)left) != 0 &&
		    cancelled)
			return -1;
		if (cancelled)
			return -1;
	}
}

void
cancel_reset(void)
{
	char b[64];

	cancelled = 0;
	when_s = when_ms = 0;
	if (pipe_fd[0] >= 0)
		while (read(pipe_fd[0], b, sizeof(b)) > 0)
			;
}
