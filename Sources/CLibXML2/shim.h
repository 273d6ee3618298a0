#ifndef MODEMMESSAGING_CLIBXML2_SHIM_H
#define MODEMMESSAGING_CLIBXML2_SHIM_H
// libxml2 headers used by the UPnP module (TOOLCHAIN.md §2).
#include <libxml/xmlversion.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlsave.h>

// `xmlFree` is a global function pointer in libxml2; Swift 6 rejects it as non-concurrency-safe
// shared state, so call it through a function.
static inline void cxml_free(void *p) { xmlFree(p); }
#endif
