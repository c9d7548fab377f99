/*
 * tmpdir — scratch directories and files for tests that touch the disk.
 *
 * test_tmpdir makes a new, empty directory "$TMPDIR/chaindeck-TAG-XXXXXX"
 * (/tmp when TMPDIR is unset), mode 0700. The path lives in a static buffer
 * that the next call overwrites: a test binary works in one directory at a
 * time, and removes it with test_rmtree when the case is done. Failing to
 * make the directory or write a file is the test's environment failing,
 * not a check: the binary exits with status 2.
 */
#ifndef CHAINDECK_TEST_TMPDIR_H
#define CHAINDECK_TEST_TMPDIR_H

#include <stddef.h>

/* A fresh directory for this case; TAG names the test ("config", "keystore"). */
const char *test_tmpdir(const char *tag);

/*
 * Removes dir and everything in it, not following links. Refuses (and
 * records a failure) for a path that test_tmpdir did not make, so a bad
 * variable cannot remove anything else.
 */
void test_rmtree(const char *dir);

/* Creates or truncates path and writes text to it. */
void test_write_file(const char *path, const char *text);

/* How many entries dir holds, "." and ".." aside (0 when it cannot be read). */
size_t test_dir_entries(const char *dir);

#endif
