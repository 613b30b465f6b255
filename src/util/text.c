#include "text.h"

#include "newsconv.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* One sequence (the body of nc_utf8_decode), inline in the loop of
 * nc_utf8_valid: every text is checked once, and the call per
 * character was most of that check's cost. */
static inline size_t decode_seq(const unsigned char *s, size_t n, unsigned *cp)
{
	if (n == 0)
		return 0;
	unsigned c = s[0];
	size_t len;
	unsigned min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xe0) == 0xc0) {
		len = 2; c &= 0x1f; min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		len = 3; c &= 0x0f; min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		len = 4; c &= 0x07; min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

size_t nc_utf8_decode(const unsigned char *s, size_t n, unsigned *cp)
{
	return decode_seq(s, n, cp);
}

size_t nc_utf8_valid_seq(const unsigned char *s, size_t n)
{
	unsigned cp;
	return decode_seq(s, n, &cp);
}

bool nc_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		uint64_t w;
		if (n - i >= 8 && (memcpy(&w, p + i, 8), !(w & 0x8080808080808080u))) {
			i += 8; /* eight ASCII bytes */
			continue;
		}
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		unsigned cp;
		size_t k = decode_seq(p + i, n - i, &cp);
		if (!k)
			return false;
		i += k;
	}
	return true;
}

int nc_utf8_encode(unsigned cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	} else if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	} else if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

int nc_buf_put_xml(struct nc_buf *b, const char *s, size_t n, bool attr)
{
	static const char fffd[] = "\xef\xbf\xbd";
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0;
	while (i < n) {
		unsigned char c = p[i];
		const char *rep = NULL;
		size_t adv = 1;
		if (c == '&')
			rep = "&amp;";
		else if (c == '<')
			rep = "&lt;";
		else if (c == '>')
			rep = "&gt;";
		else if (c == '"' && attr)
			rep = "&quot;";
		else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			rep = fffd;
		else if (c >= 0x80) {
			unsigned cp;
			adv = nc_utf8_decode(p + i, n - i, &cp);
			if (!adv) {
				adv = 1;
				rep = fffd;
			} else if (cp == 0xfffe || cp == 0xffff) {
				rep = fffd;
			}
		}
		if (rep) {
			nc_buf_put(b, s + run, i - run);
			nc_buf_puts(b, rep);
			i += adv;
			run = i;
		} else {
			i += adv;
		}
	}
	return nc_buf_put(b, s + run, i - run);
}

int nc_buf_puts_xml(struct nc_buf *b, const char *s, bool attr)
{
	return nc_buf_put_xml(b, s, strlen(s), attr);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

char *nc_str_squash(const char *s)
{
	size_t n = strlen(s);
	char *out = malloc(n + 1);
	if (!out)
		return NULL;
	size_t o = 0;
	bool pending = false;
	for (size_t i = 0; i < n; i++) {
		if (is_space(s[i])) {
			pending = o > 0;
			continue;
		}
		if (pending)
			out[o++] = ' ';
		pending = false;
		out[o++] = s[i];
	}
	out[o] = '\0';
	return out;
}

bool nc_str_blank(const char *s)
{
	if (!s)
		return true;
	for (; *s; s++)
		if (!is_space(*s))
			return false;
	return true;
}

int nc_utf8_repair(char **s)
{
	if (!*s || nc_utf8_valid(*s, strlen(*s)))
		return NC_OK;
	size_t n = strlen(*s);
	char *out = malloc(3 * n + 1), *o = out;
	if (!out)
		return NC_ERR_NOMEM;
	const unsigned char *p = (const unsigned char *)*s, *end = p + n;
	while (p < end) {
		size_t k = nc_utf8_valid_seq(p, (size_t)(end - p));
		if (k) {
			memcpy(o, p, k);
			o += k;
			p += k;
		} else {
			memcpy(o, "\xef\xbf\xbd", 3);
			o += 3;
			p++;
		}
	}
	*o = '\0';
	free(*s);
	*s = out;
	return NC_OK;
}

/* Punctuation and spaces outside ASCII that a slug drops: general
 * punctuation, CJK symbols and punctuation, full-width ASCII
 * punctuation, no-break and ideographic spaces. */
static bool slug_gap(unsigned cp)
{
	return cp == 0xA0 || (cp >= 0x2000 && cp <= 0x206F) || (cp >= 0x3000 && cp <= 0x303F) ||
	       (cp >= 0xFF01 && cp <= 0xFF0F) || (cp >= 0xFF1A && cp <= 0xFF20) ||
	       (cp >= 0xFF3B && cp <= 0xFF40) || (cp >= 0xFF5B && cp <= 0xFF65) ||
	       cp == 0xFEFF || cp == 0xFFFD || cp < 0xA0;
}

int nc_slug(struct nc_buf *out, const char *title, size_t max)
{
	const unsigned char *p = (const unsigned char *)(title ? title : "");
	size_t n = strlen((const char *)p), start = out->len;
	bool gap = false;
	for (size_t i = 0; i < n;) {
		unsigned cp = p[i];
		size_t k = cp < 0x80 ? 1 : nc_utf8_decode(p + i, n - i, &cp);
		if (k == 0) { /* invalid byte: a gap */
			i++;
			gap = true;
			continue;
		}
		if (cp >= 'A' && cp <= 'Z')
			cp += 32;
		bool keep = (cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') || (cp >= 0x80 && !slug_gap(cp));
		if (keep) {
			size_t need = k + (gap && out->len > start);
			if (out->len - start + need > max)
				break;
			if (gap && out->len > start)
				nc_buf_putc(out, '-');
			if (k == 1)
				nc_buf_putc(out, (char)cp);
			else
				nc_buf_put(out, (const char *)p + i, k);
			gap = false;
		} else {
			gap = true;
		}
		i += k;
	}
	return out->oom ? NC_ERR_NOMEM : NC_OK;
}

int nc_safe_name(struct nc_buf *out, const char *s, size_t n, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t start = out->len;
	for (size_t i = 0; i < n;) {
		unsigned cp = p[i];
		size_t k = cp < 0x80 ? 1 : nc_utf8_decode(p + i, n - i, &cp);
		if (out->len - start + (k > 1 ? k : 1) > max)
			break;
		if (k > 1 && !slug_gap(cp))
			nc_buf_put(out, s + i, k);
		else if (k == 1 && cp == '.' && out->len == start)
			; /* no leading dot */
		else if (k == 1 && ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
				    (cp >= '0' && cp <= '9') || (cp && strchr("-_.+,=@~", (int)cp))))
			nc_buf_putc(out, (char)cp);
		else
			nc_buf_putc(out, '_');
		i += k ? k : 1;
	}
	return out->oom ? NC_ERR_NOMEM : NC_OK;
}
