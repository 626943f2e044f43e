#ifndef PEERRELAY_CCURLSHIM_H
#define PEERRELAY_CCURLSHIM_H
#include <curl/curl.h>

/// Typed wrappers around the variadic curl_easy_setopt / curl_easy_getinfo, which Swift cannot call.
CURLcode peerrelay_curl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode peerrelay_curl_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode peerrelay_curl_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode peerrelay_curl_setopt_blob(CURL *handle, CURLoption option, const void *data, size_t length);
CURLcode peerrelay_curl_setopt_write_function(CURL *handle, size_t (*fn)(char *, size_t, size_t, void *));
CURLcode peerrelay_curl_setopt_header_function(CURL *handle, size_t (*fn)(char *, size_t, size_t, void *));
CURLcode peerrelay_curl_setopt_read_function(CURL *handle, size_t (*fn)(char *, size_t, size_t, void *));
CURLcode peerrelay_curl_setopt_xferinfo_function(CURL *handle, int (*fn)(void *, curl_off_t, curl_off_t, curl_off_t, curl_off_t));
CURLcode peerrelay_curl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);
CURLcode peerrelay_curl_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode peerrelay_curl_getinfo_double(CURL *handle, CURLINFO info, double *value);
#endif
