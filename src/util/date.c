/* TEMPORARY placeholder so the tree builds while this part is written. */
#include "newsconv.h"
#include "util/date.h"
int nc_date_parse(const char *s, int64_t *epoch) { (void)s; (void)epoch; return -1; }
void nc_date_iso(int64_t epoch, char out[21]) { (void)epoch; out[0] = 0; }
void nc_date_14(int64_t epoch, char out[15]) { (void)epoch; out[0] = 0; }
