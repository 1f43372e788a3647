#!/usr/bin/env python3
"""Drives `mnl repl` under a pseudo-terminal, through the real GNU readline:
TAB completion, history recall (Up arrow, and across sessions via MNL_HISTORY),
Ctrl-C at the prompt (clears the line), Ctrl-C during a running loop (stops it; the
variables survive), and Ctrl-D (exits, saving the history).

Usage: pty_test.py /path/to/mnl
"""
import os
import sys
import tempfile

import pexpect

TIMEOUT = 20  # generous: CI machines are slow and shared


def fail(message, child=None):
    print("FAIL:", message)
    if child is not None:
        print("--- last output ---")
        print((child.before or "") + str(child.after or ""))
    sys.exit(1)


def expect(child, pattern, what, timeout=TIMEOUT):
    try:
        child.expect(pattern, timeout=timeout)
    except (pexpect.TIMEOUT, pexpect.EOF) as error:
        fail(f"{what}: {type(error).__name__} waiting for {pattern!r}", child)


def spawn(mnl, history, cwd):
    env = dict(os.environ, TERM="xterm", NO_COLOR="1", MNL_HISTORY=history, COLUMNS="80")
    env.pop("COLORTERM", None)
    child = pexpect.spawn(mnl, ["repl"], env=env, encoding="utf-8", timeout=TIMEOUT,
                          dimensions=(24, 80), cwd=cwd)
    expect(child, r"\[1\]: ", "first prompt")
    return child


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    mnl = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as tmp:
        history = os.path.join(tmp, "history")
        with open(os.path.join(tmp, "script-for-load.mnl"), "w", encoding="utf-8") as f:
            f.write("from_script = 5\n")
        child = spawn(mnl, history, tmp)

        # 1. Completion: "netw" + TAB completes to the variable's full name.
        child.send("network_size = 42\r")
        expect(child, r"\[2\]: ", "prompt after assignment")
        child.send("netw\t")
        expect(child, "network_size", "TAB completion of a global")
        child.send("\r")
        expect(child, r"\[2\]: 42\r\n", "value of the completed name")
        expect(child, r"\[3\]: ", "next prompt")

        # Record fields complete after a dot; file names after :load.
        child.send("rec = {alpha: 1, beta: 2}\r")
        expect(child, r"\[4\]: ", "prompt after the record")
        child.send("rec.al\t")
        expect(child, "rec.alpha", "TAB completion of a record field")
        child.send("\r")
        expect(child, r"\[4\]: 1\r\n", "value of the completed field")
        expect(child, r"\[5\]: ", "prompt after the field")
        child.send(":load script-f\t")
        expect(child, "script-for-load.mnl", "TAB completion of a file name after :load")
        child.send("\r")
        expect(child, r"\[6\]: ", "prompt after :load")
        child.send("from_script\r")
        expect(child, r"\[6\]: 5\r\n", "the loaded script ran")
        expect(child, r"\[7\]: ", "prompt before the history test")
        child.send("network_size\r")
        expect(child, r"\[7\]: 42\r\n", "network_size again")

        # 2. History: Up arrow recalls the previous line.
        child.send("\x1b[A")
        expect(child, "network_size", "history recall with Up")
        child.send("\r")
        expect(child, r"\[8\]: 42\r\n", "value of the recalled line")
        expect(child, r"\[9\]: ", "next prompt")

        # 3. Ctrl-C at the prompt clears the line (bash-like) and stays at the same cell.
        child.send("this is not valid")
        # Like a person, press Ctrl-C once the text is on screen (not while it is still queued).
        expect(child, "this is not valid", "typed text echoed")
        child.sendintr()
        expect(child, r"\^C", "^C echo at the prompt")
        expect(child, r"\[9\]: ", "fresh prompt after ^C")
        child.send("1 + 1\r")
        expect(child, r"\[9\]: 2\r\n", "line was cleared by Ctrl-C")

        # 4. Ctrl-C interrupts a running loop; variables keep their values.
        expect(child, r"\[10\]: ", "next prompt")
        child.send("i = 0\r")
        expect(child, r"\[11\]: ", "next prompt")
        child.send("while true { i = i + 1 }\r")
        try:
            child.expect(r"interrupted", timeout=1.0)
            fail("the loop stopped before Ctrl-C", child)
        except pexpect.TIMEOUT:
            pass  # still running, as it should be
        child.sendintr()
        expect(child, "interrupted", "Ctrl-C stops the loop", timeout=5)
        expect(child, r"\[12\]: ", "prompt after the interrupt")
        child.send("i > 1000\r")
        expect(child, r"\[12\]: true\r\n", "i kept its value from the interrupted loop")

        # 5. A multi-line cell with the continuation prompt.
        expect(child, r"\[13\]: ", "next prompt")
        child.send("[1,\r")
        expect(child, r"\.\.\.: ", "continuation prompt")
        child.send("2]\r")
        expect(child, r"\[13\]: \[1, 2\]\r\n", "multi-line cell value")

        # 5b. Up recalls the whole multi-line cell as one entry (not just its last line).
        expect(child, r"\[14\]: ", "next prompt")
        child.send("\x1b[A")
        expect(child, r"\[1,", "the recalled cell's first line")
        child.send("\r")
        expect(child, r"\[14\]: \[1, 2\]\r\n", "the recalled multi-line cell ran whole")

        # 6. Ctrl-D leaves with status 0 and saves the history.
        expect(child, r"\[15\]: ", "next prompt")
        child.sendeof()
        expect(child, pexpect.EOF, "exit on Ctrl-D")
        child.close()
        if child.exitstatus != 0:
            fail(f"exit status {child.exitstatus} after Ctrl-D")
        with open(history, encoding="utf-8") as f:
            saved = f.read()
        if "network_size = 42" not in saved:
            fail(f"history file lacks the first line: {saved!r}")
        if "[1,\n2]" not in saved:
            fail(f"history file lacks the multi-line cell as one entry: {saved!r}")

        # 7. A new session recalls the previous session's history, multi-line cells whole.
        child = spawn(mnl, history, tmp)
        child.send("\x1b[A")
        expect(child, r"2\]", "Up recalls the last cell of the previous session")
        child.send("\r")
        expect(child, r"\[1\]: \[1, 2\]\r\n", "the recalled cell from the file ran whole")
        expect(child, r"\[2\]: ", "prompt after the recalled cell")
        child.send(":quit\r")
        expect(child, pexpect.EOF, "exit on :quit")
        child.close()
        if child.exitstatus != 0:
            fail(f"exit status {child.exitstatus} after :quit")

        # 8. Sessions that exit at the same moment: each one's lines reach the file whole,
        #    none lost, none interleaved (they take turns under a lock and append).
        for round_ in range(3):
            children = [spawn(mnl, history, tmp) for _ in range(3)]
            for k, child in enumerate(children):
                for n in range(20):
                    child.send(f"s{round_}_{k}_line_{n} = {n}\r")
                    expect(child, rf"\[{n + 2}\]: ", f"prompt in session {k}")
            for child in children:
                child.sendeof()
            for k, child in enumerate(children):
                expect(child, pexpect.EOF, f"session {k} exits")
                child.close()
            with open(history, encoding="utf-8") as f:
                lines = f.read().splitlines()
            for k in range(3):
                mine = [line for line in lines if line.startswith(f"s{round_}_{k}_")]
                wanted = [f"s{round_}_{k}_line_{n} = {n}" for n in range(20)]
                if mine != wanted:
                    fail(f"round {round_}, session {k}: history lines {mine!r}, wanted {wanted!r}")
            if "network_size = 42" not in lines:
                fail("the first session's history was lost when later sessions saved theirs")

    print("pty test passed: completion, history (multi-line cells whole), Ctrl-C at the prompt and in a loop, "
          "continuation, Ctrl-D, concurrent exits")


if __name__ == "__main__":
    main()
