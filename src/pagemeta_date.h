/* pagemeta_date.h - a date written out at the end of a byline
 * ("Nathan Willis March 25, 2015"), for pagemeta.c. */
#ifndef NC_PAGEMETA_DATE_H
#define NC_PAGEMETA_DATE_H

#include <stddef.h>

/* The length of s without a written-out date at its end ("March 25,
 * 2015", "JAN. 13, 2017 3:46 PM ET", "22 Dec 2016", "1 mars 2019 à
 * 15:20") and the words that announce it ("Updated", "Published",
 * "on", "|"); strlen(s) when there is none.  s is squashed text. */
size_t nc_byline_date_cut(const char *s);

#endif
