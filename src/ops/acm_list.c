#include "ops/acm_list.h"

#include <string.h>

cJSON *
acm_list_params(const char *next)
{
	static const char *const keys[] = {"RSA_1024", "RSA_2048", "RSA_3072",
	    "RSA_4096", "EC_prime256v1", "EC_secp384r1", "EC_secp521r1"};
	static const char *const origins[] = {
	    "AWS_MANAGED", "ACME", "CUSTOMER_PROVIDED"};
	cJSON *p = cJSON_CreateObject(), *inc;

	if (p == NULL ||
	    (inc = cJSON_AddObjectToObject(p, "Includes")) == NULL ||
	    !cJSON_AddItemToObject(inc, "keyTypes",
	        cJSON_CreateStringArray(
	            keys, sizeof(keys) / sizeof(keys[0]))) ||
	    !cJSON_AddItemToObject(p, "CertificateKeyPairOrigins",
	        cJSON_CreateStringArray(
	            origins, sizeof(origins) / sizeof(origins[0]))) ||
	    !cJSON_AddNumberToObject(p, "MaxItems", 1000) ||
	    (next && next[0] &&
	        !cJSON_AddStringToObject(p, "NextToken", next))) {
		cJSON_Delete(p);
		return NULL;
	}
	return p;
}

int
acm_list_page(const cJSON *resp, const char *where, unsigned long page,
    const cJSON **list, struct buf *next, char *why, size_t whylen)
{
	const cJSON *t;

	*list =
	    cJSON_GetObjectItemCaseSensitive(resp, "CertificateSummaryList");
	buf_reset(next);
	if (!cJSON_IsArray(*list)) {
		*list = NULL;
		str_printf(why, whylen,
		    "ACM answered ListCertificates in %s (page %lu) without a "
		    "CertificateSummaryList, so the listing is incomplete; "
		    "run the sync again, and if it persists, check what sits "
		    "between the runner and ACM (a proxy, a custom endpoint)",
		    where, page);
		return -1;
	}
	t = cJSON_GetObjectItemCaseSensitive(resp, "NextToken");
	if (cJSON_IsString(t) && t->valuestring[0] &&
	    buf_puts(next, t->valuestring) != 0) {
		str_copy(why, whylen, "out of memory");
		return -1;
	}
	return 0;
}

int
acm_list_summary(const cJSON *sum, const char *region, const char *account,
    struct arn *a, char *why, size_t whylen)
{
	const cJSON *v =
	    cJSON_GetObjectItemCaseSensitive(sum, "CertificateArn");

	if (validate_certificate_arn("CertificateArn",
	        cJSON_IsString(v) ? v->valuestring : "", a, why, whylen) != 0)
		return -1;
	/* Validated above: the ARN is safe to name. */
	if (strcmp(a->region, region) != 0)
		str_printf(why, whylen, "CertificateArn %s is of region %s",
		    v->valuestring, a->region);
	else if (account != NULL && account[0] &&
	         strcmp(a->account, account) != 0)
		str_printf(why, whylen, "CertificateArn %s is of account %s",
		    v->valuestring, a->account);
	else
		return 0;
	return -1;
}
