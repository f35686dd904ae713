#include "creds/creds_identity.h"

#include <string.h>

#include "aws/sts.h"
#include "base/buf.h"
#include "creds/creds_source.h"

int
creds_caller_identity(struct creds *c, const struct creds_env *env,
    char account[13], char *why, size_t whylen)
{
	struct aws_error e;
	struct sts *sts;
	char url[2048], region[64], err[512], arn[2048];
	int rc;

	if (creds_sts_endpoint(env, url, sizeof(url), region, sizeof(region),
	        why, whylen) != 0)
		return -1;
	if ((sts = sts_new(env->http,
	         &(struct sts_config){url, region, creds_provider(c),
	             env->ca_file, env->ca_setting, env->max_attempts,
	             env->clock},
	         err, sizeof(err))) == NULL) {
		str_printf(why, whylen, "the STS endpoint %s is not usable: %s",
		    url, err);
		return -1;
	}
	rc = sts_get_caller_identity(sts, account, arn, sizeof(arn), &e);
	sts_free(sts);
	if (rc != 0) {
		str_printf(why, whylen,
		    "STS GetCallerIdentity failed (%s): %s. sync needs it to "
		    "learn the run's own account",
		    e.type[0] ? e.type : "error", e.message);
		return -1;
	}
	return 0;
}
