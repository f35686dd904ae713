/*
 * version: port-acm's version and each library's, from the libraries
 * themselves (so a wrong link shows) and from the pins they were built
 * from (the Debian revision, which no library knows).
 */
#include "base/version.h"

#include <ares.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <expat.h>
#include <mbedtls/version.h>

#include "port_acm_deps.h"

int
version_print(FILE *f)
{
	const curl_version_info_data *cv = curl_version_info(CURLVERSION_NOW);
	XML_Expat_Version xv = XML_ExpatVersionInfo();
	char mbed[18];

	mbedtls_version_get_string(mbed);
	if (fprintf(f, "port-acm %s\n", PORT_ACM_VERSION) < 0 ||
	    fprintf(f, "curl %s (Debian %s)\n", cv->version,
	        PORT_ACM_DEB_CURL) < 0 ||
	    fprintf(f, "Mbed TLS %s (Debian %s)\n", mbed,
	        PORT_ACM_DEB_MBEDTLS) < 0 ||
	    fprintf(f, "cJSON %s (Debian %s)\n", cJSON_Version(),
	        PORT_ACM_DEB_CJSON) < 0 ||
	    fprintf(f, "expat %d.%d.%d (Debian %s)\n", xv.major, xv.minor,
	        xv.micro, PORT_ACM_DEB_EXPAT) < 0 ||
	    fprintf(f, "c-ares %s (Debian %s)\n", ares_version(NULL),
	        PORT_ACM_DEB_CARES) < 0)
		return -1;
	return fflush(f) == 0 ? 0 : -1;
}
