/* read_md_detect.h - what read_md.c shares with its detection half
 * (read_md_detect.c), which the newsconv program keeps when read_md.c
 * is a module. */
#ifndef NC_READ_MD_DETECT_H
#define NC_READ_MD_DETECT_H

#include <stddef.h>

#include "newsconv.h"

/* The reader's detect(): 0, 1 or 2 (see struct nc_reader). */
int nc_md_detect(const unsigned char *data, size_t len);

/* Length of the line at p (without "\n" or "\r\n"); *next: the line after. */
size_t nc_md_line_len(const char *p, const char *end, const char **next);

enum nc_md_fm { NC_MD_FM_NONE, NC_MD_FM_YAML, NC_MD_FM_TOML, NC_MD_FM_JSON, NC_MD_FM_HEXO_BARE };

/* Where the front matter of `t` ends (the body offset), and its style.
 * NC_MD_FM_HEXO_BARE: Hexo's form without the opening "---", plain
 * `key: value` / list lines up to a "---" line. */
enum nc_md_fm nc_md_split_fm(const char *t, size_t len, size_t *fm_start,
			     size_t *fm_end, size_t *body);

#endif
