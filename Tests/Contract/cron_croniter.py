#!/usr/bin/env python3
"""Clearline's cron expressions against croniter, the reference implementation on PyPI: random
expressions (values, ranges, steps, lists, names, 7 for Sunday, nicknames) and random times,
in time zones with no daylight saving change (UTC, Asia/Kolkata, Asia/Tokyo); each case's next
three firings must be croniter's. Daylight saving days are tested in CronExpressionTests, whose
rule (a skipped time runs once when the clock resumes) is stated there. Needs CLEARLINE_BIN.
Usage: cron_croniter.py [cases] [seed]"""
import json
import os
import random
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from croniter import CroniterBadDateError, croniter

BIN = os.environ["CLEARLINE_BIN"]
CASES = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
SEED = int(sys.argv[2]) if len(sys.argv) > 2 else random.randrange(2**31)
ZONES = ["UTC", "Asia/Kolkata", "Asia/Tokyo"]
MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
rng = random.Random(SEED)


def part(low, high, names=None, name_base=0):
    """One list item of a field: *, */n, a, a-b, a-b/n or a/n, sometimes with names."""
    def value(v):
        return names[v - name_base] if names and rng.random() < 0.3 and 0 <= v - name_base < len(names) else str(v)
    kind = rng.choice(["star", "step", "value", "range", "range-step", "start-step"])
    # Never equal ends: croniter reads 5-5 as every value (cron, and Clearline, as 5). A second end
    # below the first wraps round (FRI-MON), one time in five.
    a = rng.randint(low, high - 1)
    b = rng.randint(low, a - 1) if a > low and rng.random() < 0.2 else rng.randint(a + 1, high)
    n = rng.randint(1, max(1, (high - low) // 2))
    # A wrapping range takes no step: croniter wraps those at the last value, one short of cron.
    stepped = f"{value(a)}-{value(b)}/{n}" if a < b else f"{value(a)}-{value(b)}"
    return {"star": "*", "step": f"*/{n}", "value": value(a), "range": f"{value(a)}-{value(b)}",
            "range-step": stepped, "start-step": f"{a}/{n}"}[kind]


def field(low, high, names=None, name_base=0):
    items = [part(low, high, names, name_base) for _ in range(rng.choice([1, 1, 1, 2, 3]))]
    return "*" if "*" in items else ",".join(items)


def expression():
    if rng.random() < 0.05:
        return rng.choice(["@hourly", "@daily", "@weekly", "@monthly", "@yearly", "@annually", "@midnight"])
    return " ".join([field(0, 59), field(0, 23), field(1, 31) if rng.random() < 0.6 else "*",
                     field(1, 12, MONTHS, 1), field(0, 7 if rng.random() < 0.2 else 6, DAYS, 0) if rng.random() < 0.5 else "*"])


cases = []
for _ in range(CASES):
    after = datetime(2026, 1, 1, tzinfo=timezone.utc) + timedelta(seconds=rng.randrange(4 * 365 * 86400))
    cases.append({"expression": expression(), "time_zone": rng.choice(ZONES), "after": after.strftime("%Y-%m-%dT%H:%M:%SZ"), "count": 3})

ours = subprocess.run([BIN, "cron", "next"], input="\n".join(json.dumps(c) for c in cases), capture_output=True, text=True, check=True).stdout
mismatches, skipped = [], 0
for case, line in zip(cases, ours.splitlines()):
    answer = json.loads(line)
    zone = ZoneInfo(case["time_zone"])
    start = datetime.strptime(case["after"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).astimezone(zone)
    # A day field listing every day: croniter calls it unrestricted or not depending on how it was
    # written (0-7 is, 1-0,5/2 is not), which decides whether the other day field is ORed in.
    if not case["expression"].startswith("@"):
        expanded = croniter(case["expression"], start).expanded
        if (expanded[2] != ["*"] and len(set(expanded[2])) == 31) or (expanded[4] != ["*"] and len(set(v % 7 for v in expanded[4])) == 7):
            skipped += 1
            continue
    try:
        iterator = croniter(case["expression"], start)
        expected = []
        for _ in range(3):
            try:
                expected.append(iterator.get_next(datetime).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M"))
            except CroniterBadDateError:  # no further date (30 February): Clearline lists none either
                break
    except Exception as error:  # croniter refuses it: so must we
        expected = f"refused: {error}"
    got = answer.get("error") and f"refused: {answer['error']}" or [t[:16] for t in answer["next"]]
    if isinstance(expected, str) != isinstance(got, str) or (not isinstance(expected, str) and expected != got):
        mismatches.append((case, expected, got))
if len(cases) != len(ours.splitlines()):
    sys.exit(f"FAIL: {len(cases)} cases sent, {len(ours.splitlines())} answers")
if mismatches:
    for case, expected, got in mismatches[:5]:
        print(f"  {case['expression']!r} in {case['time_zone']} after {case['after']}: croniter {expected}, clearline {got}")
    sys.exit(f"FAIL: {len(mismatches)} of {CASES} cases differ from croniter (seed {SEED})")
print(f"ok: {CASES - skipped} random cron expressions and times in {', '.join(ZONES)}: the next three firings are croniter's "
      f"({skipped} listing every day left out; seed {SEED})")
