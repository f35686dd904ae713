#include "ops/acm_list.h"

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
