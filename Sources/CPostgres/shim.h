#ifndef CLEARLINE_CPQ_SHIM_H
#define CLEARLINE_CPQ_SHIM_H
#include <libpq-fe.h>

/* Why: PG_DIAG_* are macros over character constants; Swift imports them poorly. */
static inline char *cpq_sqlstate(const PGresult *r) { return PQresultErrorField(r, 'C'); }
static inline char *cpq_primary_message(const PGresult *r) { return PQresultErrorField(r, 'M'); }
static inline char *cpq_constraint(const PGresult *r) { return PQresultErrorField(r, 'n'); }
#endif
