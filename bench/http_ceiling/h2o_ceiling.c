// The same bare server as ceiling_server.cc on H2O's library (libh2o-evloop 2.2, Debian's
// libh2o-evloop-dev), to compare the two libraries the issue named before building on one:
// HTTP/1.1 keep-alive, N threads each with its own event loop and its own listening socket on
// the port (SO_REUSEPORT, the kernel spreads connections), TCP_NODELAY (h2o sets it), and the same
// fixed 116-byte JSON answer to any GET. No routing, authentication, timeouts or logging.
//
// Usage: h2o_ceiling [--port N] [--threads N]; prints "h2o ceiling listening on http://..." once
// every thread listens. SIGINT or SIGTERM ends it.
#define H2O_USE_LIBUV 0
#include <h2o.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char kBody[] =
    "{\"is_superuser\":true,\"tenant_id\":\"00000000-0000-0000-0000-000000000000\",\"user_id\":1,"
    "\"username\":\"admin\",\"valid\":true}";

static h2o_globalconf_t config;

struct worker {
  pthread_t thread;
  int listen_fd;
  h2o_context_t context;
  h2o_accept_ctx_t accept;
};

static int on_request(h2o_handler_t* self, h2o_req_t* req) {
  (void)self;
  if (!h2o_memis(req->method.base, req->method.len, H2O_STRLIT("GET"))) return -1;  // h2o answers 404
  req->res.status = 200;
  req->res.reason = "OK";
  req->res.content_length = sizeof(kBody) - 1;  // as Beast's, rather than a chunked body
  h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE, NULL, H2O_STRLIT("application/json"));
  h2o_send_inline(req, kBody, sizeof(kBody) - 1);
  return 0;
}

static void on_accept(h2o_socket_t* listener, const char* err) {
  if (err != NULL) return;
  h2o_socket_t* sock = h2o_evloop_socket_accept(listener);
  if (sock != NULL) h2o_accept(listener->data, sock);
}

// A listening socket on 127.0.0.1:port with SO_REUSEPORT, so that each thread has its own.
static int listen_on(unsigned short port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  int on = 1;
  if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0 ||
      setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) != 0) {
    perror("socket");
    exit(1);
  }
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  if (bind(fd, (struct sockaddr*)&addr, sizeof addr) != 0 || listen(fd, 4096) != 0) {  // dataml's backlog
    perror("bind/listen");
    exit(1);
  }
  return fd;
}

static void* run(void* arg) {
  struct worker* w = arg;
  h2o_context_init(&w->context, h2o_evloop_create(), &config);
  w->accept.ctx = &w->context;
  w->accept.hosts = config.hosts;
  h2o_socket_t* sock = h2o_evloop_socket_create(w->context.loop, w->listen_fd, H2O_SOCKET_FLAG_DONT_READ);
  sock->data = &w->accept;
  h2o_socket_read_start(sock, on_accept);
  // h2o_evloop_run returns -1 when epoll_wait is interrupted, as it is when run.sh freezes the
  // server (SIGSTOP) and thaws it: keep running.
  for (;;) h2o_evloop_run(w->context.loop, INT32_MAX);
  return NULL;
}

int main(int argc, char** argv) {
  unsigned short port = 0;
  int threads = 2;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--port") == 0) {
      port = (unsigned short)atoi(argv[i + 1]);
    } else if (strcmp(argv[i], "--threads") == 0) {
      threads = atoi(argv[i + 1]) > 0 ? atoi(argv[i + 1]) : 1;
    } else {
      fprintf(stderr, "usage: %s [--port N] [--threads N]\n", argv[0]);
      return 2;
    }
  }
  signal(SIGPIPE, SIG_IGN);

  h2o_config_init(&config);
  h2o_hostconf_t* host = h2o_config_register_host(&config, h2o_iovec_init(H2O_STRLIT("default")), 65535);
  h2o_pathconf_t* path = h2o_config_register_path(host, "/", 0);
  h2o_handler_t* handler = h2o_create_handler(path, sizeof(*handler));
  handler->on_req = on_request;

  struct worker* workers = calloc((size_t)threads, sizeof(struct worker));
  workers[0].listen_fd = listen_on(port);
  struct sockaddr_in bound;
  socklen_t len = sizeof bound;
  getsockname(workers[0].listen_fd, (struct sockaddr*)&bound, &len);
  port = ntohs(bound.sin_port);
  for (int i = 1; i < threads; ++i) workers[i].listen_fd = listen_on(port);
  for (int i = 0; i < threads; ++i) pthread_create(&workers[i].thread, NULL, run, &workers[i]);

  printf("h2o ceiling listening on http://127.0.0.1:%u (%d threads)\n", port, threads);
  fflush(stdout);
  for (int i = 0; i < threads; ++i) pthread_join(workers[i].thread, NULL);
  return 0;
}
