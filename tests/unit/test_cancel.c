/* Unit tests for cancel.c: the flag, the signal's time, and sleeps that
 * a signal ends at once, also when another thread takes the signal (as
 * curl's resolver threads may). */
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "base/cancel.h"
#include "base/http.h"
#include "tap.h"

static void *
signal_later(void *arg)
{
	struct timespec ts = {0, 50 * 1000000L};

	nanosleep(&ts, NULL);
	kill(getpid(), *(int *)arg);
	return NULL;
}

/* A thread that takes the signal itself: the main thread blocks it. */
static void *
take_signal(void *arg)
{
	struct timespec ts = {0, 50 * 1000000L};
	sigset_t set;

	(void)arg;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL); /* inherited blocked */
	nanosleep(&ts, NULL);
	raise(SIGTERM);
	return NULL;
}

int
main(void)
{
	pthread_t th;
	sigset_t set, old;
	long long t0, dt;
	int sig = SIGINT;

	ok(cancel_fd() == -1, "no pipe before cancel_install");
	ok(cancel_install() == 0, "handlers installed");
	ok(cancel_fd() >= 0, "the pipe exists");
	ok(!cancel_requested() && cancel_signal() == 0 && cancel_time_ms() == 0,
	    "not cancelled at first");
	t0 = http_now_ms();
	ok(cancel_sleep_ms(30) == 0, "an uninterrupted sleep returns 0");
	dt = http_now_ms() - t0;
	/* Both ends are whole milliseconds, truncated: 30 ms reads >= 29. */
	ok(dt >= 29 && dt < 1000, "and sleeps the time asked (%lld ms)", dt);

	pthread_create(&th, NULL, signal_later, &sig);
	t0 = http_now_ms();
	ok(cancel_sleep_ms(10000) == -1, "SIGINT ends a sleep with -1");
	dt = http_now_ms() - t0;
	pthread_join(th, NULL);
	ok(dt < 1000, "at once, not after 10 s (%lld ms)", dt);
	ok(cancel_requested() && cancel_signal() == SIGINT,
	    "the flag and the signal are set");
	ok(cancel_time_ms() >= t0 && cancel_time_ms() <= http_now_ms(),
	    "the signal's time is on the http_now_ms clock");
	ok(cancel_sleep_ms(10000) == -1, "a sleep after the cancel: -1");
	ok(http_now_ms() - t0 < 2000, "without sleeping");

	cancel_reset();
	ok(!cancel_requested(), "cancel_reset forgets the cancel");
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	pthread_create(&th, NULL, take_signal, NULL);
	t0 = http_now_ms();
	ok(cancel_sleep_ms(10000) == -1,
	    "a signal taken by another thread ends the sleep too");
	dt = http_now_ms() - t0;
	pthread_join(th, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	ok(dt < 1000 && cancel_signal() == SIGTERM, "at once (%lld ms)", dt);
	return done_testing();
}
