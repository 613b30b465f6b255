/* frontmatter.h - front matter from other syntaxes into nc_meta through
 * the YAML reader's key mapping (title, date, authors ...). */
#ifndef NC_FRONTMATTER_H
#define NC_FRONTMATTER_H

#include <yaml.h>

#include "newsconv.h"

/* Apply every key of a mapping document (built by hand: TOML in
 * read_md.c) exactly as YAML front matter would be; sets no fm_kind. */
int nc_frontmatter_apply(struct nc_doc *d, yaml_document_t *doc, struct nc_err *err);

#endif
