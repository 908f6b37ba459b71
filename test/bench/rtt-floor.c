/*
 * rtt-floor: the loopback round trip of a QD1 4 KiB read with no storage and no SCSI in it, for
 * `npm run bench` (issue 13): a 48-byte request (one iSCSI BHS) answered by a 4,144-byte reply
 * (a Data-In BHS and 4 KiB), one at a time over 127.0.0.1 with TCP_NODELAY, as the QD1 case does.
 *
 *   rtt-floor serve          accept one connection on an OS-chosen port (printed first), answer
 *   rtt-floor ping PORT N    N round trips; prints {"p50_us":..,"p99_us":..}
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define REQUEST 48
#define REPLY (48 + 4096)

static double now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static int read_full(int fd, char *buf, int len) {
  for (int got = 0; got < len;) {
    ssize_t r = read(fd, buf + got, len - got);
    if (r <= 0) return -1;
    got += r;
  }
  return 0;
}

static int serve(void) {
  int one = 1, l = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET};
  socklen_t len = sizeof a;
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  if (bind(l, (void *)&a, sizeof a) || listen(l, 1) || getsockname(l, (void *)&a, &len)) {
    perror("rtt-floor serve");
    return 1;
  }
  printf("%d\n", ntohs(a.sin_port));
  fflush(stdout);
  int s = accept(l, 0, 0);
  setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  static char req[REQUEST], reply[REPLY];
  struct iovec iov[2] = {{reply, 48}, {reply + 48, REPLY - 48}};
  while (read_full(s, req, REQUEST) == 0)
    if (writev(s, iov, 2) != REPLY) break;
  return 0;
}

static int ping(int port, int n) {
  int one = 1, s = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(s, (void *)&a, sizeof a)) {
    perror("rtt-floor ping");
    return 1;
  }
  static char req[REQUEST], reply[REPLY];
  double *lat = malloc(n * sizeof *lat);
  for (int i = 0; i < n; i++) {
    double t = now_us();
    if (write(s, req, REQUEST) != REQUEST || read_full(s, reply, REPLY)) {
      fprintf(stderr, "rtt-floor ping: connection lost\n");
      return 1;
    }
    lat[i] = now_us() - t;
  }
  qsort(lat, n, sizeof *lat, cmp);
  printf("{\"p50_us\":%.1f,\"p99_us\":%.1f}\n", lat[n / 2], lat[n * 99 / 100]);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 2 && !strcmp(argv[1], "serve")) return serve();
  if (argc == 4 && !strcmp(argv[1], "ping")) return ping(atoi(argv[2]), atoi(argv[3]));
  fprintf(stderr, "usage: rtt-floor serve | rtt-floor ping PORT N\n");
  return 2;
}
