/*
 * acm_list: the one ListCertificates request port-acm makes (sync's
 * inventory, delete's search for certificates sharing a record), and
 * the bound on its pages.
 */
#ifndef PORT_ACM_ACM_LIST_H
#define PORT_ACM_ACM_LIST_H

#include <cjson/cJSON.h>

/* Pages of one region's listing before port-acm gives up: ACM's
 * certificate quota is 2,500 per region by default, raised on request;
 * at 1,000 a page this allows a million. */
#define ACM_LIST_MAX_PAGES 1000

/* The parameters of one ListCertificates page: every key type and
 * key-pair origin (ACM hides ECDSA, RSA 3072/4096 and ACME-origin
 * certificates unless asked, aws-acm.md §2.3), MaxItems 1000, and
 * NextToken when next is not NULL or "". NULL on out of memory; the
 * caller frees with cJSON_Delete. */
cJSON *acm_list_params(const char *next);

#endif
