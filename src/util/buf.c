#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "newsconv.h"

int nc_buf_read_file(struct nc_buf *b, FILE *f, size_t limit)
{
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (b->len > limit || n > limit - b->len)
			return NC_ERR_LIMIT;
		if (nc_buf_put(b, chunk, n))
			return NC_ERR_NOMEM;
	}
	return ferror(f) ? NC_ERR_IO : NC_OK;
}

int nc_buf_reserve(struct nc_buf *b, size_t extra)
{
	if (b->oom)
		return NC_ERR_NOMEM;
	if (b->len + extra + 1 <= b->cap)
		return NC_OK;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + extra + 1) {
		if (cap > SIZE_MAX / 2) {
			b->oom = true;
			return NC_ERR_NOMEM;
		}
		cap *= 2;
	}
	char *p = realloc(b->data, cap);
	if (!p) {
		b->oom = true;
		return NC_ERR_NOMEM;
	}
	b->data = p;
	b->cap = cap;
	/* The promise of buf.h: data is a C string whenever it exists. */
	b->data[b->len] = '\0';
	return NC_OK;
}

/* The growing path of nc_buf_put and nc_buf_putc (buf.h). */
int nc_buf_put_slow(struct nc_buf *b, const void *p, size_t n)
{
	if (nc_buf_reserve(b, n))
		return NC_ERR_NOMEM;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return NC_OK;
}

int nc_buf_puts(struct nc_buf *b, const char *s)
{
	return nc_buf_put(b, s, strlen(s));
}

int nc_buf_vprintf(struct nc_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return NC_ERR_INTERNAL;
	if (nc_buf_reserve(b, (size_t)n))
		return NC_ERR_NOMEM;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return NC_OK;
}

int nc_buf_printf(struct nc_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = nc_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

void nc_buf_truncate(struct nc_buf *b, size_t len)
{
	if (len < b->len) {
		b->len = len;
		b->data[len] = '\0';
	}
}

char *nc_buf_detach(struct nc_buf *b, size_t *len)
{
	if (b->oom) {
		nc_buf_free(b);
		return NULL;
	}
	if (!b->data && nc_buf_reserve(b, 0))
		return NULL;
	if (!b->data)
		return NULL;
	char *p = b->data;
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

void nc_buf_free(struct nc_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->oom = false;
}
