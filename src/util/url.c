/* url.c - URL resolution (RFC 3986 section 5) through libxml2's
 * xmlBuildURI, with the rules articles need on top: protocol-relative
 * references become https, and references libxml2 cannot parse (spaces,
 * raw non-ASCII) are kept as written rather than lost.  ASCII control
 * characters are removed everywhere (as the WHATWG URL parser removes
 * tab and newline): a URL from the input may end up in a request header
 * (Referer), and a CR/LF there would start a header of its own. */
#include "url.h"
#include "text.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/uri.h>

static char *dup_trimmed(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	char *p = malloc(n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

static bool is_control(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/* is_control's bytes but NUL, for strcspn. */
#define CONTROLS "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f" \
	"\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f"

void nc_url_strip_controls(char *s)
{
	if (!s)
		return;
	/* Most URLs have none: look before rewriting (a data: URL can be
	 * hundreds of kilobytes). */
	char *w = s + strcspn(s, CONTROLS);
	if (!*w)
		return;
	for (const char *r = w; *r; r++)
		if (!is_control((unsigned char)*r))
			*w++ = *r;
	*w = '\0';
}

bool nc_url_is_blank(const char *s)
{
	if (!s)
		return true;
	for (; *s; s++)
		if (*s != ' ' && !is_control((unsigned char)*s))
			return false;
	return true;
}

bool nc_url_is_absolute(const char *url)
{
	if (!url || !isalpha((unsigned char)url[0]))
		return false;
	const char *p = url + 1;
	while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
		p++;
	return *p == ':';
}

bool nc_url_is_http(const char *url)
{
	return url && (strncasecmp(url, "http://", 7) == 0 ||
		       strncasecmp(url, "https://", 8) == 0);
}

/* Length of the valid UTF-8 sequence at p, or 0 (text.c's strict
 * check: no overlong forms, surrogates or bytes F5-FF; fuzz finding
 * url-host-pct-fe-lead, where FE passed as a 3-byte lead). */
static size_t utf8_len(const unsigned char *p)
{
	return p[0] < 0x80 ? 1 : nc_utf8_valid_seq(p, strnlen((const char *)p, 4));
}

/* libxml2 decodes %XX in a base URL's host while resolving: bytes that
 * are not UTF-8 any more are encoded back (fuzz finding
 * url-host-pct-decoded-utf8), so a URL is always valid text. */
static char *reencode_invalid(char *s)
{
	size_t bad = 0;
	for (const unsigned char *p = (unsigned char *)s; *p; ) {
		size_t n = utf8_len(p);
		bad += n == 0;
		p += n ? n : 1;
	}
	if (!bad)
		return s;
	char *out = malloc(strlen(s) + 2 * bad + 1), *o = out;
	if (!out) {
		free(s);
		return NULL;
	}
	for (const unsigned char *p = (unsigned char *)s; *p; ) {
		size_t n = utf8_len(p);
		if (n) {
			memcpy(o, p, n);
			o += n;
			p += n;
		} else {
			o += sprintf(o, "%%%02X", *p++);
		}
	}
	*o = '\0';
	free(s);
	return out;
}

/* s with bytes above 0x7F and blanks as %XX; NULL on OOM. */
static char *percent_encode_iri(const char *s)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		n += *p >= 0x80 || *p == ' ' ? 3 : 1;
	char *out = malloc(n + 1), *o = out;
	if (!out)
		return NULL;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p >= 0x80 || *p == ' ')
			o += sprintf(o, "%%%02X", *p);
		else
			*o++ = (char)*p;
	}
	*o = '\0';
	return out;
}

char *nc_url_resolve(const char *base, const char *ref)
{
	if (!ref)
		return NULL;
	if (nc_url_is_blank(ref))
		return NULL;
	/* Controls first, then blanks: a blank left at an end once a
	 * control is gone would make a second resolution differ (fuzz
	 * finding url-not-idempotent). */
	char *raw = strdup(ref);
	if (!raw)
		return NULL;
	nc_url_strip_controls(raw);
	char *r = dup_trimmed(raw);
	free(raw);
	if (!r || !*r) {
		free(r);
		return NULL;
	}
	if (r[0] == '/' && r[1] == '/') {
		/* Protocol-relative: the page's scheme is unknown offline,
		 * and https is what every site serves today. */
		char *abs = malloc(strlen(r) + 7);
		if (abs) {
			memcpy(abs, "https:", 6);
			strcpy(abs + 6, r);
		}
		free(r);
		return abs;
	}
	if (nc_url_is_absolute(r) || !base || !nc_url_is_absolute(base))
		return r;
	xmlChar *built = xmlBuildURI((const xmlChar *)r, (const xmlChar *)base);
	if (!built) {
		/* libxml2 refuses a reference that is an IRI (href="café.html")
		 * or holds a blank: those bytes percent-encoded (RFC 3987 3.1)
		 * make it a URI reference it resolves. */
		char *enc = percent_encode_iri(r);
		if (!enc)
			return r;
		built = xmlBuildURI((const xmlChar *)enc, (const xmlChar *)base);
		free(enc);
		if (!built)
			return r;
	}
	char *out = strdup((const char *)built);
	xmlFree(built);
	if (!out)
		return r;
	free(r);
	nc_url_strip_controls(out); /* the base may have carried some */
	return reencode_invalid(out);
}

char *nc_url_host(const char *url)
{
	if (!nc_url_is_absolute(url))
		return NULL;
	const char *p = strstr(url, "://");
	if (!p)
		return NULL;
	p += 3;
	const char *at = NULL;
	const char *end = p + strcspn(p, "/?#");
	for (const char *q = p; q < end; q++)
		if (*q == '@')
			at = q;
	if (at)
		p = at + 1;
	const char *host_end = p;
	if (*p == '[') {
		const char *rb = memchr(p, ']', (size_t)(end - p));
		host_end = rb ? rb + 1 : end;
	} else {
		while (host_end < end && *host_end != ':')
			host_end++;
	}
	size_t n = (size_t)(host_end - p);
	char *h = malloc(n + 1);
	if (!h)
		return NULL;
	for (size_t i = 0; i < n; i++)
		h[i] = (char)tolower((unsigned char)p[i]);
	h[n] = '\0';
	return h;
}
