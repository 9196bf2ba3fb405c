/* fetch_curl.c: the URL fetcher module (libcurl), loaded only by `update` */
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#include "importer.h"
#include "portdex.h"

struct sink {
	int (*write)(void *ctx, const void *p, size_t n);
	void *ctx;
	int stopped;
};

static size_t on_data(char *p, size_t size, size_t nmemb, void *userdata)
{
	struct sink *s = userdata;
	size_t n = size * nmemb;

	if (s->write(s->ctx, p, n)) {
		s->stopped = 1;
		return 0; /* makes curl fail with CURLE_WRITE_ERROR */
	}
	return n;
}

/* 1 once the connection was made: a time-out after that is the server's
 * silence, not the connection's */
static int connected(CURL *c)
{
	curl_off_t t = 0;

	return curl_easy_getinfo(c, CURLINFO_CONNECT_TIME_T, &t) == CURLE_OK && t > 0;
}

PD__MODULE_EXPORT const unsigned pd__module_abi = PD__MODULE_ABI;

PD__MODULE_EXPORT
int pd__fetch_url(const char *url, long idle_seconds, int (*write)(void *ctx, const void *p, size_t n),
		  void *ctx, char *err, size_t errlen)
{
	char cerr[CURL_ERROR_SIZE] = "";
	struct sink s = { write, ctx, 0 };
	CURL *c;
	CURLcode rc;
	long status = 0;
	int ret = 0;

	if (curl_global_init(CURL_GLOBAL_DEFAULT))
		return PD_EFETCH;
	c = curl_easy_init();
	if (!c) {
		ret = PD_ENOMEM;
		goto out;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https,file");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
	/* give up when the server sends nothing (not even headers) for
	 * idle_seconds, and when connecting takes longer */
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, idle_seconds < 15 ? idle_seconds : 15L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, idle_seconds);
	curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_USERAGENT, "portdex/0.1");
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (s.stopped) {
		ret = PD_ETOOBIG; /* the writer refused more */
		snprintf(err, errlen, "download stopped: size limit");
	} else if (rc == CURLE_OPERATION_TIMEDOUT && connected(c)) {
		ret = PD_EFETCH;
		snprintf(err, errlen, "the server sent nothing for %ld s", idle_seconds);
	} else if (rc != CURLE_OK) {
		ret = PD_EFETCH;
		snprintf(err, errlen, "%s", *cerr ? cerr : curl_easy_strerror(rc));
	}
out:
	curl_easy_cleanup(c);
	curl_global_cleanup();
	return ret;
}
