/*
 * child.h - death tests for host tests: run a function in a forked child
 * with its stdout on a pipe, collect what it printed and how it ended.
 * A panic ends the process (hal_exit on the simulator), so checking one
 * needs a process of its own.
 */
#ifndef RUMPK_TESTS_CHILD_H
#define RUMPK_TESTS_CHILD_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* Runs fn(arg) in a child that exits 0 if fn returns.  Returns the exit
 * status, 1000 + the signal if a signal ended it, or -1 if the child
 * could not be run; out receives its output (always terminated). */
static inline int rk_test_run_child(void (*fn)(void *), void *arg, char *out,
                                    size_t cap)
{
	int fds[2];
	if (cap == 0 || pipe(fds) != 0)
		return -1;
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		dup2(fds[1], STDOUT_FILENO);
		fn(arg);
		fflush(stdout);
		_exit(0);
	}
	close(fds[1]);
	size_t used = 0;
	ssize_t n;
	while (used + 1 < cap &&
	       (n = read(fds[0], out + used, cap - 1 - used)) > 0)
		used += (size_t)n;
	out[used] = '\0';
	close(fds[0]);
	int st;
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1000 + WTERMSIG(st);
}

#endif
