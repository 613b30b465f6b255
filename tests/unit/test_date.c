/* Dates in every form the corpus uses, and the ones that must fail. */
#include "check.h"
#include "util/date.h"

static const char *iso(const char *s)
{
	static char out[21];
	int64_t t;
	if (nc_date_parse(s, &t) != 0)
		return "(fail)";
	nc_date_iso(t, out);
	return out;
}

int main(void)
{
	CHECK_STR(iso("Fri, 29 Jul 2022 04:55:15 GMT"), "2022-07-29T04:55:15Z");
	CHECK_STR(iso("Mon, 7 Dec 2020 16:50:19 +0800"), "2020-12-07T08:50:19Z");
	CHECK_STR(iso("Tue, 01 Mar 2022 10:00:00 -0500"), "2022-03-01T15:00:00Z");
	CHECK_STR(iso("29 Jul 2022 04:55 UTC"), "2022-07-29T04:55:00Z");
	CHECK_STR(iso("Sun, 06 Nov 1994 08:49:37 PST"), "1994-11-06T16:49:37Z");
	CHECK_STR(iso("2021-04-11 00:30:33"), "2021-04-11T00:30:33Z");
	CHECK_STR(iso("2021-04-11T00:30:33Z"), "2021-04-11T00:30:33Z");
	CHECK_STR(iso("2021-04-11T00:30:33+08:00"), "2021-04-10T16:30:33Z");
	CHECK_STR(iso("2021-04-11T00:30:33.123456-02:30"), "2021-04-11T03:00:33Z");
	CHECK_STR(iso("2021-04-11"), "2021-04-11T00:00:00Z");
	CHECK_STR(iso("2021/4/1 9:05:00"), "2021-04-01T09:05:00Z");
	CHECK_STR(iso("2020-02-29 12:00:00"), "2020-02-29T12:00:00Z");
	CHECK_STR(iso("1969-12-31T23:59:59Z"), "1969-12-31T23:59:59Z");
	/* localised RFC 822 names (issue 19: 29 real feeds, 28 right) */
	CHECK_STR(iso("Seg, 24 Set 2018 19:42:40 -0300"), "2018-09-24T22:42:40Z");     /* pt */
	CHECK_STR(iso("S\xc3\xa1" "b, 06 Out 2018 08:00:00 -0300"), "2018-10-06T11:00:00Z"); /* pt */
	CHECK_STR(iso("Qui, 01 Fev 2018 10:00:00 +0000"), "2018-02-01T10:00:00Z");     /* pt */
	CHECK_STR(iso("Dom, 09 Dez 2018 10:00:00 GMT"), "2018-12-09T10:00:00Z");       /* pt */
	CHECK_STR(iso("mi\xc3\xa9, 05 dic 2018 10:00:00 +0100"), "2018-12-05T09:00:00Z"); /* es */
	CHECK_STR(iso("lun, 01 ene 2018 00:00:00 GMT"), "2018-01-01T00:00:00Z");       /* es */
	CHECK_STR(iso("s\xc3\xa1" "b, 05 may 2018 00:00:00 GMT"), "2018-05-05T00:00:00Z"); /* es */
	CHECK_STR(iso("lun., 24 sept. 2018 19:42:40 +0200"), "2018-09-24T17:42:40Z");  /* fr */
	CHECK_STR(iso("jeu., 16 ao\xc3\xbbt 2018 12:00:00 GMT"), "2018-08-16T12:00:00Z"); /* fr */
	CHECK_STR(iso("mer., 12 d\xc3\xa9" "c. 2018 12:00:00 GMT"), "2018-12-12T12:00:00Z"); /* fr */
	CHECK_STR(iso("ven., 08 f\xc3\xa9vr. 2019 12:00:00 GMT"), "2019-02-08T12:00:00Z"); /* fr */
	CHECK_STR(iso("sam., 07 juil. 2018 12:00:00 GMT"), "2018-07-07T12:00:00Z");    /* fr */
	CHECK_STR(iso("dim., 03 juin 2018 12:00:00 GMT"), "2018-06-03T12:00:00Z");     /* fr */
	CHECK_STR(iso("Mo, 24 Sep 2018 19:42:40 +0200"), "2018-09-24T17:42:40Z");      /* de */
	CHECK_STR(iso("Di, 06 M\xc3\xa4r 2018 10:00:00 +0100"), "2018-03-06T09:00:00Z"); /* de */
	CHECK_STR(iso("Mi, 03 Okt 2018 10:00:00 +0200"), "2018-10-03T08:00:00Z");      /* de */
	CHECK_STR(iso("Mi., 24. Okt. 2018 10:00:00 +0200"), "2018-10-24T08:00:00Z");   /* de */
	CHECK_STR(iso("lun, 14 gen 2019 10:00:00 +0100"), "2019-01-14T09:00:00Z");     /* it */
	CHECK_STR(iso("gio, 06 giu 2019 10:00:00 +0200"), "2019-06-06T08:00:00Z");     /* it */
	CHECK_STR(iso("ven, 19 lug 2019 10:00:00 +0200"), "2019-07-19T08:00:00Z");     /* it */
	CHECK_STR(iso("mar, 08 ott 2019 10:00:00 +0200"), "2019-10-08T08:00:00Z");     /* it */
	CHECK_STR(iso("ma, 04 mrt 2019 10:00:00 +0100"), "2019-03-04T09:00:00Z");      /* nl */
	CHECK_STR(iso("wo, 15 mei 2019 10:00:00 +0200"), "2019-05-15T08:00:00Z");      /* nl */
	CHECK_STR(iso("za, 05 okt 2019 10:00:00 +0200"), "2019-10-05T08:00:00Z");      /* nl */
	CHECK_STR(iso("Seg, 31 Set 2018 19:42:40 -0300"), "(fail)"); /* 31 September */
	CHECK_STR(iso("Seg, 24 Sxt 2018 19:42:40 -0300"), "(fail)");
	CHECK_STR(iso("Invalid Date"), "(fail)");
	CHECK_STR(iso(""), "(fail)");
	CHECK_STR(iso("   "), "(fail)");
	CHECK_STR(iso("2021-02-29 00:00:00"), "(fail)");
	CHECK_STR(iso("2021-13-01"), "(fail)");
	CHECK_STR(iso("2021-04-11 25:00:00"), "(fail)");
	CHECK_STR(iso("Fri, 32 Jul 2022 04:55:15 GMT"), "(fail)");
	CHECK_STR(iso("Fri, 29 Jly 2022 04:55:15 GMT"), "(fail)");
	CHECK_STR(iso("2021-04-11 00:30:33 nonsense"), "(fail)");
	char d14[15];
	nc_date_14(1659070515, d14);
	CHECK_STR(d14, "20220729045515");
	return check_done("date");
}
