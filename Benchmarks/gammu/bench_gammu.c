/* libgammu side of the codec benchmark (scripts/bench-codec): the same corpus as Benchmarks/CodecBench.
 *   decode: GSM_DecodePDUFrame on every PDU of decode.txt (SMSC prefix included), text decoded by libgammu.
 *   encode: GSM_EncodeMultiPartSMS (SMS_ConcatenatedAutoTextLong: GSM 7-bit or UCS-2, split) and
 *           GSM_EncodeSMSFrame (PHONE_SMSSubmit layout) per part, for every text of encode.txt.
 * Prints messages/s. Written for this project; it only calls libgammu's public API. */
#include <gammu.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_ITEMS 1024
#define MAX_PDU 512

static unsigned char pdus[MAX_ITEMS][MAX_PDU];
static size_t pdu_len[MAX_ITEMS];
static int pdu_count;
static char *texts[MAX_ITEMS];
static char *numbers[MAX_ITEMS];
static int text_count;
static GSM_SMSMessage sms;
static GSM_MultiSMSMessage multi;
static GSM_MultiPartSMSInfo info;
static unsigned char unicode_text[8192];
static unsigned char frame[1024];

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int hexval(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

static size_t unhex(const char *s, unsigned char *out, size_t max) {
    size_t n = 0;
    while (s[0] && s[1] && n < max && hexval(s[0]) >= 0 && hexval(s[1]) >= 0) {
        out[n++] = (unsigned char)(hexval(s[0]) * 16 + hexval(s[1]));
        s += 2;
    }
    return n;
}

static int decode_all(GSM_Debug_Info *di) {
    int failures = 0;
    for (int i = 0; i < pdu_count; i++) {
        size_t pos = 0;
        GSM_SetDefaultReceivedSMSData(&sms);
        if (GSM_DecodePDUFrame(di, &sms, pdus[i], pdu_len[i], &pos, TRUE) != ERR_NONE) failures++;
    }
    return failures;
}

static int encode_all(GSM_Debug_Info *di) {
    int failures = 0;
    for (int i = 0; i < text_count; i++) {
        GSM_ClearMultiPartSMSInfo(&info);
        DecodeUTF8(unicode_text, texts[i], strlen(texts[i]));
        info.EntriesNum = 1;
        info.UnicodeCoding = FALSE;
        info.Entries[0].ID = SMS_ConcatenatedAutoTextLong;
        info.Entries[0].Buffer = unicode_text;
        if (GSM_EncodeMultiPartSMS(di, &info, &multi) != ERR_NONE) {
            failures++;
            continue;
        }
        for (int p = 0; p < multi.Number; p++) {
            int length = 0;
            multi.SMS[p].PDU = SMS_Submit;
            EncodeUnicode(multi.SMS[p].Number, numbers[i], strlen(numbers[i]));
            multi.SMS[p].SMSC.Location = 0;
            multi.SMS[p].SMSC.Number[0] = 0;
            multi.SMS[p].SMSC.Number[1] = 0;
            if (GSM_EncodeSMSFrame(di, &multi.SMS[p], frame, PHONE_SMSSubmit, &length, TRUE) != ERR_NONE) failures++;
        }
    }
    return failures;
}

static double measure(int items, double seconds, int (*body)(GSM_Debug_Info *), GSM_Debug_Info *di, int *failures) {
    *failures = body(di); /* warm-up */
    long done = 0;
    double start = now(), elapsed;
    do {
        *failures = body(di);
        done += items;
        elapsed = now() - start;
    } while (elapsed < seconds);
    return done / elapsed;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: bench_gammu CORPUS_DIR SECONDS\n");
        return 2;
    }
    char path[4096], line[8192];
    snprintf(path, sizeof path, "%s/decode.txt", argv[1]);
    FILE *f = fopen(path, "r");
    if (!f) { perror(path); return 1; }
    while (pdu_count < MAX_ITEMS && fgets(line, sizeof line, f)) {
        pdu_len[pdu_count] = unhex(line, pdus[pdu_count], MAX_PDU);
        if (pdu_len[pdu_count] > 0) pdu_count++;
    }
    fclose(f);
    snprintf(path, sizeof path, "%s/encode.txt", argv[1]);
    f = fopen(path, "r");
    if (!f) { perror(path); return 1; }
    while (text_count < MAX_ITEMS && fgets(line, sizeof line, f)) {
        char *space = strchr(line, ' ');
        if (!space) continue;
        *space = 0;
        numbers[text_count] = strdup(line);
        unsigned char bytes[4096];
        size_t n = unhex(space + 1, bytes, sizeof bytes - 1);
        bytes[n] = 0;
        texts[text_count++] = strdup((char *)bytes);
    }
    fclose(f);

    double seconds = atof(argv[2]);
    GSM_Debug_Info *di = GSM_GetGlobalDebug();
    int decode_failures, encode_failures;
    double decode_rate = measure(pdu_count, seconds, decode_all, di, &decode_failures);
    double encode_rate = measure(text_count, seconds, encode_all, di, &encode_failures);
    printf("gammu decode %.0f msg/s (%d PDUs, %d failed)\n", decode_rate, pdu_count, decode_failures);
    printf("gammu encode %.0f msg/s (%d texts, %d failed)\n", encode_rate, text_count, encode_failures);
    return 0;
}
