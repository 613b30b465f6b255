/* sniff.c - recognise JPEG, PNG, GIF, WebP, AVIF and SVG by their bytes
 * (WHATWG MIME Sniffing, "image type pattern matching"; SVG by its root
 * element since it has no magic number). */
#include "sniff.h"

#include <string.h>
#include <strings.h>

static const struct nc_image_type types[] = {
	{"image/jpeg", ".jpg", true},
	{"image/png", ".png", true},
	{"image/gif", ".gif", true},
	{"image/webp", ".webp", true},
	{"image/avif", ".avif", false},
	{"image/svg+xml", ".svg", true},
};

static bool looks_like_svg(const unsigned char *p, size_t n)
{
	/* Skip BOM, whitespace, XML declaration, comments and doctype; the
	 * first element must be <svg. */
	size_t i = 0;
	if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		i = 3;
	size_t limit = n < 4096 ? n : 4096;
	while (i < limit) {
		while (i < limit && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r'))
			i++;
		if (i >= limit || p[i] != '<')
			return false;
		if (i + 1 < limit && (p[i + 1] == '?' || p[i + 1] == '!')) {
			const unsigned char *end = memchr(p + i, '>', limit - i);
			if (!end)
				return false;
			i = (size_t)(end - p) + 1;
			continue;
		}
		return limit - i >= 4 && strncasecmp((const char *)p + i, "<svg", 4) == 0 &&
		       (limit - i == 4 || p[i + 4] == ' ' || p[i + 4] == '>' ||
			p[i + 4] == '\n' || p[i + 4] == '\t' || p[i + 4] == '\r');
	}
	return false;
}

const struct nc_image_type *nc_sniff_image(const unsigned char *p, size_t n)
{
	if (n >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
		return &types[0];
	if (n >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
		return &types[1];
	if (n >= 6 && (memcmp(p, "GIF87a", 6) == 0 || memcmp(p, "GIF89a", 6) == 0))
		return &types[2];
	if (n >= 14 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBPVP", 6) == 0)
		return &types[3];
	if (n >= 12 && memcmp(p + 4, "ftypavi", 7) == 0)
		return &types[4];
	if (looks_like_svg(p, n))
		return &types[5];
	return NULL;
}

/* Is this an article newsconv reads, judged by its first bytes: front
 * matter (---, +++, ;;;) or HTML markup, after an optional BOM and
 * blank space?  Used for files found by walking a directory, where
 * READMEs, images and stray files must be passed over quietly. */
bool nc_sniff_article(const unsigned char *p, size_t n)
{
	size_t i = 0;
	if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		i = 3;
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		i++;
	if (i >= n)
		return false;
	if (n - i >= 3 && (!memcmp(p + i, "---", 3) || !memcmp(p + i, "+++", 3) ||
			   !memcmp(p + i, ";;;", 3)))
		return true;
	return p[i] == '<' && i + 1 < n && (p[i + 1] == '!' || ((p[i + 1] | 0x20) >= 'a' &&
					     (p[i + 1] | 0x20) <= 'z'));
}
