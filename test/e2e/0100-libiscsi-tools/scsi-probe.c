/*
 * scsi-probe: log in with libiscsi (the same library as iscsi-inq and iscsi-test-cu), send raw
 * CDBs on one session and print one JSON line per command, so a test can assert the exact
 * status, sense key / ASC / ASCQ and data bytes that libiscsi's own tools only summarise.
 *
 *   scsi-probe [-i INITIATOR] URL SPEC...
 *   SPEC = CDBHEX[/in=N][/out=N][/data=HEX]   (out data: N bytes of 0xa5, or the HEX bytes)
 *
 * Output: {"login":"ok"} or {"login":"failed","error":"..."} (exit 2), then per SPEC
 * {"status":S,"sk":K,"asc":A,"ascq":Q,"residual":R,"data":"HEX"}. Exit 0 when every command
 * reached the target, whatever its status; 3 on a transport failure.
 *
 * Built by the e2e test with `cc -O1 -o .cache/interop/scsi-probe scsi-probe.c -liscsi`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\') printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20) printf("\\u%04x", *s);
		else putchar(*s);
	}
	putchar('"');
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

int main(int argc, char **argv)
{
	const char *initiator = "iqn.2026-11.dev.zbc-target.test:scsi-probe";
	int argi = 1;
	if (argc > 2 && strcmp(argv[1], "-i") == 0) {
		initiator = argv[2];
		argi = 3;
	}
	if (argc - argi < 1) {
		fprintf(stderr, "usage: scsi-probe [-i INITIATOR] URL CDBHEX[/in=N][/out=N]...\n");
		return 1;
	}
	struct iscsi_context *iscsi = iscsi_create_context(initiator);
	if (iscsi == NULL) {
		fprintf(stderr, "cannot create context\n");
		return 1;
	}
	struct iscsi_url *url = iscsi_parse_full_url(iscsi, argv[argi]);
	if (url == NULL) {
		printf("{\"login\":\"failed\",\"error\":");
		json_string(iscsi_get_error(iscsi));
		printf("}\n");
		return 2;
	}
	iscsi_set_targetname(iscsi, url->target);
	iscsi_set_session_type(iscsi, ISCSI_SESSION_NORMAL);
	iscsi_set_header_digest(iscsi, ISCSI_HEADER_DIGEST_NONE_CRC32C);
	if (url->user[0] != '\0') {
		iscsi_set_initiator_username_pwd(iscsi, url->user, url->passwd);
	}
	if (iscsi_full_connect_sync(iscsi, url->portal, url->lun) != 0) {
		printf("{\"login\":\"failed\",\"error\":");
		json_string(iscsi_get_error(iscsi));
		printf("}\n");
		return 2;
	}
	printf("{\"login\":\"ok\"}\n");
	fflush(stdout);

	int rc = 0;
	for (int a = argi + 1; a < argc; a++) {
		char spec[65536];
		snprintf(spec, sizeof spec, "%s", argv[a]);
		int in_len = 0, out_len = 0;
		const char *data_hex = NULL;
		char *opt = strchr(spec, '/');
		if (opt != NULL) {
			*opt++ = '\0';
			while (opt != NULL && *opt) {
				char *next = strchr(opt, '/');
				if (next) *next++ = '\0';
				if (strncmp(opt, "in=", 3) == 0) in_len = atoi(opt + 3);
				else if (strncmp(opt, "out=", 4) == 0) out_len = atoi(opt + 4);
				else if (strncmp(opt, "data=", 5) == 0) {
					data_hex = opt + 5;
					out_len = (int)(strlen(data_hex) / 2);
				}
				opt = next;
			}
		}
		unsigned char cdb[SCSI_CDB_MAX_SIZE];
		size_t hexlen = strlen(spec);
		if (hexlen % 2 != 0 || hexlen / 2 > sizeof cdb || hexlen == 0) {
			fprintf(stderr, "bad CDB %s\n", spec);
			return 1;
		}
		for (size_t i = 0; i < hexlen / 2; i++) {
			int hi = hexval(spec[2 * i]), lo = hexval(spec[2 * i + 1]);
			if (hi < 0 || lo < 0) {
				fprintf(stderr, "bad CDB %s\n", spec);
				return 1;
			}
			cdb[i] = (unsigned char)(hi * 16 + lo);
		}
		int dir = out_len ? SCSI_XFER_WRITE : in_len ? SCSI_XFER_READ : SCSI_XFER_NONE;
		struct scsi_task *task = scsi_create_task((int)(hexlen / 2), cdb, dir, out_len ? out_len : in_len);
		unsigned char *out = NULL;
		struct iscsi_data data = { 0, NULL };
		if (out_len) {
			out = malloc((size_t)out_len);
			memset(out, 0xa5, (size_t)out_len);
			for (int i = 0; data_hex != NULL && i < out_len; i++) {
				int hi = hexval(data_hex[2 * i]), lo = hexval(data_hex[2 * i + 1]);
				out[i] = (unsigned char)((hi < 0 ? 0 : hi) * 16 + (lo < 0 ? 0 : lo));
			}
			data.size = (size_t)out_len;
			data.data = out;
		}
		task = iscsi_scsi_command_sync(iscsi, url->lun, task, out_len ? &data : NULL);
		free(out);
		if (task == NULL) {
			printf("{\"error\":");
			json_string(iscsi_get_error(iscsi));
			printf("}\n");
			rc = 3;
			break;
		}
		printf("{\"status\":%d,\"sk\":%d,\"asc\":%d,\"ascq\":%d,\"residual\":%d,\"data\":\"",
		       task->status,
		       task->status == SCSI_STATUS_CHECK_CONDITION ? (int)task->sense.key : 0,
		       task->status == SCSI_STATUS_CHECK_CONDITION ? (task->sense.ascq >> 8) & 0xff : 0,
		       task->status == SCSI_STATUS_CHECK_CONDITION ? task->sense.ascq & 0xff : 0,
		       task->residual_status == SCSI_RESIDUAL_UNDERFLOW ? -(int)task->residual
		       : task->residual_status == SCSI_RESIDUAL_OVERFLOW ? (int)task->residual : 0);
		for (int i = 0; i < task->datain.size; i++) printf("%02x", task->datain.data[i]);
		printf("\"}\n");
		fflush(stdout);
		scsi_free_scsi_task(task);
	}
	iscsi_logout_sync(iscsi);
	iscsi_destroy_url(url);
	iscsi_destroy_context(iscsi);
	return rc;
}
