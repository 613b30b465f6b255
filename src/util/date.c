/* date.c - parse the date forms seen in articles (RFC 822/1123, also with
 * localised day and month names, ISO 8601,
 * Hexo's "YYYY-MM-DD hh:mm:ss") and print them in UTC.  Calendar
 * arithmetic is done here (days from civil) so results never depend on
 * the process time zone. */
#include "date.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t yy = (int64_t)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yy + (*m <= 2));
}

static int days_in_month(int y, int m)
{
	static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

static bool valid(int y, int mo, int d, int h, int mi, int s)
{
	return y >= 1 && y <= 9999 && mo >= 1 && mo <= 12 && d >= 1 &&
	       d <= days_in_month(y, mo) && h >= 0 && h <= 24 && mi >= 0 &&
	       mi <= 59 && s >= 0 && s <= 60 && !(h == 24 && (mi || s));
}

static int64_t to_epoch(int y, int mo, int d, int h, int mi, int s, int off_min)
{
	if (s == 60)
		s = 59; /* a leap second is kept inside its minute */
	return days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
	       h * 3600 + mi * 60 + s - (int64_t)off_min * 60;
}

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* Reads exactly `n` digits. */
static bool digits(const char **pp, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*pp)[i]))
			return false;
		v = v * 10 + ((*pp)[i] - '0');
	}
	*pp += n;
	*out = v;
	return true;
}

/* Reads 1..max digits. */
static bool number(const char **pp, int max, int *out)
{
	int v = 0, n = 0;
	while (n < max && isdigit((unsigned char)**pp)) {
		v = v * 10 + (**pp - '0');
		(*pp)++;
		n++;
	}
	*out = v;
	return n > 0;
}

/* Zone: Z, UTC, GMT, UT, +hh:mm, +hhmm, +hh, US names; empty = UTC. */
static bool zone(const char *p, int *off)
{
	static const struct { const char *name; int off; } names[] = {
		{"Z", 0}, {"UT", 0}, {"UTC", 0}, {"GMT", 0},
		{"EST", -300}, {"EDT", -240}, {"CST", -360}, {"CDT", -300},
		{"MST", -420}, {"MDT", -360}, {"PST", -480}, {"PDT", -420},
	};
	p = skip_ws(p);
	*off = 0;
	if (!*p)
		return true;
	if (*p == '+' || *p == '-') {
		int sign = *p == '-' ? -1 : 1, h, m = 0;
		p++;
		if (!digits(&p, 2, &h))
			return false;
		if (*p == ':')
			p++;
		if (isdigit((unsigned char)*p) && !digits(&p, 2, &m))
			return false;
		p = skip_ws(p);
		if (*p == '(') /* "+0000 (UTC)" */
			p += strcspn(p, ")") + (strchr(p, ')') ? 1 : 0);
		if (*skip_ws(p) || h > 23 || m > 59)
			return false;
		*off = sign * (h * 60 + m);
		return true;
	}
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		size_t n = strlen(names[i].name);
		if (strncasecmp(p, names[i].name, n) == 0 && !*skip_ws(p + n)) {
			*off = names[i].off;
			return true;
		}
	}
	return false;
}

/* Month names and abbreviations: English, and the Portuguese, Spanish,
 * French, German, Italian and Dutch that localised feeds write in RFC
 * 822 dates ("Seg, 24 Set 2018").  A word matches a stem it begins with
 * ("setembro", "sept.", "März"), compared without ASCII case; no stem
 * begins another of a different month. */
static int month_of(const char *p)
{
	static const struct { const char *stem; int month; } m[] = {
		{"jan", 1}, {"ene", 1}, {"gen", 1},
		{"feb", 2}, {"fev", 2}, {"f\xc3\xa9v", 2},
		{"mar", 3}, {"m\xc3\xa4r", 3}, {"mrz", 3}, {"mrt", 3}, {"maa", 3},
		{"apr", 4}, {"abr", 4}, {"avr", 4},
		{"may", 5}, {"mai", 5}, {"mag", 5}, {"mei", 5},
		{"jun", 6}, {"juin", 6}, {"giu", 6},
		{"jul", 7}, {"juil", 7}, {"lug", 7},
		{"aug", 8}, {"ago", 8}, {"ao\xc3\xbb", 8}, {"aou", 8},
		{"sep", 9}, {"set", 9},
		{"oct", 10}, {"okt", 10}, {"ott", 10}, {"out", 10},
		{"nov", 11},
		{"dec", 12}, {"dez", 12}, {"dic", 12}, {"d\xc3\xa9" "c", 12},
	};
	for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
		if (strncasecmp(p, m[i].stem, strlen(m[i].stem)) == 0)
			return m[i].month;
	return 0;
}

/* A letter of a day or month name: ASCII, or any byte of a UTF-8
 * sequence ("Sáb", "März"). */
static bool name_char(char c)
{
	return isalpha((unsigned char)c) || (unsigned char)c >= 0x80;
}

/* Past a word and its abbreviation dot ("sept.", "lun.", "Mo"). */
static const char *skip_name(const char *p)
{
	while (name_char(*p))
		p++;
	return *p == '.' ? p + 1 : p;
}

/* "Fri, 29 Jul 2022 04:55:15 GMT" (day name optional, seconds optional;
 * day and month names in the languages of month_of()). */
static int parse_rfc822(const char *p, int64_t *epoch)
{
	int d, mo, y, h = 0, mi = 0, s = 0, off;
	p = skip_ws(p);
	if (name_char(*p)) {
		p = skip_name(p);
		if (*p == ',')
			p++;
		p = skip_ws(p);
	}
	if (!number(&p, 2, &d))
		return -1;
	if (*p == '.') /* "24. Sep 2018" */
		p++;
	p = skip_ws(p);
	if (!(mo = month_of(p)))
		return -1;
	p = skip_ws(skip_name(p));
	if (!number(&p, 4, &y))
		return -1;
	if (y < 100)
		y += y < 50 ? 2000 : 1900;
	p = skip_ws(p);
	if (isdigit((unsigned char)*p)) {
		if (!number(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi))
			return -1;
		if (*p == ':' && (p++, !digits(&p, 2, &s)))
			return -1;
	}
	if (!zone(p, &off) || !valid(y, mo, d, h, mi, s))
		return -1;
	*epoch = to_epoch(y, mo, d, h, mi, s, off);
	return 0;
}

/* "2021-04-11", "2021-04-11 00:30:33", "2021-04-11T00:30:33.123+08:00". */
static int parse_iso(const char *p, int64_t *epoch)
{
	int y, mo, d, h = 0, mi = 0, s = 0, off = 0;
	p = skip_ws(p);
	if (!digits(&p, 4, &y) || (*p != '-' && *p != '/'))
		return -1;
	char sep = *p++;
	if (!number(&p, 2, &mo) || *p++ != sep || !number(&p, 2, &d))
		return -1;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		const char *q = skip_ws(p + 1);
		if (isdigit((unsigned char)*q)) {
			p = q;
			if (!number(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi))
				return -1;
			if (*p == ':' && (p++, !digits(&p, 2, &s)))
				return -1;
			if (*p == '.' || *p == ',') {
				p++;
				while (isdigit((unsigned char)*p))
					p++;
			}
		}
	}
	if (!zone(p, &off) || !valid(y, mo, d, h, mi, s))
		return -1;
	*epoch = to_epoch(y, mo, d, h, mi, s, off);
	return 0;
}

int nc_date_parse(const char *s, int64_t *epoch)
{
	if (!s)
		return -1;
	const char *p = skip_ws(s);
	if (!*p)
		return -1;
	int64_t t = 0;
	int rc = isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1]) &&
		 isdigit((unsigned char)p[2]) && isdigit((unsigned char)p[3])
		 ? parse_iso(p, &t) : parse_rfc822(p, &t);
	/* Years 1 to 9999 once 24:00 and the offset are applied, so every
	 * date has a four-digit ISO form that reads back the same (fuzz
	 * finding date-9999-24h: 9999-12-31 24:00:00 is year 10000). */
	if (rc || t < -62135596800LL || t > 253402300799LL)
		return -1;
	*epoch = t;
	return 0;
}

void nc_date_iso(int64_t epoch, char out[21])
{
	int64_t days = epoch >= 0 ? epoch / 86400 : -((-epoch + 86399) / 86400);
	int64_t secs = epoch - days * 86400;
	int y;
	unsigned m, d;
	civil_from_days(days, &y, &m, &d);
	char tmp[64];
	if (y < 0)
		y = 0;
	if (y > 9999)
		y = 9999;
	snprintf(tmp, sizeof tmp, "%04d-%02u-%02uT%02d:%02d:%02dZ", y, m, d,
		 (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
	memcpy(out, tmp, 20);
	out[20] = '\0';
}

void nc_date_14(int64_t epoch, char out[15])
{
	char iso[21];
	nc_date_iso(epoch, iso);
	/* YYYY-MM-DDThh:mm:ssZ -> YYYYMMDDhhmmss */
	const int pick[] = {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18};
	for (int i = 0; i < 14; i++)
		out[i] = iso[pick[i]];
	out[14] = '\0';
}
