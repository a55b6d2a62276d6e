/* Allocation wrappers that never return NULL: out of memory and size overflow
 * abort through fc_die(), which first runs the registered die hook (the TUI uses
 * it to restore the terminal). BUG() marks impossible states. */
#ifndef FC_BASE_XALLOC_H
#define FC_BASE_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* realloc of nmemb * size with overflow check */
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);
/* copies at most n bytes of s and terminates the copy */
char *xstrndup(const char *s, size_t n);
/* malloc'd printf result */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Called once before fc_die() prints and aborts; NULL removes the hook. */
void fc_set_die_hook(void (*hook)(void));

/* Prints "fieldcheck: fatal: ..." to stderr after running the die hook, then aborts. */
void fc_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#define BUG(...) fc_die("BUG at %s:%d: %s", __FILE__, __LINE__, xasprintf(__VA_ARGS__))

#endif
