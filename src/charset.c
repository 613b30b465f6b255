/* TEMPORARY placeholder so the tree builds while this part is written. */
#include "newsconv.h"
