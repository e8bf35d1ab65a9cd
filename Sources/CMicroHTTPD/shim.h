#ifndef CLEARLINE_CMHD_SHIM_H
#define CLEARLINE_CMHD_SHIM_H
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <microhttpd.h>

/* Why: MHD's own unescaping turns %00 into a NUL that ends the C string, so
   /v1/tenants/T%00/x/y was served as /v1/tenants/T. This one decodes %XX as MHD does but keeps
   %00 as the three characters it is, which no route matches. In place, never longer. */
static inline size_t cmhd_unescape_keeping_nul(void *cls, struct MHD_Connection *c, char *s) {
  (void)cls; (void)c;
  char *read = s, *write = s;
  while (*read) {
    if (read[0] == '%' && read[1] && read[2]) {
      char hex[3] = {read[1], read[2], 0};
      char *end = NULL;
      unsigned long value = strtoul(hex, &end, 16);
      if (end == hex + 2 && value != 0) {
        *write++ = (char)value;
        read += 3;
        continue;
      }
    }
    *write++ = *read++;
  }
  *write = 0;
  return (size_t)(write - s);
}

/* Why: MHD_start_daemon is variadic, which Swift cannot call. One fixed configuration:
   internal polling thread + epoll + a thread pool; suspend/resume so blocking work runs on
   our own executor threads; ITC (implied by suspend/resume) so MHD_quiesce_daemon works. */
static inline struct MHD_Daemon *cmhd_start(const char *host, uint16_t port, unsigned int threads,
                                            unsigned int timeout_seconds, size_t memory_limit,
                                            unsigned int per_client_limit,
                                            MHD_AccessHandlerCallback handler,
                                            MHD_RequestCompletedCallback completed,
                                            MHD_NotifyConnectionCallback notify, void *cls) {
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) return NULL;
  return MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME,
                          port, NULL, NULL, handler, cls,
                          MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
                          MHD_OPTION_THREAD_POOL_SIZE, threads,
                          MHD_OPTION_NOTIFY_COMPLETED, completed, cls,
                          MHD_OPTION_NOTIFY_CONNECTION, notify, cls,
                          MHD_OPTION_CONNECTION_LIMIT, (unsigned int)4000,
                          MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_client_limit,
                          MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int)1024,
                          MHD_OPTION_CONNECTION_TIMEOUT, timeout_seconds,
                          MHD_OPTION_CONNECTION_MEMORY_LIMIT, memory_limit,
                          MHD_OPTION_UNESCAPE_CALLBACK, cmhd_unescape_keeping_nul, NULL,
                          MHD_OPTION_END);
}

/* Why: MHD_get_daemon_info is variadic; the bound port is needed when listening on port 0. */
static inline uint16_t cmhd_bound_port(struct MHD_Daemon *d) {
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
  return info ? info->port : 0;
}

/* Why: MHD_get_connection_info is variadic; the socket, which the header deadline shuts down. */
static inline int cmhd_connection_fd(struct MHD_Connection *c) {
  const union MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
  return info ? (int)info->connect_fd : -1;
}

/* Why: MHD_get_connection_info is variadic; the per-connection pointer set when it started. */
static inline void *cmhd_socket_context(struct MHD_Connection *c) {
  const union MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
  return info ? info->socket_context : NULL;
}

/* Why: MHD_get_connection_info is variadic; the bytes of the request's head as received
   (request line, header lines and the empty line), which HiddenHeaderBytes reads. */
static inline size_t cmhd_request_header_size(struct MHD_Connection *c) {
  const union MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
  return info ? info->header_size : 0;
}

/* Why: MHD_get_connection_info is variadic; the client's IPv4 address in network order, for Swift
   to write (glibc's inet_ntop formats it through sprintf: 1,800 instructions of every request,
   callgrind). 1 when the client is IPv4, else 0. */
static inline int cmhd_client_ipv4(struct MHD_Connection *c, uint32_t *address) {
  const union MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (!info || !info->client_addr || info->client_addr->sa_family != AF_INET) return 0;
  *address = ((const struct sockaddr_in *)info->client_addr)->sin_addr.s_addr;
  return 1;
}

/* Why: MHD_get_connection_info is variadic; returns the peer IPv4/IPv6 address as text. */
static inline int cmhd_client_address(struct MHD_Connection *c, char *out, size_t len) {
  const union MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (!info || !info->client_addr) return 0;
  const struct sockaddr *sa = info->client_addr;
  if (sa->sa_family == AF_INET)
    return inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)len) != NULL;
  if (sa->sa_family == AF_INET6)
    return inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, (socklen_t)len) != NULL;
  return 0;
}
#endif
