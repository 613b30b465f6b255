/* extract_credit.h - where a caption's trailing photo credit begins
 * (extract_credit.c states what a credit is). */
#ifndef NC_EXTRACT_CREDIT_H
#define NC_EXTRACT_CREDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <libxml/tree.h>

/* True when the text of `cap` (a caption element) ends in a credit; it
 * begins in text node *node at byte *off (0 and the caption's first
 * text node: the caption is all credit).  Reads the caption's subtree
 * once and changes nothing. */
bool nc_credit_start(const xmlNode *cap, xmlNode **node, size_t *off);

#endif
