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
