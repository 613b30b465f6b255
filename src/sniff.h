/* sniff.h - image media types from the first bytes, never from headers. */
#ifndef NC_SNIFF_H
#define NC_SNIFF_H

#include <stdbool.h>
#include <stddef.h>

struct nc_image_type {
	const char *media_type; /* "image/jpeg" */
	const char *ext;        /* ".jpg" */
	bool epub_core;         /* an EPUB 3.3 core media type */
};

/* NULL when the bytes are not an image we recognise (an HTML error page,
 * truncated data ...). */
const struct nc_image_type *nc_sniff_image(const unsigned char *p, size_t n);

/* Front matter or HTML markup at the start: an article to convert. */
bool nc_sniff_article(const unsigned char *p, size_t n);

#endif
