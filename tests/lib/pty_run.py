#!/usr/bin/env python3
"""Runs a command on a new pseudo-terminal (its controlling terminal, so /dev/tty is it) and plays
a script against it, as a person at the keyboard would. Standard library only.

   pty_run.py SCRIPT.json -- CMD ARGS...

SCRIPT is a list of steps:
   {"expect": REGEX}            wait (10 s at most) until everything read so far matches REGEX
   {"send": TEXT}               type TEXT ("\\n" is Enter)
   {"answer_words": true}       answer every "Word N: " prompt with word N of the mnemonic last
                                shown as "  N. word" on the terminal
   {"answer_words": "wrong"}    answer each with a word that is not it
   {"mark": NAME}               remember the output length at this point (for the report)
   {"check_absent": PATH}       record whether PATH exists now (it must not) in the report
Prints one JSON object: {"status": exit status, "out": everything the terminal received,
"marks": {...}, "absent": {...}, "words": [...], "error": "..."}.
"""
import json
import os
import pty
import re
import select
import sys
import time


def main():
    script = json.load(open(sys.argv[1]))
    cmd = sys.argv[sys.argv.index("--") + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(cmd[0], cmd)
    out = b""
    report = {"marks": {}, "absent": {}, "words": [], "error": ""}

    def read_some(timeout):
        nonlocal out
        r, _, _ = select.select([fd], [], [], timeout)
        if not r:
            return False
        try:
            data = os.read(fd, 4096)
        except OSError:
            return None
        if not data:
            return None
        out += data
        return True

    def expect(regex, timeout=10):
        end = time.time() + timeout
        while not re.search(regex, out.decode("utf-8", "replace"), re.S):
            if time.time() > end or read_some(0.1) is None:
                return re.search(regex, out.decode("utf-8", "replace"), re.S) is not None
        return True

    words = []
    for step in script:
        if "expect" in step:
            if not expect(step["expect"]):
                report["error"] = "timed out waiting for /%s/" % step["expect"]
                break
        elif "send" in step:
            time.sleep(0.05)
            os.write(fd, step["send"].encode())
        elif "mark" in step:
            report["marks"][step["mark"]] = len(out)
        elif "check_absent" in step:
            report["absent"][step["check_absent"]] = not os.path.exists(step["check_absent"])
        elif "answer_words" in step:
            text = out.decode("utf-8", "replace")
            words = [w for _, w in sorted((int(n), w) for n, w in re.findall(r"(\d+)\. ([a-z]+)", text))]
            report["words"] = words
            asked = 0
            while asked < 3:
                if not expect(r"Word (\d+): $", 10):
                    report["error"] = "no Word prompt"
                    break
                n = int(re.findall(r"Word (\d+): $", out.decode("utf-8", "replace"))[-1])
                if step["answer_words"] == "wrong":
                    answer = "zoo" if words[n - 1] != "zoo" else "abandon"
                else:
                    answer = words[n - 1]
                start = len(out)
                os.write(fd, (answer + "\n").encode())
                # wait until the prompt is answered (a newline echo or the next output)
                end = time.time() + 5
                while len(out) == start and time.time() < end:
                    if read_some(0.1) is None:
                        break
                asked += 1
                if step["answer_words"] == "wrong" and re.search("backup check failed", out.decode("utf-8", "replace")):
                    break
    # drain until exit; a program still waiting for input after that is killed
    end = time.time() + 15
    while time.time() < end:
        if read_some(0.1) is None:
            break
    done, st = os.waitpid(pid, os.WNOHANG)
    if done == 0:
        report["error"] = (report["error"] + "; " if report["error"] else "") + "still running: killed"
        os.kill(pid, 9)
        _, st = os.waitpid(pid, 0)
    report["status"] = os.waitstatus_to_exitcode(st)
    report["out"] = out.decode("utf-8", "replace")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
