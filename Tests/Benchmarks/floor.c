/* SQLite's own floor for the import: the same pre-parsed records stored in one transaction.
   Reads the rows from a binary file (written by bench.py: per row int32 snapshot, int32 port,
   int32 type index, int64 num, int32 status index), times only the storing (to the end of the
   commit), prints "rows seconds".

     floor ROWS.bin DB         one row per record through one prepared statement, into a table
                               shaped like schema v1's `record` table (the floor);
     floor ROWS.bin DB blobs   one row per snapshot: its records sorted and packed 16 bytes
                               each, as schema v2's `snapshot_records` holds them.

   Build: cc -O2 -o floor floor.c -lsqlite3 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#pragma pack(push, 1)
struct row { int32_t snapshot, port, type; int64_t num; int32_t status; };
#pragma pack(pop)

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static uint32_t key_of(const struct row *r) { return ((uint32_t)r->port << 2) | (uint32_t)(r->type & 3); }

static int by_key(const void *a, const void *b) {
    uint32_t x = key_of(a), y = key_of(b);
    return x < y ? -1 : x > y;
}

static void put_be(unsigned char *p, uint64_t v, int bytes) {
    for (int i = bytes - 1; i >= 0; i--) { p[i] = (unsigned char)(v & 0xFF); v >>= 8; }
}

/* One row per snapshot (rows of a snapshot are contiguous in ROWS.bin). */
static int store_blobs(sqlite3 *db, struct row *rows, long count) {
    sqlite3_exec(db, "PRAGMA journal_mode=WAL;"
                     "CREATE TABLE snapshot_records (snapshot_id INTEGER PRIMARY KEY, data BLOB NOT NULL);", 0, 0, 0);
    sqlite3_exec(db, "BEGIN", 0, 0, 0);
    sqlite3_stmt *insert;
    sqlite3_prepare_v2(db, "INSERT INTO snapshot_records VALUES (?, ?)", -1, &insert, 0);
    unsigned char *blob = malloc((size_t)count * 16 + 16);
    for (long start = 0; start < count;) {
        long end = start;
        while (end < count && rows[end].snapshot == rows[start].snapshot) end++;
        qsort(rows + start, (size_t)(end - start), sizeof(struct row), by_key);
        long n = 0;
        for (long i = start; i < end; i++) {
            if (i > start && key_of(&rows[i]) == key_of(&rows[i - 1])) continue;
            unsigned char *e = blob + n++ * 16;
            put_be(e, (uint64_t)rows[i].port, 2);
            e[2] = (unsigned char)(rows[i].type & 3);
            e[3] = (unsigned char)(rows[i].status & 3);
            put_be(e + 4, 1, 4);
            put_be(e + 8, (uint64_t)rows[i].num, 8);
        }
        sqlite3_reset(insert);
        sqlite3_bind_int64(insert, 1, rows[start].snapshot);
        sqlite3_bind_blob(insert, 2, blob, (int)(n * 16), SQLITE_STATIC);
        if (sqlite3_step(insert) != SQLITE_DONE) { fprintf(stderr, "%s\n", sqlite3_errmsg(db)); return 1; }
        start = end;
    }
    sqlite3_finalize(insert);
    sqlite3_exec(db, "COMMIT", 0, 0, 0);
    free(blob);
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 3 && !(argc == 4 && strcmp(argv[3], "blobs") == 0)) { fprintf(stderr, "usage: floor ROWS.bin DB [blobs]\n"); return 2; }
    FILE *in = fopen(argv[1], "rb");
    if (!in) { perror(argv[1]); return 1; }
    fseek(in, 0, SEEK_END);
    long size = ftell(in);
    fseek(in, 0, SEEK_SET);
    long count = size / (long)sizeof(struct row);
    struct row *rows = malloc(size);
    if (!rows || fread(rows, sizeof(struct row), count, in) != (size_t)count) { fprintf(stderr, "read failed\n"); return 1; }
    fclose(in);
    static const char *types[] = {"TCP", "TCP6", "UDP", "UDP6"};
    static const char *statuses[] = {NULL, "danger", "normal", "unknown"};
    sqlite3 *db;
    if (sqlite3_open(argv[2], &db) != SQLITE_OK) return 1;
    if (argc == 4) {
        double start = now();
        if (store_blobs(db, rows, count)) return 1;
        double seconds = now() - start;
        sqlite3_close(db);
        printf("%ld %.6f\n", count, seconds);
        return 0;
    }
    sqlite3_exec(db, "PRAGMA journal_mode=WAL;"
                     "CREATE TABLE record (snapshot_id INTEGER NOT NULL, port INTEGER NOT NULL CHECK (port BETWEEN 0 AND 65535),"
                     " type TEXT NOT NULL CHECK (type = 'TCP' OR type = 'TCP6' OR type = 'UDP' OR type = 'UDP6'),"
                     " num INTEGER NOT NULL CHECK (num >= 0),"
                     " status TEXT CHECK (status = 'danger' OR status = 'normal' OR status = 'unknown'),"
                     " source_id INTEGER NOT NULL, PRIMARY KEY (snapshot_id, port, type)) WITHOUT ROWID;", 0, 0, 0);
    double start = now();
    sqlite3_exec(db, "BEGIN", 0, 0, 0);
    sqlite3_stmt *insert;
    sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO record VALUES (?, ?, ?, ?, ?, 1)", -1, &insert, 0);
    for (long i = 0; i < count; i++) {
        sqlite3_reset(insert);
        sqlite3_bind_int64(insert, 1, rows[i].snapshot);
        sqlite3_bind_int64(insert, 2, rows[i].port);
        sqlite3_bind_text(insert, 3, types[rows[i].type & 3], -1, SQLITE_STATIC);
        sqlite3_bind_int64(insert, 4, rows[i].num);
        if (statuses[rows[i].status & 3]) sqlite3_bind_text(insert, 5, statuses[rows[i].status & 3], -1, SQLITE_STATIC);
        else sqlite3_bind_null(insert, 5);
        if (sqlite3_step(insert) != SQLITE_DONE) { fprintf(stderr, "%s\n", sqlite3_errmsg(db)); return 1; }
    }
    sqlite3_finalize(insert);
    sqlite3_exec(db, "COMMIT", 0, 0, 0);
    double seconds = now() - start;
    sqlite3_close(db);
    printf("%ld %.6f\n", count, seconds);
    return 0;
}
