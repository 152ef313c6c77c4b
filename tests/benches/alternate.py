#!/usr/bin/env python3
"""Times two or more commands in turns, to compare two builds on a machine whose speed drifts.

    python3 tests/benches/alternate.py ROUNDS -- COMMAND... -- COMMAND... [-- COMMAND...]

Each round runs every command once, starting with the next command each round, with its output
discarded. Prints each command's median wall and CPU time (user and system, from the kernel's
accounting of the child), then, for each command after the first, the median over the rounds of
its time divided by the first command's in the same round, with the interquartile range.

For example, validate-only of one payload by the build before a change and by the build after
(`validate_loop` of each, built into two target folders):

    python3 tests/benches/alternate.py 10 -- old/validate_loop PAYLOAD 40000 validate \\
        -- target/release/examples/validate_loop PAYLOAD 40000 validate
"""

import os
import statistics
import sys
import time


def parse(arguments):
    """ROUNDS and the commands, or None when the arguments do not have that shape."""
    if len(arguments) < 4 or arguments[1] != "--" or not arguments[0].isdigit() or int(arguments[0]) < 1:
        return None
    commands = []
    for argument in arguments[1:]:
        if argument == "--":
            commands.append([])
        else:
            commands[-1].append(argument)
    if len(commands) < 2 or any(not command for command in commands):
        return None
    return int(arguments[0]), commands


def run(command, devnull):
    """Wall seconds and CPU seconds of one run of `command`; exits if it cannot start or fails."""
    start = time.perf_counter()
    try:
        pid = os.posix_spawnp(command[0], command, os.environ,
                              file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1)])
    except OSError as error:
        sys.exit(f"{command[0]}: {error}")
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(command)} exited with {os.waitstatus_to_exitcode(status)}")
    return wall, usage.ru_utime + usage.ru_stime


def quartiles(values):
    """The interpolated first and third quartiles of `values`."""
    if len(values) < 2:
        return values[0], values[0]
    first, _, third = statistics.quantiles(values, n=4, method="inclusive")
    return first, third


def main():
    parsed = parse(sys.argv[1:])
    if parsed is None:
        sys.exit(__doc__)
    rounds, commands = parsed
    devnull = os.open(os.devnull, os.O_WRONLY)
    times = [[] for _ in commands]
    for turn in range(rounds):
        order = list(range(len(commands)))
        order = order[turn % len(order):] + order[:turn % len(order)]
        for index in order:
            times[index].append(run(commands[index], devnull))
    for index, command in enumerate(commands):
        wall = statistics.median(sample[0] for sample in times[index])
        cpu = statistics.median(sample[1] for sample in times[index])
        print(f"{index}: wall {wall * 1000:.1f} ms, CPU {cpu * 1000:.1f} ms: {' '.join(command)}")
    for index in range(1, len(commands)):
        ratios = [mine[0] / first[0] for mine, first in zip(times[index], times[0])]
        low, high = quartiles(ratios)
        print(f"{index}/0: median {statistics.median(ratios):.3f} of the time (interquartile range {low:.3f} to {high:.3f})")


if __name__ == "__main__":
    main()
