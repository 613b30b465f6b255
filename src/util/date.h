/* date.h - the date forms articles use, normalised to UTC. */
#ifndef NC_UTIL_DATE_H
#define NC_UTIL_DATE_H

#include <stdint.h>

/* Parse RFC 822 / RFC 1123 ("Fri, 29 Jul 2022 04:55:15 GMT"), ISO 8601
 * with or without zone ("2021-04-11T00:30:33+08:00", "...Z"), the Hexo
 * form "2021-04-11 00:30:33" and a bare "2021-04-11".  A time without
 * zone is taken as UTC.  Returns 0 and sets *epoch, or -1. */
int nc_date_parse(const char *s, int64_t *epoch);

/* "2022-07-29T04:55:15Z" (21 bytes with NUL). */
void nc_date_iso(int64_t epoch, char out[21]);
/* "20220729045515" (15 bytes with NUL), as CDX and WARC-Date fields use. */
void nc_date_14(int64_t epoch, char out[15]);

#endif
