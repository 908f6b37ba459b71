/*
 * zbc-load: an iSCSI load generator for `npm run bench` (issue #6).
 *
 * It speaks to any iSCSI target through libiscsi's asynchronous API (iscsi_*_task, then
 * iscsi_which_events / poll / iscsi_service), keeping --qd commands in flight, and prints ONE JSON
 * line with throughput, IOPS and p50/p99 latency. Any SCSI error, short transfer or data mismatch
 * ends the run with exit status 1 and a JSON line {"error": ...} on stdout (and text on stderr).
 *
 * Every logical block written is stamped: bytes 0-7 = LBA (little endian), 8-15 = STAMP_MAGIC,
 * the last 8 bytes = LBA again. Reads check all three, so a read of unwritten space or of the
 * wrong LBA fails loudly.
 *
 * Modes:
 *   seqwrite    WRITE(16) of --bs at increasing LBAs over [--offset, --offset+--region), wrapping
 *               (--once: stop after one pass, used to prefill the region before reads)
 *   seqread     READ(16) likewise, verified
 *   randread    READ(16) of --bs at random --bs-aligned offsets in the region, verified
 *   zonedwrite  one write in flight per zone across --qd open sequential zones (ZBC), each zone
 *               written from its start to its capacity with WRITE(16) at the write pointer; a zone
 *               that is not empty is reset (ZBC OUT RESET WRITE POINTER, ZBC-2 5.5) before reuse;
 *               only zones wholly inside the region take part
 *   zonedwrite-ata the same zone pattern through ATA PASS-THROUGH(16) (SAT-4 12.2.2), for a LU
 *               with the SATA interface: WRITE DMA EXT (35h, ACS-4 7.60; PROTOCOL 6 DMA, T_DIR 0,
 *               BYTE_BLOCK 1, T_LENGTH 2: the sector count in COUNT) at the write pointer, and
 *               ZAC MANAGEMENT OUT RESET WRITE POINTER EXT (9Fh/04h, ZAC-2, non-data) before reuse;
 *               the zone list still comes from the SCSI REPORT ZONES (the SATL serves both)
 *   Both zoned modes end, after the clock stops, by reading back the last --bs written in every
 *   zone they wrote (READ(16), verified), so data that landed at the wrong LBA fails the run.
 *   reportzones REPORT ZONES (ZBC IN 95h/00h, ZBC-2 5.2) at QD1: --report full (PARTIAL=0,
 *               allocation length = the whole list) or --report page (PARTIAL=1, one 4 KiB page
 *               from a random zone start); the descriptors are checked for contiguity
 *
 * Each process logs in with its own initiator name (suffix = pid), so several generators run
 * side by side as separate sessions (the bench's multi-session cases) without one login
 * reinstating another's session (RFC 7143 §6.3.5).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <malloc.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>

#define STAMP_MAGIC 0x48434e4542434258ULL /* "XBCBENCH" little endian */
#define INITIATOR_NAME "iqn.2026-11.dev.zbc-target:bench"
#define MAX_QD 256

enum mode { SEQWRITE, SEQREAD, RANDREAD, ZONEDWRITE, REPORTZONES, ZONEDWRITE_ATA };
static const char *const MODE_NAMES[] = {"seqwrite",    "seqread",    "randread",
                                         "zonedwrite",  "reportzones", "zonedwrite-ata"};

struct options {
  const char *url;
  const char *label;
  enum mode mode;
  uint64_t bs;        /* bytes per command */
  int qd;             /* commands in flight */
  double seconds;     /* run time (0 = only --ops / --once bound the run) */
  uint64_t max_ops;   /* 0 = unbounded */
  uint64_t offset;    /* bytes */
  uint64_t region;    /* bytes, 0 = to the end of the LU */
  int once;           /* seqwrite/seqread: one pass over the region */
  int report_full;    /* reportzones: 1 = full report, 0 = one page */
  uint64_t seed;
};

struct zone {
  uint64_t start, length, capacity, wp;
  uint8_t type, cond;
  int busy;    /* owned by a slot */
  int written; /* this run wrote to it */
};

struct slot {
  int index;
  unsigned char *buf;
  struct scsi_iovec iov;
  uint64_t lba;
  uint32_t blocks;
  struct timespec t0;
  int zone;       /* zonedwrite: index into zones[], -1 when none */
  int resetting;  /* zonedwrite: the command in flight is a RESET WRITE POINTER */
  int active;
};

static struct options opt;
static struct iscsi_context *iscsi;
static int lun;
static uint32_t block_size;
static uint64_t capacity_blocks;
static uint64_t region_first, region_blocks, cursor;
static uint64_t rng_state;

static struct slot slots[MAX_QD];
static int in_flight;
static int stop_submitting;
static uint64_t ops_done, bytes_done, resets_done, ops_submitted;
struct latencies {
  double *us;
  size_t len, cap;
};
static struct latencies lat, reset_lat; /* commands measured; RESET WRITE POINTERs apart */
static struct timespec t_start, t_last;

static struct zone *zones;
static size_t zone_count;
static size_t *seq_zone_index; /* indices of sequential zones in zones[] */
static size_t seq_zone_count, next_seq_zone;

static void fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void fail(const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  fprintf(stderr, "zbc-load: %s\n", msg);
  /* JSON string escaping for the few characters that can appear in libiscsi messages */
  printf("{\"label\":\"%s\",\"mode\":\"%s\",\"error\":\"", opt.label ? opt.label : "",
         MODE_NAMES[opt.mode]);
  for (const char *p = msg; *p; p++) {
    if (*p == '"' || *p == '\\') putchar('\\');
    if ((unsigned char)*p < 0x20) continue;
    putchar(*p);
  }
  printf("\"}\n");
  fflush(stdout);
  exit(1);
}

static double seconds_between(const struct timespec *a, const struct timespec *b) {
  return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static uint64_t next_random(void) {
  /* xorshift64*: cheap, and reproducible with --seed */
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 0x2545F4914F6CDD1DULL;
}

static void put_le64(unsigned char *p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = (unsigned char)(v >> (8 * i));
}
static uint64_t get_le64(const unsigned char *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = (v << 8) | p[i];
  return v;
}
static uint64_t get_be64(const unsigned char *p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v = (v << 8) | p[i];
  return v;
}
static uint32_t get_be32(const unsigned char *p) {
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static void stamp(unsigned char *buf, uint64_t lba, uint32_t blocks) {
  for (uint32_t i = 0; i < blocks; i++) {
    unsigned char *b = buf + (size_t)i * block_size;
    put_le64(b, lba + i);
    put_le64(b + 8, STAMP_MAGIC);
    put_le64(b + block_size - 8, lba + i);
  }
}

static void verify(const unsigned char *buf, uint64_t lba, uint32_t blocks) {
  for (uint32_t i = 0; i < blocks; i++) {
    const unsigned char *b = buf + (size_t)i * block_size;
    uint64_t head = get_le64(b), magic = get_le64(b + 8), tail = get_le64(b + block_size - 8);
    if (head != lba + i || magic != STAMP_MAGIC || tail != lba + i)
      fail("data mismatch at LBA %" PRIu64 ": stamp %" PRIu64 "/%016" PRIx64 "/%" PRIu64
           " (was the region written first?)",
           lba + i, head, magic, tail);
  }
}

static void record_latency(struct latencies *l, const struct timespec *t0, const struct timespec *t1) {
  if (l->len == l->cap) {
    l->cap = l->cap ? l->cap * 2 : 65536;
    l->us = realloc(l->us, l->cap * sizeof *l->us);
    if (!l->us) fail("out of memory for latencies");
  }
  l->us[l->len++] = seconds_between(t0, t1) * 1e6;
}

static void check_status(struct scsi_task *task, int status, const char *what, uint64_t lba) {
  if (status == SCSI_STATUS_GOOD) return;
  if (status == SCSI_STATUS_CHECK_CONDITION)
    fail("%s at LBA %" PRIu64 ": CHECK CONDITION sense key 0x%x (%s) ASC/ASCQ 0x%04x (%s)", what,
         lba, task->sense.key, scsi_sense_key_str(task->sense.key), task->sense.ascq,
         scsi_sense_ascq_str(task->sense.ascq));
  fail("%s at LBA %" PRIu64 ": SCSI status 0x%x: %s", what, lba, status, iscsi_get_error(iscsi));
}

static int zoned_mode(void) { return opt.mode == ZONEDWRITE || opt.mode == ZONEDWRITE_ATA; }
static const char *write_name(void) {
  return opt.mode == ZONEDWRITE_ATA ? "ATA WRITE DMA EXT" : "WRITE(16)";
}

/*
 * ATA PASS-THROUGH(16) (SAT-4 12.2.2) with EXTEND=1: the 48-bit LBA and the 16-bit FEATURES and
 * COUNT spread over the CDB, high bytes first in each pair; DEVICE bit 6 = LBA addressing.
 */
static void ata_pass_through_16(unsigned char cdb[16], int protocol, int flags, uint16_t features,
                                uint16_t count, uint64_t lba, unsigned char command) {
  memset(cdb, 0, 16);
  cdb[0] = 0x85;
  cdb[1] = (unsigned char)(protocol << 1 | 1);
  cdb[2] = (unsigned char)flags;
  cdb[3] = (unsigned char)(features >> 8);
  cdb[4] = (unsigned char)features;
  cdb[5] = (unsigned char)(count >> 8);
  cdb[6] = (unsigned char)count;
  cdb[7] = (unsigned char)(lba >> 24);
  cdb[8] = (unsigned char)lba;
  cdb[9] = (unsigned char)(lba >> 32);
  cdb[10] = (unsigned char)(lba >> 8);
  cdb[11] = (unsigned char)(lba >> 40);
  cdb[12] = (unsigned char)(lba >> 16);
  cdb[13] = 0x40;
  cdb[14] = command;
}

#define ATA_PROTOCOL_NON_DATA 3
#define ATA_PROTOCOL_DMA 6
#define ATA_BYTE_BLOCK_COUNT 0x06 /* T_DIR 0 (to the device), BYTE_BLOCK 1, T_LENGTH 2 (COUNT) */
#define ATA_WRITE_DMA_EXT 0x35
#define ZAC_MANAGEMENT_OUT 0x9f
#define ZAC_RESET_WRITE_POINTER 0x04
#define ATA_MAX_SECTORS 65536 /* COUNT 0 means 65,536 (ACS-4 7.60) */

static int time_is_up(void) {
  if (opt.max_ops && ops_submitted >= opt.max_ops) return 1;
  if (opt.seconds > 0) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (seconds_between(&t_start, &now) >= opt.seconds) return 1;
  }
  return 0;
}

static void submit(struct slot *s);

/* ---- block I/O ---- */

static void io_done(struct iscsi_context *ctx, int status, void *command_data, void *private_data) {
  (void)ctx;
  struct scsi_task *task = command_data;
  struct slot *s = private_data;
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  int is_write = opt.mode == SEQWRITE || zoned_mode();
  if (s->resetting) {
    check_status(task, status, "RESET WRITE POINTER", s->lba);
    scsi_free_scsi_task(task);
    record_latency(&reset_lat, &s->t0, &now);
    resets_done++;
    s->resetting = 0;
    zones[s->zone].wp = zones[s->zone].start;
    in_flight--;
    s->active = 0;
    submit(s);
    return;
  }
  const char *what = is_write ? write_name() : "READ(16)";
  check_status(task, status, what, s->lba);
  if (task->residual_status != SCSI_RESIDUAL_NO_RESIDUAL && task->residual != 0)
    fail("%s at LBA %" PRIu64 ": residual %zu bytes (short transfer)", what, s->lba,
         task->residual);
  if (!is_write) verify(s->buf, s->lba, s->blocks);
  scsi_free_scsi_task(task);
  record_latency(&lat, &s->t0, &now);
  t_last = now;
  ops_done++;
  bytes_done += (uint64_t)s->blocks * block_size;
  if (zoned_mode()) {
    zones[s->zone].wp += s->blocks;
    zones[s->zone].written = 1;
  }
  in_flight--;
  s->active = 0;
  submit(s);
}

/* The next zone for a zonedwrite slot: the next sequential zone no other slot holds. */
static int claim_zone(void) {
  for (size_t n = 0; n < seq_zone_count; n++) {
    size_t zi = seq_zone_index[next_seq_zone];
    next_seq_zone = (next_seq_zone + 1) % seq_zone_count;
    if (!zones[zi].busy) {
      zones[zi].busy = 1;
      return (int)zi;
    }
  }
  fail("no free sequential zone (need more sequential zones than --qd)");
}

static void submit_reset(struct slot *s) {
  struct zone *z = &zones[s->zone];
  unsigned char cdb[16] = {0x94, 0x04}; /* ZBC OUT, RESET WRITE POINTER (ZBC-2 5.5) */
  for (int i = 0; i < 8; i++) cdb[2 + i] = (unsigned char)(z->start >> (56 - 8 * i));
  if (opt.mode == ZONEDWRITE_ATA) /* ZONE ID in the LBA, COUNT 0 = this zone, ALL 0 */
    ata_pass_through_16(cdb, ATA_PROTOCOL_NON_DATA, 0, ZAC_RESET_WRITE_POINTER, 0, z->start,
                        ZAC_MANAGEMENT_OUT);
  struct scsi_task *task = scsi_create_task(16, cdb, SCSI_XFER_NONE, 0);
  if (!task) fail("scsi_create_task failed");
  s->resetting = 1;
  z->written = 0;
  s->lba = z->start;
  s->active = 1;
  in_flight++;
  clock_gettime(CLOCK_MONOTONIC, &s->t0);
  if (iscsi_scsi_command_async(iscsi, lun, task, io_done, NULL, s) != 0)
    fail("queueing RESET WRITE POINTER failed: %s", iscsi_get_error(iscsi));
}

/* WRITE DMA EXT of `blocks` sectors at `lba` from the slot's buffer, queued. */
static struct scsi_task *ata_write_task(struct slot *s, uint64_t lba, uint32_t blocks) {
  unsigned char cdb[16];
  ata_pass_through_16(cdb, ATA_PROTOCOL_DMA, ATA_BYTE_BLOCK_COUNT, 0, (uint16_t)blocks, lba,
                      ATA_WRITE_DMA_EXT);
  struct scsi_task *task =
      scsi_create_task(16, cdb, SCSI_XFER_WRITE, (int)(blocks * block_size));
  if (!task) return NULL;
  scsi_task_set_iov_out(task, &s->iov, 1);
  if (iscsi_scsi_command_async(iscsi, lun, task, io_done, NULL, s) != 0) {
    scsi_free_scsi_task(task);
    return NULL;
  }
  return task;
}

static void submit(struct slot *s) {
  if (stop_submitting || time_is_up()) {
    stop_submitting = 1;
    return;
  }
  uint32_t bs_blocks = (uint32_t)(opt.bs / block_size);
  uint64_t lba;
  uint32_t blocks = bs_blocks;
  switch (opt.mode) {
  case SEQWRITE:
  case SEQREAD:
    if (cursor + bs_blocks > region_first + region_blocks) {
      if (opt.once) {
        stop_submitting = 1;
        return;
      }
      cursor = region_first;
    }
    lba = cursor;
    cursor += bs_blocks;
    break;
  case RANDREAD:
    lba = region_first + (next_random() % (region_blocks / bs_blocks)) * bs_blocks;
    break;
  case ZONEDWRITE:
  case ZONEDWRITE_ATA: {
    if (s->zone >= 0 && zones[s->zone].wp >= zones[s->zone].start + zones[s->zone].capacity) {
      zones[s->zone].busy = 0;
      s->zone = -1;
    }
    if (s->zone < 0) {
      s->zone = claim_zone();
      if (zones[s->zone].wp != zones[s->zone].start) {
        submit_reset(s);
        return;
      }
    }
    struct zone *z = &zones[s->zone];
    lba = z->wp;
    uint64_t left = z->start + z->capacity - z->wp;
    if (left < blocks) blocks = (uint32_t)left;
    break;
  }
  default:
    fail("unreachable mode");
  }
  s->lba = lba;
  s->blocks = blocks;
  s->iov.iov_base = s->buf;
  s->iov.iov_len = (size_t)blocks * block_size;
  s->active = 1;
  in_flight++;
  ops_submitted++;
  struct scsi_task *task;
  clock_gettime(CLOCK_MONOTONIC, &s->t0);
  if (opt.mode == SEQREAD || opt.mode == RANDREAD) {
    task = iscsi_read16_iov_task(iscsi, lun, lba, blocks * block_size, block_size, 0, 0, 0, 0,
                                 0, io_done, s, &s->iov, 1);
  } else if (opt.mode == ZONEDWRITE_ATA) {
    stamp(s->buf, lba, blocks);
    task = ata_write_task(s, lba, blocks);
  } else {
    stamp(s->buf, lba, blocks);
    task = iscsi_write16_iov_task(iscsi, lun, lba, NULL, blocks * block_size, block_size, 0, 0, 0,
                                  0, 0, io_done, s, &s->iov, 1);
  }
  if (!task) fail("queueing the command at LBA %" PRIu64 " failed: %s", lba, iscsi_get_error(iscsi));
}

/* After the run: the last --bs below the write pointer of each zone written carries our stamps
   (a zone reset after its last write has written = 0 again: see submit_reset). */
static void verify_zone_tails(void) {
  uint32_t bs_blocks = (uint32_t)(opt.bs / block_size);
  for (size_t i = 0; i < zone_count; i++) {
    struct zone *z = &zones[i];
    if (!z->written) continue;
    uint64_t n = z->wp - z->start < bs_blocks ? z->wp - z->start : bs_blocks;
    uint64_t lba = z->wp - n;
    struct scsi_task *task =
        iscsi_read16_sync(iscsi, lun, lba, (uint32_t)(n * block_size), block_size, 0, 0, 0, 0, 0);
    if (!task) fail("READ(16) back at LBA %" PRIu64 " failed: %s", lba, iscsi_get_error(iscsi));
    check_status(task, task->status, "READ(16) back", lba);
    if ((uint64_t)task->datain.size != n * block_size)
      fail("READ(16) back at LBA %" PRIu64 ": %d bytes", lba, task->datain.size);
    verify(task->datain.data, lba, (uint32_t)n);
    scsi_free_scsi_task(task);
  }
}

/* ---- REPORT ZONES ---- */

/* `done` (optional) gets the time the reply was complete, before it is copied. */
static unsigned char *report_zones_sync(uint64_t start_lba, uint32_t alloc, int partial,
                                        size_t *got, struct timespec *done_at) {
  unsigned char cdb[16] = {0x95, 0x00}; /* ZBC IN, REPORT ZONES (ZBC-2 5.2) */
  for (int i = 0; i < 8; i++) cdb[2 + i] = (unsigned char)(start_lba >> (56 - 8 * i));
  for (int i = 0; i < 4; i++) cdb[10 + i] = (unsigned char)(alloc >> (24 - 8 * i));
  cdb[14] = partial ? 0x80 : 0x00; /* PARTIAL bit, REPORTING OPTIONS 0 = all zones */
  struct scsi_task *task = scsi_create_task(16, cdb, SCSI_XFER_READ, (int)alloc);
  if (!task) fail("scsi_create_task failed");
  struct scsi_task *done = iscsi_scsi_command_sync(iscsi, lun, task, NULL);
  if (!done) fail("REPORT ZONES failed: %s", iscsi_get_error(iscsi));
  if (done_at) clock_gettime(CLOCK_MONOTONIC, done_at);
  check_status(task, task->status, "REPORT ZONES", start_lba);
  if (task->datain.size < 64) fail("REPORT ZONES returned %d bytes (< 64)", task->datain.size);
  *got = (size_t)task->datain.size;
  unsigned char *copy = malloc(*got);
  if (!copy) fail("out of memory");
  memcpy(copy, task->datain.data, *got);
  scsi_free_scsi_task(task);
  return copy;
}

/* Checks a report's descriptors: contiguous, inside the LU, the first at or after start_lba. */
static size_t check_report(const unsigned char *r, size_t len, uint64_t start_lba) {
  size_t n = (len - 64) / 64;
  uint64_t expect = 0;
  for (size_t i = 0; i < n; i++) {
    const unsigned char *d = r + 64 + 64 * i;
    uint64_t zlen = get_be64(d + 8), zstart = get_be64(d + 16);
    if (i == 0 && (zstart > start_lba || zstart + zlen <= start_lba))
      fail("REPORT ZONES from LBA %" PRIu64 ": first descriptor starts at %" PRIu64 " length %" PRIu64,
           start_lba, zstart, zlen);
    if (i > 0 && zstart != expect)
      fail("REPORT ZONES descriptor %zu starts at %" PRIu64 ", expected %" PRIu64, i, zstart, expect);
    if (zlen == 0 || zstart + zlen > capacity_blocks)
      fail("REPORT ZONES descriptor %zu: start %" PRIu64 " length %" PRIu64 " beyond capacity %" PRIu64,
           i, zstart, zlen, capacity_blocks);
    expect = zstart + zlen;
  }
  return n;
}

static void load_zones(void) {
  size_t got;
  unsigned char *head = report_zones_sync(0, 64, 0, &got, NULL);
  uint32_t list_len = get_be32(head);
  free(head);
  if (list_len == 0) fail("REPORT ZONES lists no zones: is this LU zoned?");
  unsigned char *r = report_zones_sync(0, 64 + list_len, 0, &got, NULL);
  zone_count = check_report(r, got, 0);
  zones = calloc(zone_count, sizeof *zones);
  seq_zone_index = calloc(zone_count, sizeof *seq_zone_index);
  if (!zones || !seq_zone_index) fail("out of memory for %zu zones", zone_count);
  for (size_t i = 0; i < zone_count; i++) {
    const unsigned char *d = r + 64 + 64 * i;
    struct zone *z = &zones[i];
    z->type = d[0] & 0x0f;
    z->cond = d[1] >> 4;
    z->length = get_be64(d + 8);
    z->start = get_be64(d + 16);
    z->wp = get_be64(d + 24);
    z->capacity = get_be64(d + 32); /* ZBC-2: ZONE CAPACITY; 0 from ZBC-1 devices */
    if (z->capacity == 0 || z->capacity > z->length) z->capacity = z->length;
    /* SWR (2h) or SWP (3h) zones that are not read-only (Dh) or offline (Fh) */
    int inside = z->start >= region_first && z->start + z->length <= region_first + region_blocks;
    if (inside && (z->type == 2 || z->type == 3) && z->cond != 0xd && z->cond != 0xf) {
      if (z->cond == 0xe) z->wp = z->start + z->capacity; /* FULL: reset before use */
      seq_zone_index[seq_zone_count++] = i;
    }
  }
  free(r);
  if (seq_zone_count <= (size_t)opt.qd)
    fail("%zu usable sequential zones in the region: need more than --qd %d", seq_zone_count,
         opt.qd);
}

static void run_report_zones(void) {
  size_t got;
  unsigned char *head = report_zones_sync(0, 64, 0, &got, NULL);
  uint32_t list_len = get_be32(head);
  free(head);
  size_t total = list_len / 64;
  if (total == 0) fail("REPORT ZONES lists no zones: is this LU zoned?");
  /* zone starts, for random partial reports */
  unsigned char *all = report_zones_sync(0, 64 + list_len, 0, &got, NULL);
  if (check_report(all, got, 0) != total)
    fail("full REPORT ZONES returned %zu descriptors, header says %zu", (got - 64) / 64, total);
  uint64_t *starts = malloc(total * sizeof *starts);
  if (!starts) fail("out of memory");
  for (size_t i = 0; i < total; i++) starts[i] = get_be64(all + 64 + 64 * i + 16);
  free(all);
  uint32_t alloc = opt.report_full ? 64 + list_len : 4096;
  clock_gettime(CLOCK_MONOTONIC, &t_start);
  t_last = t_start;
  while (!time_is_up()) {
    uint64_t from = opt.report_full ? 0 : starts[next_random() % total];
    struct timespec t0, t1;
    ops_submitted++;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    unsigned char *r = report_zones_sync(from, alloc, !opt.report_full, &got, &t1);
    size_t n = check_report(r, got, from);
    size_t want = opt.report_full ? total : (4096 - 64) / 64;
    if (!opt.report_full) {
      size_t idx = 0;
      while (idx < total && starts[idx] != from) idx++;
      if (total - idx < want) want = total - idx;
    }
    if (n != want) fail("REPORT ZONES from LBA %" PRIu64 ": %zu descriptors, expected %zu", from, n, want);
    if (opt.report_full) {
      const unsigned char *last = r + 64 + 64 * (n - 1);
      uint64_t end = get_be64(last + 16) + get_be64(last + 8);
      if (end != capacity_blocks)
        fail("full REPORT ZONES ends at LBA %" PRIu64 ", the capacity is %" PRIu64 " blocks", end,
             capacity_blocks);
    }
    free(r);
    record_latency(&lat, &t0, &t1);
    t_last = t1;
    ops_done++;
    bytes_done += got;
  }
  free(starts);
  zone_count = total;
}

/* ---- main ---- */

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted latencies; 0 when there are none. */
static double percentile(const struct latencies *l, double p) {
  if (l->len == 0) return 0;
  size_t i = (size_t)(p * (double)(l->len - 1) + 0.5);
  return l->us[i];
}

static uint64_t parse_size(const char *s) {
  char *end;
  double v = strtod(s, &end);
  uint64_t mul = 1;
  if (*end == 'k' || *end == 'K') mul = 1024;
  else if (*end == 'm' || *end == 'M') mul = 1024 * 1024;
  else if (*end == 'g' || *end == 'G') mul = 1024ULL * 1024 * 1024;
  else if (*end != 0) {
    fprintf(stderr, "zbc-load: bad size '%s'\n", s);
    exit(2);
  }
  return (uint64_t)(v * (double)mul);
}

static void usage(void) {
  fprintf(stderr,
          "usage: zbc-load --url iscsi://HOST:PORT/IQN/LUN --mode "
          "seqwrite|seqread|randread|zonedwrite|zonedwrite-ata|reportzones\n"
          "  [--bs SIZE] [--qd N] [--seconds S] [--ops N] [--offset SIZE] [--region SIZE] "
          "[--once]\n  [--report full|page] [--seed N] [--label TEXT]\n");
  exit(2);
}

static void parse_args(int argc, char **argv) {
  opt.bs = 1024 * 1024;
  opt.qd = 1;
  opt.seconds = 3;
  opt.seed = 0x9E3779B97F4A7C15ULL;
  opt.mode = -1;
  opt.label = "";
  opt.report_full = 1;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--once")) { opt.once = 1; continue; }
    if (!v) usage();
    i++;
    if (!strcmp(a, "--url")) opt.url = v;
    else if (!strcmp(a, "--label")) opt.label = v;
    else if (!strcmp(a, "--bs")) opt.bs = parse_size(v);
    else if (!strcmp(a, "--qd")) opt.qd = atoi(v);
    else if (!strcmp(a, "--seconds")) opt.seconds = atof(v);
    else if (!strcmp(a, "--ops")) opt.max_ops = strtoull(v, NULL, 10);
    else if (!strcmp(a, "--offset")) opt.offset = parse_size(v);
    else if (!strcmp(a, "--region")) opt.region = parse_size(v);
    else if (!strcmp(a, "--seed")) opt.seed = strtoull(v, NULL, 10) | 1;
    else if (!strcmp(a, "--report")) {
      if (!strcmp(v, "full")) opt.report_full = 1;
      else if (!strcmp(v, "page")) opt.report_full = 0;
      else usage();
    } else if (!strcmp(a, "--mode")) {
      int found = 0;
      for (int m = 0; m < (int)(sizeof MODE_NAMES / sizeof *MODE_NAMES); m++)
        if (!strcmp(v, MODE_NAMES[m])) { opt.mode = (enum mode)m; found = 1; }
      if (!found) usage();
    } else usage();
  }
  if (!opt.url || (int)opt.mode < 0 || opt.qd < 1 || opt.qd > MAX_QD || opt.bs == 0) usage();
  if (opt.mode == REPORTZONES) opt.qd = 1;
  int bounded = opt.seconds > 0 || opt.max_ops > 0 ||
                (opt.once && (opt.mode == SEQWRITE || opt.mode == SEQREAD));
  if (!bounded) {
    fprintf(stderr, "zbc-load: the run needs a bound: --seconds > 0, --ops or --once\n");
    exit(2);
  }
}

static void connect_target(void) {
  char initiator[128];
  snprintf(initiator, sizeof initiator, "%s-%ld", INITIATOR_NAME, (long)getpid());
  iscsi = iscsi_create_context(initiator);
  if (!iscsi) fail("iscsi_create_context failed");
  struct iscsi_url *url = iscsi_parse_full_url(iscsi, opt.url);
  if (!url) fail("bad URL %s: %s", opt.url, iscsi_get_error(iscsi));
  iscsi_set_targetname(iscsi, url->target);
  iscsi_set_session_type(iscsi, ISCSI_SESSION_NORMAL);
  iscsi_set_header_digest(iscsi, ISCSI_HEADER_DIGEST_NONE);
  if (url->user[0]) iscsi_set_initiator_username_pwd(iscsi, url->user, url->passwd);
  lun = url->lun;
  if (iscsi_full_connect_sync(iscsi, url->portal, url->lun) != 0)
    fail("login to %s failed: %s", opt.url, iscsi_get_error(iscsi));
  iscsi_destroy_url(url);
  struct scsi_task *task = iscsi_readcapacity16_sync(iscsi, lun);
  if (!task) fail("READ CAPACITY(16) failed: %s", iscsi_get_error(iscsi));
  check_status(task, task->status, "READ CAPACITY(16)", 0);
  struct scsi_readcapacity16 *rc = scsi_datain_unmarshall(task);
  if (!rc) fail("READ CAPACITY(16) data could not be parsed");
  block_size = rc->block_length;
  capacity_blocks = rc->returned_lba + 1;
  scsi_free_scsi_task(task);
  if (block_size < 16) fail("block size %u is too small to stamp", block_size);
}

int main(int argc, char **argv) {
  parse_args(argc, argv);
  /* Keep freed memory: a 4.5 MiB report reply otherwise costs a fresh mmap (or brk) and its page
     faults every time, the generator's cost, not the target's. */
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  rng_state = opt.seed;
  connect_target();

  if (opt.bs % block_size) fail("--bs %" PRIu64 " is not a multiple of the block size %u", opt.bs, block_size);
  if (opt.offset % block_size) fail("--offset is not a multiple of the block size %u", block_size);
  region_first = opt.offset / block_size;
  region_blocks = opt.region ? opt.region / block_size : capacity_blocks - region_first;
  if (region_first + region_blocks > capacity_blocks)
    fail("region [%" PRIu64 ", +%" PRIu64 ") is beyond the capacity of %" PRIu64 " blocks",
         region_first, region_blocks, capacity_blocks);
  if (opt.mode != REPORTZONES && !zoned_mode() && region_blocks < opt.bs / block_size)
    fail("region is smaller than one command");
  cursor = region_first;

  if (opt.mode == REPORTZONES) {
    run_report_zones();
  } else {
    if (zoned_mode()) load_zones();
    if (opt.mode == ZONEDWRITE_ATA && opt.bs / block_size > ATA_MAX_SECTORS)
      fail("--bs %" PRIu64 " is more than one ATA command's %d sectors", opt.bs, ATA_MAX_SECTORS);
    for (int i = 0; i < opt.qd; i++) {
      struct slot *s = &slots[i];
      s->index = i;
      s->zone = -1;
      if (posix_memalign((void **)&s->buf, 4096, opt.bs)) fail("out of memory for buffers");
      memset(s->buf, 0xa5, opt.bs);
    }
    clock_gettime(CLOCK_MONOTONIC, &t_start);
    t_last = t_start;
    for (int i = 0; i < opt.qd; i++) submit(&slots[i]);
    while (in_flight > 0) {
      struct pollfd pfd = {.fd = iscsi_get_fd(iscsi), .events = (short)iscsi_which_events(iscsi)};
      int rc = poll(&pfd, 1, 1000);
      if (rc < 0 && errno != EINTR) fail("poll: %s", strerror(errno));
      if (iscsi_service(iscsi, rc > 0 ? pfd.revents : 0) < 0)
        fail("iscsi_service: %s", iscsi_get_error(iscsi));
    }
  }

  double secs = seconds_between(&t_start, &t_last);
  if (ops_done == 0 || secs <= 0) fail("no command completed");
  if (zoned_mode()) verify_zone_tails();
  qsort(lat.us, lat.len, sizeof *lat.us, cmp_double);
  if (reset_lat.len) qsort(reset_lat.us, reset_lat.len, sizeof *reset_lat.us, cmp_double);
  printf("{\"label\":\"%s\",\"mode\":\"%s\",\"bs\":%" PRIu64 ",\"qd\":%d,\"block_size\":%u,"
         "\"ops\":%" PRIu64 ",\"bytes\":%" PRIu64 ",\"seconds\":%.6f,\"mbps\":%.3f,\"iops\":%.1f,"
         "\"p50_us\":%.1f,\"p99_us\":%.1f,\"max_us\":%.1f,\"resets\":%" PRIu64 ","
         "\"reset_p50_us\":%.1f,\"reset_p99_us\":%.1f,\"reset_max_us\":%.1f,\"zones\":%zu}\n",
         opt.label, MODE_NAMES[opt.mode], opt.mode == REPORTZONES ? 0 : opt.bs, opt.qd, block_size,
         ops_done, bytes_done, secs, (double)bytes_done / secs / 1e6, (double)ops_done / secs,
         percentile(&lat, 0.50), percentile(&lat, 0.99), percentile(&lat, 1.0), resets_done,
         percentile(&reset_lat, 0.50), percentile(&reset_lat, 0.99), percentile(&reset_lat, 1.0),
         zone_count);
  fflush(stdout);
  iscsi_logout_sync(iscsi);
  iscsi_destroy_context(iscsi);
  return 0;
}
