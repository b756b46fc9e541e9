/* libxml2 for Swift. xmlversion.h first, then LIBXML_ICU_ENABLED undefined: Debian builds
   libxml2 with ICU, and its ICU headers clash with Foundation's own copy of ICU. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlsave.h>
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlmemory.h>

/* xmlFree is a global function pointer, which Swift 6 treats as shared mutable state. */
static inline void portreport_xmlFree(void *pointer) { xmlFree(pointer); }
