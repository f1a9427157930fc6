/* lp_test_files.h — file helpers shared by the C tests that write and damage
 * files: read a whole file, write one, count the atomic writer's leftover
 * temporaries, remove a scratch directory. Header-only, no CHECK (so any
 * test can include it). */
#ifndef LP_TEST_FILES_H
#define LP_TEST_FILES_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Whole file into memory (caller frees); NULL if unreadable or out of
 * memory. */
static inline char *lp_test_slurp(const char *path, size_t *len)
{
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? 2 * cap : 65536;
            char *q = realloc(buf, cap);
            if (!q) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = q;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        if (got == 0) break;
        n += got;
    }
    fclose(f);
    *len = n;
    return buf;
}

/* Write len bytes to path; a failure ends the test (exit 1). */
static inline void lp_test_spit(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

/* Leftover temporaries ".<name>.tmp-XXXXXX" of the atomic writer in dir;
 * -1 if dir cannot be read. */
static inline int lp_test_count_temps(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += e->d_name[0] == '.' && strstr(e->d_name, ".tmp-") != NULL;
    closedir(d);
    return n;
}

/* rm -r dir (best effort; symbolic links are removed, not followed). */
static inline void lp_test_remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    char p[8400];
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        int k = snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        if (k < 0 || (size_t)k >= sizeof p) continue;
        struct stat sb;
        if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
            lp_test_remove_tree(p);
        else
            unlink(p);
    }
    closedir(d);
    rmdir(dir);
}

#endif
