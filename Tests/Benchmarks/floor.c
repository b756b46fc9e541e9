/* SQLite's own floor for the import: insert pre-parsed rows through one prepared statement in
   one transaction, into a table shaped like portreport's `record` table. Reads the rows from a
   binary file (written by bench.py: per row int32 snapshot, int32 port, int32 type index,
   int64 num, int32 status index), times only the inserts, prints "rows seconds".
   Build: cc -O2 -o floor floor.c -lsqlite3 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#pragma pack(push, 1)
struct row { int32_t snapshot, port, type; int64_t num; int32_t status; };
#pragma pack(pop)

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: floor ROWS.bin DB\n"); return 2; }
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
