/* buf.h - growable byte buffer used by every writer.
 * Errors are sticky: after an allocation failure every call returns
 * NC_ERR_NOMEM and `oom` stays set, so writers may check once at the end. */
#ifndef NC_UTIL_BUF_H
#define NC_UTIL_BUF_H

#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>
#include <stdbool.h>
#include <string.h>

struct nc_buf {
	char *data;   /* always NUL-terminated when non-NULL */
	size_t len, cap;
	bool oom;
};

int nc_buf_put_slow(struct nc_buf *b, const void *p, size_t n);
int nc_buf_puts(struct nc_buf *b, const char *s);
int nc_buf_printf(struct nc_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int nc_buf_vprintf(struct nc_buf *b, const char *fmt, va_list ap);
int nc_buf_reserve(struct nc_buf *b, size_t extra);
/* The rest of `f` appended, the buffer at most `limit` bytes: NC_OK,
 * NC_ERR_LIMIT (the file is larger), NC_ERR_NOMEM, or NC_ERR_IO (errno
 * says why).  The one bounded file reader (inputs, the cover, the cache). */
int nc_buf_read_file(struct nc_buf *b, FILE *f, size_t limit);
void nc_buf_truncate(struct nc_buf *b, size_t len);
/* Hand the bytes to the caller (NUL-terminated, free() them); buffer is reset. */
char *nc_buf_detach(struct nc_buf *b, size_t *len);
void nc_buf_free(struct nc_buf *b);

/* The writers append a byte or a few at a time, millions of times per
 * batch: the common case (room left, no earlier failure) is inline and
 * only growth, or the sticky error, goes through nc_buf_put_slow. */
static inline int nc_buf_put(struct nc_buf *b, const void *p, size_t n)
{
	if (b->oom || n >= b->cap - b->len)
		return nc_buf_put_slow(b, p, n);
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

static inline int nc_buf_putc(struct nc_buf *b, int c)
{
	if (b->oom || b->cap - b->len < 2)
		return nc_buf_put_slow(b, &(char){(char)c}, 1);
	b->data[b->len++] = (char)c;
	b->data[b->len] = '\0';
	return 0;
}

#endif
