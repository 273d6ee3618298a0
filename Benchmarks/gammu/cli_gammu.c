/* libgammu side of the command-line batch benchmark (scripts/bench-cli): what `modemctl pdu decode -` does, as a
 * small C program would do it on libgammu. Reads one hex PDU per line (SMSC prefix included) from standard input
 * or the file named on the command line, decodes it with GSM_DecodePDUFrame and prints one line per PDU:
 *   number TAB text        (text in UTF-8 through EncodeUTF8; 8-bit data as hex; \, tab and newline escaped)
 *   error TAB code         (a line that is not hex or does not decode)
 * Blank lines are skipped. Output goes through stdio's buffer (fully buffered on a file or a pipe).
 * Written for this project; it only calls libgammu's public API. */
#include <gammu.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PDU 512
#define MAX_LINE 8192

static GSM_SMSMessage sms;
static char utf8[4 * (GSM_MAX_SMS_LENGTH + 1) * 2 + 16];
static char number[4 * (GSM_MAX_NUMBER_LENGTH + 1) + 16];

static int hexval(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

/* Parses the hex digits of `s` (surrounding blanks skipped); returns the octet count, or -1 when the line is not
 * an even run of hex digits. */
static long unhex(char *s, unsigned char *out, size_t max) {
    while (*s == ' ' || *s == '\t') s++;
    size_t len = strlen(s);
    while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r' || s[len - 1] == ' ' || s[len - 1] == '\t')) len--;
    if (len == 0) return 0;
    if (len % 2 != 0 || len / 2 > max) return -1;
    for (size_t i = 0; i < len; i += 2) {
        int h = hexval((unsigned char)s[i]), l = hexval((unsigned char)s[i + 1]);
        if (h < 0 || l < 0) return -1;
        out[i / 2] = (unsigned char)(h * 16 + l);
    }
    return (long)(len / 2);
}

static void put_escaped(const char *s) {
    for (; *s; s++) {
        switch (*s) {
        case '\\': fputs("\\\\", stdout); break;
        case '\t': fputs("\\t", stdout); break;
        case '\n': fputs("\\n", stdout); break;
        case '\r': fputs("\\r", stdout); break;
        default: putchar(*s);
        }
    }
}

int main(int argc, char **argv) {
    FILE *in = stdin;
    if (argc == 2 && strcmp(argv[1], "-") != 0) {
        in = fopen(argv[1], "r");
        if (!in) { perror(argv[1]); return 1; }
    } else if (argc > 2) {
        fprintf(stderr, "usage: cli_gammu [FILE|-]\n");
        return 2;
    }
    GSM_Debug_Info *di = GSM_GetGlobalDebug();
    static char line[MAX_LINE];
    static unsigned char pdu[MAX_PDU];
    while (fgets(line, sizeof line, in)) {
        long n = unhex(line, pdu, MAX_PDU);
        if (n == 0) continue;
        if (n < 0) {
            fputs("error\tnot hex\n", stdout);
            continue;
        }
        size_t pos = 0;
        GSM_SetDefaultReceivedSMSData(&sms);
        GSM_Error error = GSM_DecodePDUFrame(di, &sms, pdu, (size_t)n, &pos, TRUE);
        if (error != ERR_NONE) {
            printf("error\t%d\n", (int)error);
            continue;
        }
        EncodeUTF8(number, sms.Number);
        put_escaped(number);
        putchar('\t');
        if (sms.Coding == SMS_Coding_8bit) {
            for (size_t i = 0; i < sms.Length; i++) printf("%02X", (unsigned char)sms.Text[i]);
        } else {
            EncodeUTF8(utf8, sms.Text);
            put_escaped(utf8);
        }
        putchar('\n');
    }
    if (in != stdin) fclose(in);
    return ferror(stdout) ? 1 : 0;
}
